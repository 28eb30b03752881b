// Who may connect at all, checked the moment a socket is accepted: the host's --allow and --deny address ranges
// (CIDR, repeatable, as ncat names them) and the addresses the host banned while the room runs.
import { BlockList, isIP } from 'node:net';
import { ChatError } from '../../core/errors';
import { normalizeIp } from './addressLimits';

export interface Cidr {
  /** The network address as written (IPv4-mapped IPv6 as plain IPv4). */
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (`192.168.1.7`, `::1`: the whole-address prefix). */
export function parseCidr(text: string): Cidr | { error: string } {
  const [rawAddress, prefixText, ...extra] = text.trim().split('/');
  const address = normalizeIp(rawAddress);
  const version = isIP(address);
  const example = 'e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8';
  if (version === 0 || extra.length > 0 || address.includes('%'))
    return { error: `"${text}" is not an IP address range (${example}).` };
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: bits, family };
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits)
    return { error: `"${text}": the part after / must be a whole number from 0 to ${bits}.` };
  return { address, prefix, family };
}

/** ChatError('bad-option') naming the option and the first range it cannot read. */
export function checkCidrs(option: 'allow' | 'deny', ranges: readonly string[]): void {
  if (!Array.isArray(ranges)) throw new ChatError('bad-option', `Server option ${option} must be a list of ranges.`);
  for (const range of ranges) {
    const parsed = typeof range === 'string' ? parseCidr(range) : { error: `${String(range)} is not text.` };
    if ('error' in parsed) throw new ChatError('bad-option', `Server option ${option}: ${parsed.error}`);
  }
}

/** Why an address may not connect: the code of our client's Error frame and the sentence for both. */
export interface AccessRefusal {
  code: 'banned' | 'address-refused';
  message: string;
  /** For the host's log: why its address is refused. */
  why: string;
}

export class AccessList {
  private readonly allowed: BlockList | undefined;
  private readonly denied = new BlockList();
  private readonly banned = new BlockList();

  constructor(
    private readonly allow: readonly string[],
    private readonly deny: readonly string[],
  ) {
    // Both lists were checked by resolveServerOptions (checkCidrs).
    if (allow.length > 0) this.allowed = blockListOf(allow);
    this.denied = blockListOf(deny);
  }

  /** The room's lifetime: every later connection from `ip` is refused. */
  ban(ip: string): void {
    const address = normalizeIp(ip);
    const version = isIP(address);
    if (version !== 0) this.banned.addAddress(address, version === 4 ? 'ipv4' : 'ipv6');
  }

  /** undefined: `ip` may connect. */
  check(ip: string): AccessRefusal | undefined {
    const address = normalizeIp(ip);
    const version = isIP(address);
    const family = version === 4 ? 'ipv4' : 'ipv6';
    const matches = (list: BlockList) => version !== 0 && list.check(address, family);
    if (matches(this.banned))
      return { code: 'banned', message: 'You are banned from this room.', why: 'its address was banned by the host.' };
    const refused = { code: 'address-refused', message: 'Your address may not join this room.' } as const;
    if (matches(this.denied)) return { ...refused, why: `its address is in a denied range (${this.deny.join(', ')}).` };
    if (this.allowed && !matches(this.allowed))
      return { ...refused, why: `its address is outside the allowed ranges (${this.allow.join(', ')}).` };
    return undefined;
  }
}

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const cidr = parseCidr(range) as Cidr;
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

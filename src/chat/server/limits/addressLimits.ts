// Limits per IP address, for a LAN where one machine may mean harm: how many connections it has open, how fast it
// opens new ones, how many messages all its connections send together (a new connection brings no fresh
// allowance), and how long it waits after a wrong password. Defaults leave room for a classroom behind one NAT.
// Memory stays bounded: an address with nothing open is forgotten once its limits have recovered, and at most
// MAX_TRACKED_ADDRESSES are remembered (the least recently seen idle one goes first).
import { formatDuration } from '../../core/units';
import type { RateLimit } from '../options';
import { RateLimiter, TokenBucket } from './rateLimiter';

export interface PasswordBackoff {
  /** The wait after the first wrong password; each further one doubles it. */
  firstMs: number;
  /** The longest wait. */
  maxMs: number;
}

export interface AddressLimitOptions {
  connectionsPerAddress: number;
  connectRate: RateLimit | false;
  addressRateLimit: RateLimit | false;
  passwordBackoff: PasswordBackoff | false;
}

export type AdmitVerdict =
  { ok: true } | { ok: false; code: 'too-many-connections' | 'connecting-too-fast'; message: string };

export type AddressRateVerdict =
  | { ok: true }
  /** `tell`: this connection was not told yet during this mute; `log`: the mute just started. */
  | { ok: false; tell: boolean; log: boolean; muteSeconds: number };

export type ProofVerdict =
  | { kind: 'check' }
  /** A little early: check it after `ms`. */
  | { kind: 'hold'; ms: number }
  /** Refused unchecked; `log` is true for the first refusal of this wait (one host log line per lockout). */
  | { kind: 'refuse'; seconds: number; failures: number; log: boolean };

/** Addresses remembered at most (far more than the connections a server may hold). */
export const MAX_TRACKED_ADDRESSES = 16_384;
/** How often idle addresses are looked for and forgotten. */
const SWEEP_EVERY_MS = 10_000;

/** `::ffff:10.0.0.1` (IPv4-mapped IPv6) is 10.0.0.1; IPv6 letters in lower case, so one address has one key. */
export function normalizeIp(raw: string): string {
  const lower = raw.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

interface AddressEntry {
  ip: string;
  open: number;
  connects: TokenBucket | undefined;
  messages: RateLimiter | undefined;
  /** Connections told about the current message mute. */
  toldOfMute: WeakSet<object>;
  /** Wrong passwords in a row, and when the next proof may be checked. */
  failures: number;
  nextProofAt: number;
  /** The nextProofAt whose lockout was logged. */
  loggedLockout: number;
  /** Nothing of this entry matters after this time once nothing is open. */
  forgetAt: number;
}

export class AddressLimits {
  private readonly entries = new Map<string, AddressEntry>();
  /** Which address each admitted connection came from. */
  private readonly addressOf = new WeakMap<object, AddressEntry>();
  private lastSweep = 0;

  constructor(
    private readonly options: AddressLimitOptions,
    private readonly maxTracked = MAX_TRACKED_ADDRESSES,
  ) {}

  /** Addresses remembered now. */
  get trackedAddresses(): number {
    return this.entries.size;
  }

  /** A new connection (`key`) from `ip`: refused with a sentence for the peer, or counted until closed(key). */
  admit(key: object, ip: string, now = Date.now()): AdmitVerdict {
    const entry = this.entry(normalizeIp(ip), now);
    if (entry.connects && !entry.connects.take(1, now)) {
      const seconds = Math.max(1, Math.ceil(entry.connects.msUntil(1, now) / 1000));
      const message = `You are connecting too fast from your address; try again in ${seconds} s.`;
      return { ok: false, code: 'connecting-too-fast', message };
    }
    const max = this.options.connectionsPerAddress;
    if (entry.open >= max) {
      const message = `Too many connections from your address (${max}); close one and try again.`;
      return { ok: false, code: 'too-many-connections', message };
    }
    entry.open++;
    this.addressOf.set(key, entry);
    return { ok: true };
  }

  /** The (normalised) address an admitted connection came from. */
  ipOf(key: object): string | undefined {
    return this.addressOf.get(key)?.ip;
  }

  /** The connection `from` goes on as `to` (its socket wrapped in TLS): it keeps its place in its address's count. */
  moved(from: object, to: object): void {
    const entry = this.addressOf.get(from);
    if (entry) this.addressOf.set(to, entry);
    this.addressOf.delete(from);
  }

  /** An admitted connection closed (once is enough; more are ignored). */
  closed(key: object, now = Date.now()): void {
    const entry = this.addressOf.get(key);
    if (!entry) return;
    this.addressOf.delete(key);
    entry.open--;
    this.extendMemory(entry, now);
  }

  /** One message (or command with an answer) from `key`, counted against its whole address. */
  message(key: object, now = Date.now()): AddressRateVerdict {
    const entry = this.addressOf.get(key);
    const verdict = entry?.messages?.take(now);
    if (!entry || !verdict || verdict.ok) return { ok: true };
    if (verdict.firstDrop) entry.toldOfMute = new WeakSet();
    const tell = !entry.toldOfMute.has(key);
    entry.toldOfMute.add(key);
    this.extendMemory(entry, now);
    return { ok: false, tell, log: verdict.firstDrop, muteSeconds: verdict.muteSeconds };
  }

  /** May `key`'s password proof be checked now? Not while its address waits after wrong ones. */
  proof(key: object, now = Date.now()): ProofVerdict {
    const entry = this.addressOf.get(key);
    const backoff = this.options.passwordBackoff;
    if (!entry || !backoff || now >= entry.nextProofAt) return { kind: 'check' };
    const ms = entry.nextProofAt - now;
    if (ms <= 2 * backoff.firstMs) return { kind: 'hold', ms };
    const log = entry.loggedLockout !== entry.nextProofAt;
    entry.loggedLockout = entry.nextProofAt;
    return { kind: 'refuse', seconds: Math.ceil(ms / 1000), failures: entry.failures, log };
  }

  /** A wrong proof from `key`: its address waits twice as long as after the previous one (up to maxMs). */
  proofFailed(key: object, now = Date.now()): { failures: number; waitMs: number } {
    const entry = this.addressOf.get(key);
    const backoff = this.options.passwordBackoff;
    if (!entry || !backoff) return { failures: 0, waitMs: 0 };
    // Quiet for a whole longest wait after the last one ended: the earlier mistakes are forgiven.
    if (now >= entry.nextProofAt + backoff.maxMs) entry.failures = 0;
    entry.failures++;
    const waitMs = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(entry.failures - 1, 30));
    entry.nextProofAt = now + waitMs;
    this.extendMemory(entry, now);
    return { failures: entry.failures, waitMs };
  }

  /** The right password from `key`: its address starts afresh. */
  proofPassed(key: object): void {
    const entry = this.addressOf.get(key);
    if (!entry) return;
    entry.failures = 0;
    entry.nextProofAt = 0;
  }

  private entry(ip: string, now: number): AddressEntry {
    this.sweep(now);
    let entry = this.entries.get(ip);
    if (entry) {
      this.entries.delete(ip); // re-inserted below: the Map's order is least recently seen first
    } else {
      if (this.entries.size >= this.maxTracked) this.evictOne();
      const { connectRate, addressRateLimit } = this.options;
      entry = {
        ip,
        open: 0,
        connects: connectRate ? new TokenBucket(connectRate.burst, connectRate.perSecond, now) : undefined,
        messages: addressRateLimit ? new RateLimiter(addressRateLimit, now) : undefined,
        toldOfMute: new WeakSet(),
        failures: 0,
        nextProofAt: 0,
        loggedLockout: 0,
        forgetAt: now,
      };
    }
    this.entries.set(ip, entry);
    this.extendMemory(entry, now);
    return entry;
  }

  /** An entry is kept until its buckets are full again and no wrong password needs remembering. */
  private extendMemory(entry: AddressEntry, now: number): void {
    const { connectRate, addressRateLimit, passwordBackoff } = this.options;
    const refillMs = (limit: RateLimit | false) => (limit ? (limit.burst / limit.perSecond) * 1000 : 0);
    const mutedMs = addressRateLimit ? 2 * refillMs(addressRateLimit) + 1000 : 0;
    const passwordUntil = entry.failures > 0 && passwordBackoff ? entry.nextProofAt + passwordBackoff.maxMs : 0;
    entry.forgetAt = Math.max(entry.forgetAt, now + refillMs(connectRate), now + mutedMs, passwordUntil);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [ip, entry] of this.entries) if (entry.open === 0 && now >= entry.forgetAt) this.entries.delete(ip);
  }

  /** Full: the least recently seen address with nothing open is forgotten (one with open connections never is). */
  private evictOne(): void {
    for (const [ip, entry] of this.entries) {
      if (entry.open === 0) return void this.entries.delete(ip);
    }
  }
}

/** "3 wrong passwords in a row" / the wait, as the host's log says it. */
export function lockoutText(ip: string, seconds: number, failures: number): string {
  return `Password attempts from ${ip} are refused for ${formatDuration(seconds * 1000)}: ${failures} wrong password${failures === 1 ? '' : 's'} in a row.`;
}

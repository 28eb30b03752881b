// What a room tells the network about itself (DNS-SD, RFC 6763): the service type, the instance name and the TXT
// record's `key=value` strings. Pure functions, so both directions are unit-tested without a socket. What comes
// back from the network is untrusted: numbers are bounded, strings cut to what a record can hold.
import type { Roster } from '../core/events';

/** The DNS-SD service type of a TCP Chat room. */
export const SERVICE_TYPE = '_tcpchat._tcp.local';

/** A plain description of a room, fed by whoever runs the server (the CLI, the extension). */
export interface RoomDescription {
  /** The instance name people see in the list, e.g. "Ms Lee's room". */
  name: string;
  /** The room's TCP port. */
  port: number;
  /** 0 = everyone chats; N = N seats, the rest wait in line. */
  seats: number;
  /** People with a seat (the host not counted). */
  chatting: number;
  /** People waiting in line. */
  waiting: number;
  /** A password is needed to join. */
  password: boolean;
  /** The room speaks TLS. */
  tls?: boolean;
  /** The room certificate's SHA-256 fingerprint (`AB:CD:…`): a hint for the trust question, never a substitute. */
  fingerprint?: string;
  topic?: string;
}

/** The counts of a running room, from its roster (the host has no seat of its own, so is not counted). */
export function describeRoom(
  roster: Roster,
  room: Omit<RoomDescription, 'seats' | 'chatting' | 'waiting'>,
): RoomDescription {
  return {
    ...room,
    ...(roster.topic ? { topic: roster.topic } : {}),
    seats: roster.seats,
    chatting: roster.active.filter((p) => p.kind !== 'host').length,
    waiting: roster.waiting.length,
  };
}

/** What a TXT record said, as far as it could be read. */
export interface RoomFacts {
  /** The protocol version the room speaks; undefined when not given. */
  version?: number;
  seats?: number;
  chatting?: number;
  waiting?: number;
  password: boolean;
  tls: boolean;
  fingerprint?: string;
  topic?: string;
}

/** One TXT string holds at most 255 bytes (`key=value`). */
const MAX_TXT_STRING_BYTES = 255;
/** A DNS label (the instance name) holds at most 63 bytes. */
export const MAX_INSTANCE_NAME_BYTES = 63;

/** The TXT strings for a room: v, seats, chatting, waiting, pw, and tls, fp, topic when set. */
export function encodeTxt(room: RoomDescription, protocolVersion: number): string[] {
  const txt = [
    `v=${protocolVersion}`,
    `seats=${room.seats}`,
    `chatting=${room.chatting}`,
    `waiting=${room.waiting}`,
    `pw=${room.password ? 1 : 0}`,
  ];
  if (room.tls) txt.push('tls=1');
  if (room.fingerprint) txt.push(`fp=${room.fingerprint}`);
  if (room.topic) txt.push(cutToBytes(`topic=${room.topic}`, MAX_TXT_STRING_BYTES));
  return txt;
}

/** Reads TXT strings (as dns-packet gives them: Buffers, or strings) into facts; unknown keys are ignored. */
export function decodeTxt(data: ReadonlyArray<Buffer | string> | Buffer | string | undefined): RoomFacts {
  const strings = data === undefined ? [] : Array.isArray(data) ? data : [data as Buffer | string];
  const pairs = new Map<string, string>();
  for (const item of strings) {
    const text = (typeof item === 'string' ? item : item.toString('utf8')).slice(0, MAX_TXT_STRING_BYTES);
    const equals = text.indexOf('=');
    const key = (equals < 0 ? text : text.slice(0, equals)).toLowerCase();
    // RFC 6763 §6.4: the first occurrence of a key wins.
    if (key && !pairs.has(key)) pairs.set(key, equals < 0 ? '' : text.slice(equals + 1));
  }
  const count = (key: string) => {
    const value = pairs.get(key);
    return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
  };
  const fingerprint = pairs.get('fp');
  const topic = pairs.get('topic');
  return {
    version: count('v'),
    seats: count('seats'),
    chatting: count('chatting'),
    waiting: count('waiting'),
    password: pairs.get('pw') === '1',
    tls: pairs.get('tls') === '1',
    fingerprint: fingerprint && /^[0-9A-Fa-f:]{2,200}$/.test(fingerprint) ? fingerprint.toUpperCase() : undefined,
    topic: topic || undefined,
  };
}

/**
 * A room name made fit for one DNS label: a dot would split the label (it becomes a look-alike dot), and the
 * name is cut to 63 bytes without splitting a character.
 */
export function instanceLabel(name: string): string {
  const cleaned = name.replace(/\./g, '\u2024').trim() || 'TCP Chat room';
  return cutToBytes(cleaned, MAX_INSTANCE_NAME_BYTES);
}

/** The next name under the conflict rule (RFC 6762 §9): "Room" → "Room (2)" → "Room (3)". */
export function nextInstanceLabel(label: string): string {
  const numbered = /^(.*) \((\d+)\)$/.exec(label);
  const base = numbered ? numbered[1] : label;
  const next = numbered ? Number(numbered[2]) + 1 : 2;
  const suffix = ` (${next})`;
  return cutToBytes(base, MAX_INSTANCE_NAME_BYTES - suffix.length) + suffix;
}

/** The instance label from a full name such as `Room\.1._tcpchat._tcp.local` (undefined: another service). */
export function labelFromInstanceName(fullName: string): string | undefined {
  const suffix = `.${SERVICE_TYPE}`;
  if (!fullName.toLowerCase().endsWith(suffix)) return undefined;
  const label = fullName.slice(0, -suffix.length);
  return label ? label.replace(/\\(.)/g, '$1') : undefined;
}

function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

// Every ChatServer setting with its default, in one place (the CLI and the extension pass only what they change):
// what each means, its default, and resolveServerOptions filling the defaults in; the range of each is checked in
// optionChecks.ts.
import { DEFAULT_MAX_FILE_BYTES } from '../core/files';
import { DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_IMAGE_PIXELS } from '../core/images';
import type { PasswordBackoff } from './limits/addressLimits';
import { checkServerOptions } from './optionChecks';
import type { TlsIdentity } from '../tls/certificate';
import { DEFAULT_MAX_FRAME_BYTES, HARD_MAX_FRAME_BYTES } from '../wire/frames';

export interface RateLimit {
  /** Messages a client may send at once before the limit bites. */
  burst: number;
  /** Sustained messages per second. */
  perSecond: number;
}

export interface ServerOptions {
  /** Interface to listen on. The engine defaults to loopback; the CLI/extension pass their own. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** 0 = everyone chats at once; N ≥ 1 = N seats and a waiting queue. */
  seats?: number;
  /** The host user's name. */
  name?: string;
  /** Room name shown in the greeting; defaults to the host's name. */
  room?: string;
  /** Optional room password (challenge–response; never on the wire). */
  password?: string;
  maxImageBytes?: number;
  maxFrameBytes?: number;
  /** Native peers must send Hello, plain peers their name line, within this time. */
  handshakeTimeoutMs?: number;
  /** Ping interval for native peers; one that sends nothing for 2 intervals is dropped. */
  heartbeatIntervalMs?: number;
  /** Per-client message rate limit; `false` turns it off. */
  rateLimit?: RateLimit | false;
  /**
   * Image bytes one client may send per minute (a token bucket, like rateLimit); an image over it is refused with
   * a notice. Without it one client could fill every receiver's disk (each saves every image) at the message rate.
   * Default: 100 MiB, or maxImageBytes when that is larger; never below maxImageBytes. `false` turns it off.
   */
  imageBytesPerMinute?: number | false;
  /** Output waiting for one peer (socket buffer + queued image chunks) above which it is cut off. */
  maxPendingOutputBytes?: number;
  /** Open TCP connections (including handshaking ones); more are refused with a clear message. At most
   *  MAX_CONNECTIONS_LIMIT: every roster (the host + everyone connected) must stay within MAX_ROSTER_PEERS. */
  maxConnections?: number;
  /**
   * A plain-text peer's bytes followed by this much silence count as a line: the client of the classic threaded
   * broadcast room (plain-text `[ip:port] text` lines) sends each line without a newline.
   */
  plainPauseMs?: number;
  /** Longest text of one message (characters); longer ones are refused with a notice. */
  maxTextChars?: number;
  /** Longest plain-text line (bytes); the rest of a longer line is cut with a notice. */
  maxLineBytes?: number;
  // Images the server holds memory for (the host's copy) — a slow or trickling sender must not keep others out.
  /**
   * Slowest an image may arrive, on average since its header, once imageRateGraceMs have passed: a slower one is
   * given up (its sender told, recipients get ImageAbort, what it held freed), so a byte now and then cannot hold
   * memory for ever. Default 8 KiB/s, a twelfth of a poor Wi-Fi link (100 KB/s); `false` turns it off.
   */
  minImageBytesPerSecond?: number | false;
  /** How long a new image may arrive at any pace before minImageBytesPerSecond applies. Default 30 s. */
  imageRateGraceMs?: number;
  /**
   * Bytes of unfinished images from one IP address held for the host at once (each counts its announced size until
   * it is complete or given up), so one machine cannot hold it all; more is refused with 'server-busy'. Default half
   * of what the server holds in all (256 MiB, or 4 images of maxImageBytes when more); never below maxImageBytes.
   */
  maxHeldImageBytesPerAddress?: number;
  /**
   * Most pixels (width × height, as the image's header declares them) of an image the server relays; more is
   * refused with a notice to the sender. A 17 KB file can declare 12000 × 12000 pixels, gigabytes once decoded.
   * Default: DEFAULT_MAX_IMAGE_PIXELS (about 89.5 million).
   */
  maxImagePixels?: number;
  // ---- limits per IP address, join/leave lines, quiet plain-text members (addressLimits.ts, notices.ts)
  /** Open connections from one IP address (a classroom behind one NAT shares one); more are refused. */
  connectionsPerAddress?: number;
  /** New connections from one IP address: `burst` at once, then `perSecond`; `false` turns it off. */
  connectRate?: RateLimit | false;
  /**
   * Messages (and answered commands like /who) from all connections of one IP address together, so that
   * reconnecting brings no fresh allowance. Default: 3 × rateLimit; off when rateLimit is off; `false` turns it off.
   */
  addressRateLimit?: RateLimit | false;
  /** After a wrong password, the address's next proof is checked only after firstMs, doubling up to maxMs. */
  passwordBackoff?: PasswordBackoff | false;
  /** Join and leave lines shown one by one per interval; more are summed up in one line when it ends. */
  joinLeaveNotices?: { perInterval: number; intervalMs: number };
  /**
   * A plain-text member who has sent nothing since joining at least this long ago gives its connection to a
   * newcomer when the server is full (the oldest first); never while there is room. `false`: never.
   */
  idlePlainDisplaceMs?: number | false;
  // ---- who may connect (accessList.ts)
  /** Address ranges that may connect (CIDR like `10.0.0.0/8`, or one address); empty: every address. */
  allow?: string[];
  /** Address ranges refused at once, even when allowed. */
  deny?: string[];
  // ---- the room's topic (room.ts)
  /** Shown in the greeting, /who and the panel header; the host changes it with /topic. Cut to MAX_TOPIC_LENGTH. */
  topic?: string;
  // ---- what the room remembers (history/roomHistory.ts, history/heldSeats.ts)
  /**
   * Room messages (text; images as one-line notes; never private ones) replayed to a member when it gets a seat,
   * marked as history. Default: 50 where everyone chats (seats 0), 0 in queue rooms (one-to-one tutoring must
   * not show the next person the previous conversation). At most MAX_HISTORY.
   */
  history?: number;
  /**
   * How long the seat (or place in line) of a native member whose connection was lost — heartbeat timeout or
   * socket error — is held for it: its client comes back with the resume token of its Welcome and gets the same
   * peer and the messages it missed. Then the seat passes on. 0 turns resuming off. Default 60 s.
   */
  resumeGraceMs?: number;
  // ---- encrypted rooms (tls/serverGate.ts)
  /** The room's certificate and key: TLS is offered on the same port (the engine's default: false, none). */
  tls?: TlsIdentity | false;
  /** Unencrypted peers (plain nc, old clients) are refused with a line pointing to `ncat --ssl`. Needs `tls`. */
  requireTls?: boolean;
  // ---- files (server/files/)
  /** Largest file a member may offer; bigger offers are refused with a notice. Default DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
}

export { MAX_CONNECTIONS_LIMIT, MAX_HISTORY } from './optionChecks';

export type ResolvedServerOptions = Required<Omit<ServerOptions, 'password'>> & { password: string | undefined };

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  seats: 0,
  name: 'Server',
  maxImageBytes: DEFAULT_MAX_IMAGE_BYTES,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  handshakeTimeoutMs: 30_000,
  heartbeatIntervalMs: 15_000,
  rateLimit: { burst: 20, perSecond: 10 } as RateLimit,
  imageBytesPerMinute: 100 * 1024 * 1024,
  maxPendingOutputBytes: 64 * 1024 * 1024,
  maxConnections: 512,
  plainPauseMs: 250,
  maxTextChars: 16 * 1024,
  maxLineBytes: 16 * 1024,
  minImageBytesPerSecond: 8 * 1024,
  imageRateGraceMs: 30_000,
  maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
  // limits per IP address, join/leave lines, quiet plain-text members
  connectionsPerAddress: 32,
  connectRate: { burst: 32, perSecond: 2 } as RateLimit,
  passwordBackoff: { firstMs: 1000, maxMs: 60_000 } as PasswordBackoff,
  joinLeaveNotices: { perInterval: 8, intervalMs: 2000 },
  idlePlainDisplaceMs: 5 * 60_000,
  // what the room remembers
  historyWhereEveryoneChats: 50,
  resumeGraceMs: 60_000,
} as const;

/** What the server holds at most, in all, for the host's copies of unfinished images (many senders at once). */
export function maxHeldImageBytes(maxImageBytes: number): number {
  return Math.max(256 * 1024 * 1024, 4 * maxImageBytes);
}

/** Fills in defaults and rejects nonsense early: ChatError('bad-option') with a sentence a user can act on. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const d = SERVER_DEFAULTS;
  const name = options.name ?? d.name;
  const resolved: ResolvedServerOptions = {
    host: options.host ?? d.host,
    port: options.port ?? d.port,
    seats: options.seats ?? d.seats,
    name,
    room: cleanRoomName(options.room ?? name),
    password: options.password === '' ? undefined : options.password,
    maxImageBytes: options.maxImageBytes ?? d.maxImageBytes,
    maxFrameBytes: Math.min(options.maxFrameBytes ?? d.maxFrameBytes, HARD_MAX_FRAME_BYTES),
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? d.handshakeTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? d.heartbeatIntervalMs,
    rateLimit: options.rateLimit === undefined ? { ...d.rateLimit } : options.rateLimit,
    imageBytesPerMinute:
      options.imageBytesPerMinute ?? Math.max(d.imageBytesPerMinute, options.maxImageBytes ?? d.maxImageBytes),
    maxPendingOutputBytes: options.maxPendingOutputBytes ?? d.maxPendingOutputBytes,
    maxConnections: options.maxConnections ?? d.maxConnections,
    plainPauseMs: options.plainPauseMs ?? d.plainPauseMs,
    maxTextChars: options.maxTextChars ?? d.maxTextChars,
    maxLineBytes: options.maxLineBytes ?? d.maxLineBytes,
    minImageBytesPerSecond: options.minImageBytesPerSecond ?? d.minImageBytesPerSecond,
    imageRateGraceMs: options.imageRateGraceMs ?? d.imageRateGraceMs,
    maxHeldImageBytesPerAddress:
      options.maxHeldImageBytesPerAddress ??
      Math.floor(maxHeldImageBytes(options.maxImageBytes ?? d.maxImageBytes) / 2),
    maxImagePixels: options.maxImagePixels ?? d.maxImagePixels,
    ...resolveAddressOptions(options),
    ...resolveAccessOptions(options),
    topic: cleanTopic(options.topic ?? ''),
    history: options.history ?? ((options.seats ?? d.seats) === 0 ? d.historyWhereEveryoneChats : 0),
    resumeGraceMs: options.resumeGraceMs ?? d.resumeGraceMs,
    ...resolveTlsOptions(options),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
  };
  checkServerOptions(resolved);
  return resolved;
}

// ---- limits per IP address, join/leave lines, quiet plain-text members

type AddressOptionKey =
  | 'connectionsPerAddress'
  | 'connectRate'
  | 'addressRateLimit'
  | 'passwordBackoff'
  | 'joinLeaveNotices'
  | 'idlePlainDisplaceMs';

function resolveAddressOptions(options: ServerOptions): Pick<ResolvedServerOptions, AddressOptionKey> {
  const d = SERVER_DEFAULTS;
  const perConnection = options.rateLimit === undefined ? d.rateLimit : options.rateLimit;
  const copy = <T extends object>(value: T | false | undefined, fallback: T | false): T | false =>
    value === undefined ? fallback && { ...fallback } : value && { ...value };
  return {
    connectionsPerAddress: options.connectionsPerAddress ?? d.connectionsPerAddress,
    connectRate: copy(options.connectRate, d.connectRate),
    addressRateLimit: copy(
      options.addressRateLimit,
      perConnection && { burst: perConnection.burst * 3, perSecond: perConnection.perSecond * 3 },
    ),
    passwordBackoff: copy(options.passwordBackoff, d.passwordBackoff),
    joinLeaveNotices: { ...(options.joinLeaveNotices ?? d.joinLeaveNotices) },
    idlePlainDisplaceMs: options.idlePlainDisplaceMs ?? d.idlePlainDisplaceMs,
  };
}

// ---- who may connect

function resolveAccessOptions(options: ServerOptions): Pick<ResolvedServerOptions, 'allow' | 'deny'> {
  // A copy (the caller's array may change later); anything but an array is left for checkCidrs to refuse.
  const copy = (list: string[] | undefined) => (Array.isArray(list) ? [...list] : (list ?? []));
  return { allow: copy(options.allow), deny: copy(options.deny) };
}

// ---- encrypted rooms

function resolveTlsOptions(options: ServerOptions): Pick<ResolvedServerOptions, 'tls' | 'requireTls'> {
  return { tls: options.tls ?? false, requireTls: options.requireTls ?? false };
}

/** The room name goes into the greeting line: no control characters (a newline would end the line), ≤ 64 chars. */
function cleanRoomName(room: string): string {
  return oneLine(room, 64) || 'TCP Chat';
}

/** Most characters of a topic (or an away reason): one line of a terminal, give or take. */
export const MAX_TOPIC_LENGTH = 200;

/**
 * A topic or an away reason, cleaned like the room name: one line, no control characters, no ` — ` (which ends
 * the room name in the greeting line), at most MAX_TOPIC_LENGTH characters; '' when nothing visible is left.
 */
export function cleanTopic(text: string): string {
  return oneLine(typeof text === 'string' ? text.replace(/\s+—\s+/g, ' - ') : '', MAX_TOPIC_LENGTH);
}

/** Control characters and line breaks become spaces, runs of spaces one, then at most `max` characters. */
function oneLine(text: string, max: number): string {
  const cleaned = text
    .replace(/[\p{C}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, max).join('').trim();
}

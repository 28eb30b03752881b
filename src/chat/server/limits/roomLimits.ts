// The room's limits as people set them: ONE table gives each its `tcp-chat serve` flag, its VS Code setting
// (tcpChat.server.*), its range, its help line (the default read from the engine's own constants, never retyped)
// and the ServerOptions it sets. The CLI's flags and the extension's settings are both made from it.
import { parseWholeNumber } from '../../core/address';
import { DEFAULT_MAX_FILE_BYTES } from '../../core/files';
import { formatBytes } from '../../core/units';
import { MAX_CONNECTIONS_LIMIT, MAX_HISTORY, SERVER_DEFAULTS, type ServerOptions } from '../options';

const MIB = 1024 * 1024;
const MEGAPIXEL = 1_000_000;

/** The ServerOptions the limits set (only the ones given). */
export type RoomLimits = Pick<
  ServerOptions,
  | 'rateLimit'
  | 'maxConnections'
  | 'connectionsPerAddress'
  | 'maxImageBytes'
  | 'maxImagePixels'
  | 'maxFileBytes'
  // what the room remembers
  | 'history'
  | 'resumeGraceMs'
>;

/** A value's text → its number, or the one sentence saying what is wrong (naming `what`, the flag or setting). */
export type ReadLimit = (what: string, text: string) => number | { error: string };

export interface RoomLimit {
  /** `tcp-chat serve --FLAG N`. */
  flag: string;
  /** `tcpChat.server.SETTING` in VS Code; none where a setting of its own covers it (tcpChat.maxImageSizeMB). */
  setting?: string;
  /** What the help names the value (`--FLAG N` unless given). */
  arg?: string;
  /** The help line after the flag name, with its default. */
  help: string;
  /** The default, in the unit people type (per second, MiB, millions of pixels, seconds); null where it depends on
   *  the room (history: everyone-chats rooms and queue rooms differ), as the help line says. */
  default: number | null;
  read: ReadLimit;
  set: (value: number) => RoomLimits;
}

const d = SERVER_DEFAULTS;
const defaultRate = d.rateLimit;
/** Bursts keep the default's ratio (20 at once for 10 a second): a quick paste of a few lines still goes through. */
const BURST_PER_RATE = defaultRate.burst / defaultRate.perSecond;

export const ROOM_LIMITS: readonly RoomLimit[] = [
  {
    flag: 'rate-limit',
    setting: 'rateLimit',
    help: `messages per second per client, bursts of ${BURST_PER_RATE}× that; 0 turns it off (default ${defaultRate.perSecond})`,
    default: defaultRate.perSecond,
    read: whole(0, 10_000),
    set: (n) => ({ rateLimit: n === 0 ? false : { perSecond: n, burst: Math.round(n * BURST_PER_RATE) } }),
  },
  {
    flag: 'max-conns',
    setting: 'maxConnections',
    help: `open connections in all, waiting ones included (default ${d.maxConnections}, at most ${MAX_CONNECTIONS_LIMIT})`,
    default: d.maxConnections,
    read: whole(1, MAX_CONNECTIONS_LIMIT),
    set: (n) => ({ maxConnections: n }),
  },
  {
    flag: 'max-per-address',
    setting: 'maxPerAddress',
    help: `open connections from one IP address; a classroom behind one router shares one (default ${d.connectionsPerAddress})`,
    default: d.connectionsPerAddress,
    read: whole(1, MAX_CONNECTIONS_LIMIT),
    set: (n) => ({ connectionsPerAddress: n }),
  },
  {
    flag: 'max-image-mb',
    help: `largest image, in MiB (default ${mebibytes(d.maxImageBytes)})`,
    default: d.maxImageBytes / MIB,
    read: decimal(0, 64 * 1024),
    set: (n) => ({ maxImageBytes: Math.max(1, Math.round(n * MIB)) }),
  },
  {
    flag: 'max-image-mp',
    setting: 'maxImagePixels',
    help: `most pixels of an image, in millions (default about ${(d.maxImagePixels / MEGAPIXEL).toFixed(1)})`,
    default: d.maxImagePixels / MEGAPIXEL,
    read: decimal(0, 10_000),
    set: (n) => ({ maxImagePixels: Math.max(1, Math.round(n * MEGAPIXEL)) }),
  },
  {
    flag: 'max-file-mb',
    setting: 'maxFileMb',
    help: `largest file a member may offer, in MiB (default ${mebibytes(DEFAULT_MAX_FILE_BYTES)})`,
    default: DEFAULT_MAX_FILE_BYTES / MIB,
    read: decimal(0, 64 * 1024),
    set: (n) => ({ maxFileBytes: Math.max(1, Math.round(n * MIB)) }),
  },
  // what the room remembers
  {
    flag: 'history',
    setting: 'history',
    help: `room messages replayed to whoever gets a seat (default ${d.historyWhereEveryoneChats} with --seats 0, else 0; at most ${MAX_HISTORY})`,
    default: null,
    read: whole(0, MAX_HISTORY),
    set: (n) => ({ history: n }),
  },
  {
    flag: 'resume-grace',
    setting: 'resumeGraceSeconds',
    arg: 'S',
    help: `seconds a lost connection's seat waits for its member to come back; 0 turns it off (default ${d.resumeGraceMs / 1000})`,
    default: d.resumeGraceMs / 1000,
    read: whole(0, 24 * 60 * 60),
    set: (n) => ({ resumeGraceMs: n * 1000 }),
  },
];

/** A whole number from `min` to `max`. */
export function whole(min: number, max: number): ReadLimit {
  return (what, text) => parseWholeNumber(what, text, min, max);
}

/** A number of MiB or megapixels: decimals allowed ("0.5"); above `min` (or from it, when `inclusive`). */
export function decimal(min: number, max: number, inclusive = false): ReadLimit {
  return (what, text) => {
    const value = Number(text.trim());
    const inRange = (inclusive ? value >= min : value > min) && value <= max;
    if (/^\d*\.?\d+$/.test(text.trim()) && inRange) return value;
    const from = inclusive ? `from ${min}` : `above ${min}`;
    return { error: `${what} must be a number ${from} and at most ${max}, not "${text}".` };
  };
}

/** `25` for 25 MiB; `1.5 MB`-style text when it is not a whole number of MiB. */
export function mebibytes(bytes: number): string {
  const mib = bytes / MIB;
  return Number.isInteger(mib) ? String(mib) : formatBytes(bytes);
}

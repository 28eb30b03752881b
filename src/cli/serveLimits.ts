// The room's limits as `tcp-chat serve` flags: one table gives each flag its ServerOptions setting, its range and
// its help line, whose default is read from the engine's own constants (never retyped here).
import {
  DEFAULT_MAX_LOG_BYTES,
  formatBytes,
  MAX_CONNECTIONS_LIMIT,
  MAX_HISTORY,
  parseWholeNumber,
  SERVER_DEFAULTS,
  type ServerOptions,
} from '../chat';

const MIB = 1024 * 1024;
const MEGAPIXEL = 1_000_000;

/** The ServerOptions a serve command sets from its limit flags (only the flags given). */
export type ServeLimits = Pick<
  ServerOptions,
  | 'rateLimit'
  | 'maxConnections'
  | 'connectionsPerAddress'
  | 'maxImageBytes'
  | 'maxImagePixels'
  // what the room remembers
  | 'history'
  | 'resumeGraceMs'
>;

/** A flag's text → its number, or the one sentence saying what is wrong. */
type Read = (flag: string, text: string) => number | { error: string };

interface LimitFlag {
  flag: string;
  /** What the help names the value (default N). */
  arg?: string;
  /** The help line after the flag name, with its default. */
  help: string;
  read: Read;
  set: (value: number) => ServeLimits;
}

const d = SERVER_DEFAULTS;
const defaultRate = d.rateLimit;
/** Bursts keep the default's ratio (20 at once for 10 a second): a quick paste of a few lines still goes through. */
const BURST_PER_RATE = defaultRate.burst / defaultRate.perSecond;

export const LIMIT_FLAGS: readonly LimitFlag[] = [
  {
    flag: 'rate-limit',
    help: `messages per second per client, bursts of ${BURST_PER_RATE}× that; 0 turns it off (default ${defaultRate.perSecond})`,
    read: whole(0, 10_000),
    set: (n) => ({ rateLimit: n === 0 ? false : { perSecond: n, burst: Math.round(n * BURST_PER_RATE) } }),
  },
  {
    flag: 'max-conns',
    help: `open connections in all, waiting ones included (default ${d.maxConnections}, at most ${MAX_CONNECTIONS_LIMIT})`,
    read: whole(1, MAX_CONNECTIONS_LIMIT),
    set: (n) => ({ maxConnections: n }),
  },
  {
    flag: 'max-per-address',
    help: `open connections from one IP address; a classroom behind one router shares one (default ${d.connectionsPerAddress})`,
    read: whole(1, MAX_CONNECTIONS_LIMIT),
    set: (n) => ({ connectionsPerAddress: n }),
  },
  {
    flag: 'max-image-mb',
    help: `largest image, in MiB (default ${mebibytes(d.maxImageBytes)})`,
    read: decimal(0, 64 * 1024),
    set: (n) => ({ maxImageBytes: Math.max(1, Math.round(n * MIB)) }),
  },
  {
    flag: 'max-image-mp',
    help: `most pixels of an image, in millions (default about ${(d.maxImagePixels / MEGAPIXEL).toFixed(1)})`,
    read: decimal(0, 10_000),
    set: (n) => ({ maxImagePixels: Math.max(1, Math.round(n * MEGAPIXEL)) }),
  },
  // what the room remembers
  {
    flag: 'history',
    help: `room messages replayed to whoever gets a seat (default ${d.historyWhereEveryoneChats} with --seats 0, else 0; at most ${MAX_HISTORY})`,
    read: whole(0, MAX_HISTORY),
    set: (n) => ({ history: n }),
  },
  {
    flag: 'resume-grace',
    arg: 'S',
    help: `seconds a lost connection's seat waits for its member to come back; 0 turns it off (default ${d.resumeGraceMs / 1000})`,
    read: whole(0, 24 * 60 * 60),
    set: (n) => ({ resumeGraceMs: n * 1000 }),
  },
];

/** The log's cap applies to `connect` too, so it is not a ServerOptions setting. */
export const MAX_LOG_FLAG = 'max-log-mb';
const MAX_LOG_HELP = `largest chat log, in MiB; then one line says it stopped (default ${mebibytes(DEFAULT_MAX_LOG_BYTES)})`;
/** Transcript needs at least 1 KiB (room for the line saying the log stopped); 0.001 MiB is just above. */
const readLogMebibytes = decimal(0.001, 1024 * 1024, true);

/** `--max-log-mb N` → bytes. */
export function parseMaxLogBytes(text: string): number | { error: string } {
  const value = readLogMebibytes(`--${MAX_LOG_FLAG}`, text);
  return typeof value === 'number' ? Math.round(value * MIB) : value;
}

/** The limit flags' help block: one flag a line, names aligned. */
export function limitsHelp(): string {
  const rows: [string, string][] = [
    ...LIMIT_FLAGS.map((f): [string, string] => [`--${f.flag} ${f.arg ?? 'N'}`, f.help]),
    [`--${MAX_LOG_FLAG} N`, MAX_LOG_HELP],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, help]) => `  ${name.padEnd(width)}${help}`).join('\n');
}

function whole(min: number, max: number): Read {
  return (flag, text) => parseWholeNumber(flag, text, min, max);
}

/** A number of MiB or megapixels: decimals allowed ("0.5"); above `min` (or from it, when `inclusive`). */
function decimal(min: number, max: number, inclusive = false): Read {
  return (flag, text) => {
    const value = Number(text.trim());
    const inRange = (inclusive ? value >= min : value > min) && value <= max;
    if (/^\d*\.?\d+$/.test(text.trim()) && inRange) return value;
    const from = inclusive ? `from ${min}` : `above ${min}`;
    return { error: `${flag} must be a number ${from} and at most ${max}, not "${text}".` };
  };
}

function mebibytes(bytes: number): string {
  const mib = bytes / MIB;
  return Number.isInteger(mib) ? String(mib) : formatBytes(bytes);
}

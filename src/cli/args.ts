// `tcp-chat` command line → a typed command, or a UsageError whose message is the one line to print.
// Pure (no I/O), so every rejection is unit-testable.
import { parseArgs } from 'node:util';
import { errorMessage, parseAddress, parseCidr, parseWholeNumber } from '../chat';
import { LIMIT_FLAGS, limitsHelp, MAX_LOG_FLAG, parseMaxLogBytes, type ServeLimits } from './serveLimits';
import {
  connectTlsFlags,
  serveTlsFlags,
  TLS_CONNECT_FLAGS,
  TLS_FLAG_OPTIONS,
  TLS_SERVE_FLAGS,
  TLS_USAGE,
  type ServeTls,
} from './tlsSetup';

export const DEFAULT_PORT = 65432;
export const DEFAULT_LOG_DIR = 'chat_logs';
export const DEFAULT_DISCOVER_SECONDS = 3;

export const USAGE = `Usage:
  tcp-chat serve [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--seats 0] [--name Server] [--no-advertise]
                 [--log-dir ${DEFAULT_LOG_DIR} | --no-log] [--password P] [--topic TEXT] [--allow CIDR]... [--deny CIDR]... [limits] [tls]
  tcp-chat connect HOST[:PORT][#sha256=FINGERPRINT] [--name NAME] [--password P] [--reconnect] [tls]
                 [--log-dir ${DEFAULT_LOG_DIR} | --no-log] [--${MAX_LOG_FLAG} N] [--accept-files]
  tcp-chat discover [--timeout ${DEFAULT_DISCOVER_SECONDS}]
  tcp-chat --help

serve    runs a chat room; lines typed on stdin are sent as the host's messages.
         --seats 0 lets everyone chat; --seats N lets N chat and queues the rest.
         --port 0 picks a free port. Ctrl+C stops the room (clients are told).
         Host commands: /admit [NAME]  /kick NAME [reason]  /ban NAME [reason]  /topic TEXT  /help
         --topic TEXT sets the room's topic (shown to everyone who joins, and in /who).
         --allow / --deny CIDR (repeatable, e.g. 192.168.1.0/24 or fd00::/8): only allowed
         addresses may connect (all, when none is given); denied ones never. /ban lasts until the room stops.
         The room is announced on the network of its --host (mDNS / DNS-SD, like a network printer):
         0.0.0.0 every network, 127.0.0.1 this machine only. --no-advertise keeps it unlisted.
connect  joins a room (TCP Chat, or a plain-text server such as ncat --chat; detected
         automatically). PORT defaults to ${DEFAULT_PORT}. Type lines to chat, or:
         /msg NAME text  /me text  /image PATH  /name NAME  /away [reason]  /back  /who  /help  /quit
         /file PATH offers a file; an offer made to you is numbered: /accept [N] saves it in the log
         folder's files/, /decline [N] says no (no N: the latest waiting). --accept-files saves every
         offer without asking (for scripts). Transfers show a progress line.
         At the end of stdin it finishes sending, then exits.
discover lists the rooms announced on the network, heard within --timeout seconds (default ${DEFAULT_DISCOVER_SECONDS}):
         name, host:port, counts, 🔒 when a password is needed.
--password  also read from the TCP_CHAT_PASSWORD environment variable (keeps it out of ps).
--no-log    do not write a chat log (default: ${DEFAULT_LOG_DIR}/chat_log_YYYYMMDD_HHMMSS.txt).

${TLS_USAGE}

Limits (serve; a limit reached is told to whoever hit it):
${limitsHelp()}

Troubleshooting: NODE_DEBUG=tcpchat tcp-chat serve (or connect) also prints diagnostic lines on stderr:
connections, handshakes, refused frames, limits hit. Attach them to a bug report.`;

/** One line for stderr, plus the usage hint; exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ServeCommand {
  kind: 'serve';
  host: string;
  port: number;
  seats: number;
  name: string;
  /** undefined = --no-log. */
  logDir: string | undefined;
  password: string | undefined;
  /** Address ranges (CIDR) that may connect; empty: every address. */
  allow: string[];
  /** Address ranges refused at once. */
  deny: string[];
  /** The room's topic (--topic); absent: none. */
  topic?: string;
  /** Only the limits given on the command line; the engine's defaults apply to the rest. */
  limits: ServeLimits;
  /** undefined = the chat log's default cap. */
  maxLogBytes: number | undefined;
  /** Present only when a TLS flag was given (without: TLS on, the certificate in the per-user config folder). */
  tls?: ServeTls;
  /** Announce the room on the network (false: --no-advertise). */
  advertise: boolean;
}

export interface DiscoverCommand {
  kind: 'discover';
  /** How long to listen. */
  seconds: number;
}

export interface ConnectCommand {
  kind: 'connect';
  host: string;
  port: number;
  name: string;
  password: string | undefined;
  reconnect: boolean;
  logDir: string | undefined;
  maxLogBytes: number | undefined;
  /** The certificate the room must present (`#sha256=…` or --fingerprint); present only when given. */
  fingerprint?: string;
  /** The known-hosts file; present only when given (default: in the per-user config folder). */
  knownHosts?: string;
  /** --accept-files: save every file offered without asking; present only when given. */
  acceptFiles?: true;
}

export type CliCommand = { kind: 'help' } | ServeCommand | ConnectCommand | DiscoverCommand;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  seats: { type: 'string' },
  name: { type: 'string' },
  'log-dir': { type: 'string' },
  'no-log': { type: 'boolean' },
  password: { type: 'string' },
  reconnect: { type: 'boolean' },
  'accept-files': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  [MAX_LOG_FLAG]: { type: 'string' },
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  topic: { type: 'string' },
  'no-advertise': { type: 'boolean' },
  timeout: { type: 'string' },
  ...TLS_FLAG_OPTIONS,
  ...(Object.fromEntries(LIMIT_FLAGS.map((f) => [f.flag, { type: 'string' }])) as Record<string, { type: 'string' }>),
} as const;

const ALLOWED: Record<'serve' | 'connect' | 'discover', readonly string[]> = {
  serve: [
    'host',
    'port',
    'seats',
    'name',
    'log-dir',
    'no-log',
    'password',
    'help',
    'allow',
    'deny',
    'topic',
    MAX_LOG_FLAG,
    ...LIMIT_FLAGS.map((f) => f.flag),
    'no-advertise',
    ...TLS_SERVE_FLAGS,
  ],
  connect: [
    'name',
    'password',
    'reconnect',
    'log-dir',
    'no-log',
    'help',
    MAX_LOG_FLAG,
    'accept-files',
    ...TLS_CONNECT_FLAGS,
  ],
  discover: ['timeout', 'help'],
};

export interface CliEnvironment {
  /** TCP_CHAT_PASSWORD, used when --password is not given. */
  password?: string;
  /** Default name for `connect` (the OS user name). */
  userName?: string;
}

export function parseCli(argv: readonly string[], env: CliEnvironment = {}): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined)
    throw new UsageError('Missing command: use "tcp-chat serve" or "tcp-chat connect HOST:PORT".');
  if (command === '--help' || command === '-h' || command === 'help') return { kind: 'help' };
  if (command !== 'serve' && command !== 'connect' && command !== 'discover') {
    throw new UsageError(`Unknown command "${command}": use "serve", "connect" or "discover".`);
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(rest), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(command, error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  for (const key of Object.keys(values)) {
    if (!ALLOWED[command].includes(key))
      throw new UsageError(`Option --${key} does not apply to "tcp-chat ${command}".`);
  }
  if (command === 'discover') {
    if (positionals.length > 0)
      throw new UsageError(`Unexpected argument "${positionals[0]}": discover takes only --timeout.`);
    return {
      kind: 'discover',
      seconds: wholeNumber('--timeout', values.timeout ?? String(DEFAULT_DISCOVER_SECONDS), 1, 600),
    };
  }
  if (values['no-log'] && values['log-dir'] !== undefined)
    throw new UsageError('Use either --log-dir or --no-log, not both.');
  const logDir = values['no-log'] ? undefined : nonEmpty('--log-dir', values['log-dir'] ?? DEFAULT_LOG_DIR);
  const password = values.password ?? (env.password || undefined);
  if (password === '') throw new UsageError('--password needs a value (or leave it out for an open room).');
  const logCap = values[MAX_LOG_FLAG];
  const maxLogBytes = logCap === undefined ? undefined : checked(parseMaxLogBytes(logCap));

  if (command === 'serve') {
    if (positionals.length > 0)
      throw new UsageError(`Unexpected argument "${positionals[0]}": serve takes only options.`);
    return {
      kind: 'serve',
      host: nonEmpty('--host', values.host ?? '127.0.0.1'),
      port: wholeNumber('--port', values.port ?? String(DEFAULT_PORT), 0, 65535),
      seats: wholeNumber('--seats', values.seats ?? '0', 0, 10_000),
      name: nonEmpty('--name', values.name ?? 'Server'),
      logDir,
      password,
      allow: ranges('--allow', values.allow),
      deny: ranges('--deny', values.deny),
      ...(values.topic === undefined ? {} : { topic: nonEmpty('--topic', values.topic) }),
      limits: serveLimits(values),
      maxLogBytes,
      advertise: !values['no-advertise'],
      ...tlsOf(serveTlsFlags(values)),
    };
  }
  if (positionals.length === 0) throw new UsageError('Missing HOST:PORT: e.g. "tcp-chat connect 127.0.0.1:65432".');
  if (positionals.length > 1)
    throw new UsageError(`Unexpected argument "${positionals[1]}": connect takes one HOST:PORT.`);
  const { host, port, fingerprint } = parseHostPort(positionals[0]);
  const tls = connectTlsFlags(values, fingerprint);
  if ('error' in tls) throw new UsageError(tls.error);
  if (values['accept-files'] && logDir === undefined)
    throw new UsageError('--accept-files saves files in the log folder: it cannot go with --no-log.');
  return {
    kind: 'connect',
    host,
    port,
    name: nonEmpty('--name', values.name ?? (env.userName || 'guest')),
    password,
    reconnect: values.reconnect ?? false,
    logDir,
    maxLogBytes,
    ...(values['accept-files'] ? { acceptFiles: true as const } : {}),
    ...tls,
  };
}

/** `host:port`, `[v6]:port`, or a bare host (default port), optionally with `#sha256=FINGERPRINT`. */
export function parseHostPort(text: string): { host: string; port: number; fingerprint?: string } {
  const address = parseAddress(text, DEFAULT_PORT);
  if ('error' in address) throw new UsageError(address.error);
  return address;
}

/** `{ tls }` when any TLS flag was given, else nothing (so the command stays as it was without them). */
function tlsOf(flags: ServeTls | { error: string }): { tls?: ServeTls } {
  if ('error' in flags) throw new UsageError(flags.error as string);
  return Object.keys(flags).length > 0 ? { tls: flags } : {};
}

function wholeNumber(what: string, text: string, min: number, max: number): number {
  return checked(parseWholeNumber(what, text, min, max));
}

function checked(value: number | { error: string }): number {
  if (typeof value !== 'number') throw new UsageError(value.error);
  return value;
}

function ranges(what: string, texts: string[] | undefined): string[] {
  return (texts ?? []).map((text) => {
    const parsed = parseCidr(text);
    if ('error' in parsed) throw new UsageError(`${what}: ${parsed.error}`);
    return text.trim();
  });
}

function serveLimits(values: Record<string, string | string[] | boolean | undefined>): ServeLimits {
  const limits: ServeLimits = {};
  for (const limit of LIMIT_FLAGS) {
    const text = values[limit.flag];
    if (typeof text === 'string') Object.assign(limits, limit.set(checked(limit.read(`--${limit.flag}`, text))));
  }
  return limits;
}

function nonEmpty(what: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`${what} needs a value.`);
  return text;
}

const NUMBER_FLAGS = new Set([
  '--port',
  '--seats',
  '--timeout',
  `--${MAX_LOG_FLAG}`,
  ...LIMIT_FLAGS.map((f) => `--${f.flag}`),
]);

/** `--seats -1` → `--seats=-1`, so a negative number gets the range error instead of parseArgs' "ambiguous". */
function joinNegativeNumbers(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (NUMBER_FLAGS.has(args[i]) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

function describeParseError(command: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = errorMessage(error);
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${option ?? ''} for "tcp-chat ${command}".`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take/.test(message)
        ? `Option ${option ?? ''} does not take a value.`
        : `Option ${option ?? ''} needs a value.`;
    default:
      return message;
  }
}

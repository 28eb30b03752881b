// Encryption for `tcp-chat`: the TLS flags of serve and connect, where the room's certificate and the trusted
// rooms (known hosts) live by default (a per-user config folder), and the lines the CLI prints about them.
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  KnownHosts,
  knownHostsFile,
  loadOrCreateIdentity,
  parseFingerprint,
  readIdentityFiles,
  type ClientTlsOptions,
  type TlsIdentity,
} from '../chat';

export const TLS_FLAG_OPTIONS = {
  'no-tls': { type: 'boolean' },
  'require-tls': { type: 'boolean' },
  'tls-dir': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  fingerprint: { type: 'string' },
  'known-hosts': { type: 'string' },
} as const;
export const TLS_SERVE_FLAGS = ['no-tls', 'require-tls', 'tls-dir', 'tls-cert', 'tls-key'];
export const TLS_CONNECT_FLAGS = ['fingerprint', 'known-hosts'];

export const TLS_USAGE = `Encryption (TLS, on the same port; nc users join with \`ncat --ssl HOST PORT\`):
  serve    --no-tls  --require-tls (refuse unencrypted peers)
           --tls-dir DIR (the room's certificate, made on first use; default ${join('<config>', 'tls')})
           --tls-cert FILE --tls-key FILE (a certificate of your own, PEM)
  connect  HOST:PORT#sha256=FINGERPRINT or --fingerprint FP: only that certificate is accepted
           --known-hosts FILE (rooms trusted on first use; default ${join('<config>', 'known_hosts')})
  <config> is $XDG_CONFIG_HOME/tcp-chat, else ~/.config/tcp-chat (%APPDATA%\\tcp-chat on Windows).`;

/** Only the TLS flags given (none: TLS on, the certificate in the default folder). */
export interface ServeTls {
  noTls?: true;
  requireTls?: true;
  tlsDir?: string;
  tlsCert?: string;
  tlsKey?: string;
}

type Values = Record<string, string | string[] | boolean | undefined>;

/** The serve command's TLS flags, or the sentence saying what does not fit together. */
export function serveTlsFlags(values: Values): ServeTls | { error: string } {
  const flags: ServeTls = {};
  const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  if (values['no-tls']) flags.noTls = true;
  if (values['require-tls']) flags.requireTls = true;
  if (text('tls-dir') !== undefined) flags.tlsDir = text('tls-dir');
  if (text('tls-cert') !== undefined) flags.tlsCert = text('tls-cert');
  if (text('tls-key') !== undefined) flags.tlsKey = text('tls-key');
  if (flags.noTls && Object.keys(flags).length > 1)
    return { error: '--no-tls cannot be combined with the other TLS options.' };
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    return { error: '--tls-cert and --tls-key go together (the certificate and its private key, PEM files).' };
  if (flags.tlsCert !== undefined && flags.tlsDir !== undefined)
    return { error: 'Use either --tls-dir or --tls-cert/--tls-key, not both.' };
  for (const [key, value] of Object.entries(flags))
    if (value === '') return { error: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs a value.` };
  return flags;
}

/** The connect command's TLS flags: the fingerprint (from --fingerprint or the address) and the known-hosts file. */
export function connectTlsFlags(
  values: Values,
  fromAddress: string | undefined,
): { fingerprint?: string; knownHosts?: string } | { error: string } {
  const flags: { fingerprint?: string; knownHosts?: string } = {};
  if (typeof values.fingerprint === 'string') {
    const parsed = parseFingerprint(values.fingerprint);
    if (typeof parsed !== 'string') return { error: `--fingerprint: ${parsed.error}` };
    if (fromAddress !== undefined && fromAddress !== parsed)
      return { error: 'The address carries another fingerprint than --fingerprint; give one.' };
    flags.fingerprint = parsed;
  } else if (fromAddress !== undefined) {
    flags.fingerprint = fromAddress;
  }
  if (typeof values['known-hosts'] === 'string') {
    if (values['known-hosts'].trim() === '') return { error: '--known-hosts needs a value.' };
    flags.knownHosts = values['known-hosts'];
  }
  return flags;
}

/** The per-user config folder of tcp-chat. */
export function configDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'tcp-chat');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'tcp-chat');
  return join(home, '.config', 'tcp-chat');
}

/** The room's certificate for `serve` (false: --no-tls); `made` says where a new one was saved. */
export async function serveIdentity(flags: ServeTls): Promise<{ tls: TlsIdentity | false; made?: string }> {
  if (flags.noTls) return { tls: false };
  if (flags.tlsCert !== undefined && flags.tlsKey !== undefined)
    return { tls: readIdentityFiles(flags.tlsCert, flags.tlsKey) };
  const dir = flags.tlsDir ?? join(configDir(), 'tls');
  const identity = await loadOrCreateIdentity(dir);
  return { tls: identity, made: identity.created ? dir : undefined };
}

/** What `connect` trusts: the fingerprint given, else the known-hosts file; a new room is announced and trusted. */
export function connectTls(
  flags: { fingerprint?: string; knownHosts?: string },
  announce: (line: string) => void,
): ClientTlsOptions {
  const file = flags.knownHosts ?? join(configDir(), 'known_hosts');
  return {
    fingerprint: flags.fingerprint,
    knownHosts: new KnownHosts(knownHostsFile(file)),
    trustNew: (fingerprint, where) => {
      announce(
        `First connection to ${where}: trusting its certificate ${fingerprint} (remembered in ${file}). ` +
          'Compare it with the fingerprint the host sees, by voice or on screen.',
      );
      return true;
    },
  };
}

/** Said once connected: whether anyone on the network path can read along. */
export function encryptionLine(fingerprint: string | undefined, plainTextServer: boolean): string {
  if (fingerprint) return `Encrypted (TLS); the room's certificate is ${fingerprint}.`;
  const what = plainTextServer ? 'this plain-text server' : 'this room';
  return `Not encrypted: ${what} does not offer TLS, so anyone on the network path can read this chat.`;
}

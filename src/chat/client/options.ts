// Every ChatClient setting with its default, in one place (the CLI and the extension pass only what they change).
import { DEFAULT_MAX_FILE_BYTES } from '../core/files';
import { DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_IMAGE_PIXELS } from '../core/images';
import type { ClientTlsOptions } from '../tls/trust';
import { reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from './connection/reconnect';

export interface ChatClientOptions {
  host: string;
  port: number;
  /** The name we ask for; the server may add a suffix to keep names unique. */
  name: string;
  password?: string;
  /** Off by default; `{}` turns it on with 1 s, 2 s, 4 s … up to 30 s, forever. */
  reconnect?: false | ReconnectOptions;
  /** TCP connect, and then the handshake after the greeting, must each finish within this (default 10 s). */
  connectTimeoutMs?: number;
  /** How long to wait for a native server's greeting line before treating the server as plain text (1.5 s). */
  greetingTimeoutMs?: number;
  /** Largest image we accept or send (default 25 MiB; the server's own limit applies too). */
  maxImageBytes?: number;
  /** Ping every this often; a server that misses 2 in a row is dropped (default 15 s). */
  heartbeatIntervalMs?: number;
  /** A plain-text server's bytes followed by this much silence count as a line (the classic broadcast room sends no newline). */
  plainPauseMs?: number;
  /** Most pixels (width × height, as declared) of an image we send or accept (default about 89.5 million). */
  maxImagePixels?: number;
  /**
   * Encryption (tls/trust.ts): a server whose greeting offers TLS is joined through it, its certificate pinned.
   * Default `{}`: every new room trusted on first use, remembered for this client's reconnects only. `false`: never.
   */
  tls?: ClientTlsOptions | false;
  /** Largest file we offer or accept (default DEFAULT_MAX_FILE_BYTES, 100 MiB; the server has its own cap). */
  maxFileBytes?: number;
}

export interface ResolvedClientOptions {
  host: string;
  port: number;
  name: string;
  password: string | undefined;
  reconnect: ReconnectPolicy | undefined;
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  maxImageBytes: number;
  heartbeatIntervalMs: number;
  plainPauseMs: number;
  maxImagePixels: number;
  tls: ClientTlsOptions | false;
  maxFileBytes: number;
}

export function resolveClientOptions(options: ChatClientOptions): ResolvedClientOptions {
  const resolved: ResolvedClientOptions = {
    host: options.host,
    port: options.port,
    name: options.name,
    password: options.password === '' ? undefined : options.password,
    reconnect: reconnectPolicy(options.reconnect),
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    greetingTimeoutMs: options.greetingTimeoutMs ?? 1500,
    maxImageBytes: options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
    plainPauseMs: options.plainPauseMs ?? 250,
    maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
    tls: options.tls === false ? false : { ...options.tls },
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
  };
  for (const key of [
    'connectTimeoutMs',
    'greetingTimeoutMs',
    'maxImageBytes',
    'heartbeatIntervalMs',
    'plainPauseMs',
    'maxImagePixels',
    'maxFileBytes',
  ] as const) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 1)
      throw new RangeError(`Client option ${key} must be a positive number, not ${value}.`);
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 1 || resolved.port > 65535) {
    throw new RangeError(`Port must be a whole number from 1 to 65535, not ${resolved.port}.`);
  }
  if (resolved.host.trim() === '') throw new RangeError('Host must not be empty.');
  return resolved;
}

// Small server-side wordings and conversions kept out of server.ts: addresses, listen errors, refusals.
import type { Socket } from 'node:net';
import { ChatError, isSystemErrorCode } from '../core/errors';
import { plainBytes } from '../wire/plainText';
import { encodeFrame } from '../wire/codec';
import { FrameType } from '../wire/frames';

/** `ip:port` as people write it: IPv4-mapped IPv6 shown as plain IPv4, other IPv6 in brackets. */
export function socketAddress(socket: Socket): string {
  const raw = socket.remoteAddress ?? 'unknown';
  const ip = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
  const port = socket.remotePort ?? 0;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Why listen() failed, in a sentence a user can act on. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): ChatError {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ChatError(
        'EADDRINUSE',
        `Port ${port} is already in use on ${host}; stop the program using it or choose another port.`,
      );
    case 'EACCES':
      return new ChatError(
        'EACCES',
        `Not allowed to listen on port ${port} (ports below 1024 need administrator rights); choose another port.`,
      );
    case 'EADDRNOTAVAIL':
      return new ChatError(
        'EADDRNOTAVAIL',
        `${host} is not an address of this machine; use 0.0.0.0 (all interfaces) or 127.0.0.1.`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ChatError(error.code, `Cannot resolve the host name ${host}.`);
    default:
      return new ChatError(
        isSystemErrorCode(error.code) ? error.code : 'listen-failed',
        `Cannot listen on ${host}:${port}: ${error.message}`,
      );
  }
}

/** The last words to a connection over maxConnections: an Error frame for our client, a text line for nc. */
export function connectionRefusal(native: boolean, maxConnections: number): Buffer {
  const message = `The server is full (${maxConnections} connections); try again later.`;
  if (native) return encodeFrame({ type: FrameType.Error, body: { code: 'server-full', message, fatal: true } });
  return plainBytes(`Sorry: ${message}`);
}

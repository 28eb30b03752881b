// The engine's errors: ChatError carries a stable code (every code is listed here and, with what the receiver
// does, in docs/PROTOCOL.md "Error and notice codes"), and errorMessage() is the one way to turn anything thrown
// into a sentence.

/** Codes a server sends in a fatal Error frame; the connection closes after it. */
export const ERROR_FRAME_CODES = [
  'handshake-timeout',
  'bad-handshake',
  'bad-version',
  'password-required',
  'bad-password',
  'server-full',
  'frame-too-large',
  'empty-frame',
  'bad-frame',
  // limits per IP address (server/addressLimits.ts)
  'too-many-connections',
  'connecting-too-fast',
  'password-lockout',
  // who may connect (server/accessList.ts)
  'address-refused',
  'banned',
  // encrypted rooms (tls/)
  'tls-required',
] as const;

/** Codes a server sends in a Notice frame (plain-text peers get the notice as a text line, without the code). */
export const NOTICE_FRAME_CODES = [
  'kicked',
  'waiting',
  'rate-limited',
  'image-rate-limited',
  'text-too-long',
  'unknown-recipient',
  'recipient-waiting',
  'image-too-large',
  'too-many-images',
  'server-busy',
  'image-size',
  'image-type',
  'image-stalled',
  'bad-name',
  'line-too-long',
  'no-images',
  'bad-command',
  // images judged by the width and height they declare
  'image-too-many-pixels',
  'image-unreadable',
  // the room's habits from IRC (server/room/presence.ts)
  'away',
  'host-only',
  // what the room remembers (server/history/)
  'history-end',
  // files (server/files/)
  'file-too-large',
  'no-files',
] as const;

/** Codes that never cross the wire: ChatErrors and notices an endpoint makes for its own user. */
export const LOCAL_ERROR_CODES = [
  // either side
  'closed',
  'empty-message',
  'bad-option',
  'heartbeat',
  'output-cap',
  'internal',
  // the server
  'already-listening',
  'not-listening',
  'unknown-peer',
  'listen-failed',
  'server-error',
  'listener-failed',
  'connection-limit',
  // the client
  'version',
  'protocol',
  'closed-early',
  'already-connected',
  'not-admitted',
  'not-connected',
  'plain-text-server',
  'busy',
  'too-long',
  'disconnected',
  'reconnect-failed',
  'image-dropped',
  'bad-port',
  'unknown-code',
  // the chat log
  'log-failed',
  'log-quota',
  'send-failed',
  // the VS Code extension
  'no-editor',
  'bad-uri',
  'bad-seats',
  'bad-address',
  'not-host',
  // encrypted rooms (tls/)
  'tls-identity',
  'tls-handshake',
  'tls-failed',
  'fingerprint-changed',
  'not-encrypted',
  'not-trusted',
  // files (files/, client/files/, session/fileTransfers.ts)
  'unknown-file',
  'file-refused',
  'bad-file-name',
  'no-file-folder',
] as const;

/**
 * Node's own error codes (`ECONNREFUSED`, `EADDRINUSE`, `ENOTFOUND`, `ERR_SOCKET_BAD_PORT`, …), kept as they are
 * so a program can match them; `ECONNECT` stands for a failed connect without one.
 */
export type SystemErrorCode = `E${string}`;

export type ErrorFrameCode = (typeof ERROR_FRAME_CODES)[number];
export type NoticeFrameCode = (typeof NOTICE_FRAME_CODES)[number];
/** Every code a ChatError or a notice can carry. */
export type ErrorCode = ErrorFrameCode | NoticeFrameCode | (typeof LOCAL_ERROR_CODES)[number] | SystemErrorCode;

const KNOWN_CODES: ReadonlySet<string> = new Set<string>([
  ...ERROR_FRAME_CODES,
  ...NOTICE_FRAME_CODES,
  ...LOCAL_ERROR_CODES,
]);

/** True for Node's error codes: `E` then capitals, digits and `_` (`EADDRINUSE`, `ERR_SOCKET_BAD_PORT`). */
export function isSystemErrorCode(code: string | undefined): code is SystemErrorCode {
  return code !== undefined && /^E[A-Z0-9_]+$/.test(code);
}

/**
 * The code of an Error or Notice frame as this version understands it. The wire carries any short text (a newer
 * server may send a code this version does not know): a known code is kept, any other becomes 'unknown-code',
 * and the frame's message is shown as it came.
 */
export function errorCodeFromWire(code: string): ErrorCode;
export function errorCodeFromWire(code: string | undefined): ErrorCode | undefined;
export function errorCodeFromWire(code: string | undefined): ErrorCode | undefined {
  if (code === undefined) return undefined;
  return KNOWN_CODES.has(code) || isSystemErrorCode(code) ? (code as ErrorCode) : 'unknown-code';
}

/** An error a user should read: `message` is the sentence to show, `code` is for programs. */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

/** The message of anything thrown: an Error's message, anything else as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

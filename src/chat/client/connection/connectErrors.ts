// Sentences for a connection to the server that failed or ended: a failed TCP connect becomes one a user can act
// on ("Nobody is listening on …"), keeping the system error code for programs; so do a handshake that never
// finished and a connection that was lost. Used for the first connect and for every reconnect attempt.
import { hostPort } from '../../core/address';
import { ChatError, isSystemErrorCode } from '../../core/errors';
import { formatDuration } from '../../core/units';

export function describeConnectError(
  error: NodeJS.ErrnoException,
  host: string,
  port: number,
  timeoutMs: number,
): ChatError {
  const where = hostPort(host, port);
  const code = isSystemErrorCode(error.code) ? error.code : 'ECONNECT';
  switch (code) {
    case 'ECONNREFUSED':
      return new ChatError(code, `Nobody is listening on ${where} (connection refused).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new ChatError('ENOTFOUND', `Unknown host ${host}: the name could not be resolved.`);
    case 'ETIMEDOUT':
      return new ChatError(code, `No answer from ${where} within ${formatDuration(timeoutMs)} (connection timed out).`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ChatError(code, `Cannot reach ${where}: no route to that host.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ChatError(code, `${where} dropped the connection.`);
    case 'EADDRNOTAVAIL':
      return new ChatError(code, `Cannot connect to ${where}: that address is not available.`);
    case 'ERR_SOCKET_BAD_PORT':
      return new ChatError('bad-port', `Port ${port} is not a valid TCP port (1–65535).`);
    default:
      return new ChatError(code, `Could not connect to ${where}: ${error.message}.`);
  }
}

/** The server greeted us but the handshake did not finish in time. */
export function handshakeTimedOut(where: string, timeoutMs: number): ChatError {
  return new ChatError(
    'handshake-timeout',
    `${where} greeted us but did not let us in within ${formatDuration(timeoutMs)}.`,
  );
}

/** A password was given but the server does not greet as a TCP Chat room: refused rather than chatting in plain text. */
export function notATcpChatRoom(where: string, why: string): ChatError {
  return new ChatError(
    'plain-text-server',
    `${where} did not greet as a TCP Chat room (${why}), so the room password was not used. ` +
      'Connect without a password to chat with a plain-text server.',
  );
}

/** The server's bytes do not decode (a broken or hostile server); `detail` is the decoder's reason. */
export function unreadableData(detail: string): ChatError {
  return new ChatError(
    'protocol',
    `The server sent data this client cannot read (${detail.replace(/\.$/, '')}); disconnecting.`,
  );
}

/** What ended a connection, most telling first: the server's refusal, its goodbye, the socket's error. */
export interface Ending {
  fatal: ChatError | undefined;
  goodbye: string | undefined;
  socketError: ChatError | undefined;
}

/** The connection closed before the server let us in. */
export function closedBeforeJoining(where: string, ending: Ending): ChatError {
  const early = `${where} closed the connection before letting us in${ending.goodbye ? ` (${ending.goodbye})` : ''}.`;
  return ending.fatal ?? ending.socketError ?? new ChatError('closed-early', early);
}

/** The connection closed after we had joined, not because we closed it. */
export function disconnected(where: string, ending: Ending): string {
  const why =
    ending.fatal?.message ??
    (ending.goodbye
      ? `the server said: ${ending.goodbye}`
      : (ending.socketError?.message ?? 'the server closed the connection'));
  return `Disconnected from ${where} — ${why.replace(/\.$/, '')}.`;
}

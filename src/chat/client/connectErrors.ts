// Turns a failed TCP connect into a sentence a user can act on ("Nobody is listening on …"), keeping the
// system error code for programs. Used by ChatClient for the first connect and for every reconnect attempt.
import { hostPort } from '../core/address';
import { ChatError, isSystemErrorCode } from '../core/errors';
import { formatDuration } from '../core/units';
// Re-exported: the client modules and their tests import it from here.

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

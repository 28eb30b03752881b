// The client's trust decisions, like SSH's: a room with a fingerprint on record (given with the address, or
// remembered in known hosts) must present exactly that certificate and must not answer without TLS; a new room's
// fingerprint is shown once and remembered (trust on first use); a changed one is refused, naming both.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ChatError, errorMessage } from '../core/errors';
import type { KnownHosts } from './knownHosts';
import { openTunnel } from './tunnel';

export interface ClientTlsOptions {
  /** Only a room presenting this certificate is accepted, and only over TLS (address `#sha256=…`, --fingerprint). */
  fingerprint?: string;
  /** Rooms trusted before, per `host:port`; a new one is added once trusted. */
  knownHosts?: KnownHosts;
  /** Asked for a room seen for the first time; false refuses it. Without it every new room is trusted. */
  trustNew?: (fingerprint: string, where: string) => boolean | Promise<boolean>;
}

/** The certificate `where` must present, if one is on record. */
export function pinnedFingerprint(where: string, tls: ClientTlsOptions): string | undefined {
  return tls.fingerprint ?? tls.knownHosts?.get(where);
}

const FORGET_HINT =
  'forget the trusted room (TCP Chat: Forget Trusted Room… in the editor, or delete its line in the known-hosts file)';

/** A room with a fingerprint on record answered without TLS: refused, never silently used unencrypted. */
export function notEncrypted(where: string, pinned: string, how: string): ChatError {
  return new ChatError(
    'not-encrypted',
    `${where} is trusted with an encrypted connection (certificate ${pinned}) but ${how}; not connecting, since ` +
      `someone may be in between. If its host really turned encryption off, ${FORGET_HINT} and connect again.`,
  );
}

/**
 * Upgrades `raw` to TLS (the handshake within `timeoutMs`) and checks the certificate before anything else is
 * sent; a question to the user (trustNew) has no time limit here, the server's handshake deadline bounds it. Throws ChatError:
 * 'fingerprint-changed', 'not-trusted', or ('not-encrypted' when one was on record, else 'tls-failed').
 */
export async function secureConnection(
  raw: Socket,
  where: string,
  tls: ClientTlsOptions,
  timeoutMs: number,
): Promise<{ socket: TLSSocket; fingerprint: string }> {
  const pinned = pinnedFingerprint(where, tls);
  let tunnel: { socket: TLSSocket; fingerprint: string };
  try {
    tunnel = await openTunnel(raw, timeoutMs);
  } catch (error) {
    if (pinned) throw notEncrypted(where, pinned, `its TLS handshake failed (${errorMessage(error)})`);
    throw new ChatError('tls-failed', `Could not set up encryption with ${where}: ${errorMessage(error)}.`);
  }
  const { socket, fingerprint } = tunnel;
  try {
    if (pinned && pinned !== fingerprint) {
      throw new ChatError(
        'fingerprint-changed',
        `The certificate of ${where} changed: expected ${pinned}, got ${fingerprint}. Someone may be in between ` +
          `(a man in the middle), or the room has a new certificate: check with its host, and if the new one is right, ${FORGET_HINT} and connect again.`,
      );
    }
    if (!pinned) {
      if (!(await (tls.trustNew?.(fingerprint, where) ?? true)))
        throw new ChatError(
          'not-trusted',
          `Not connected: the certificate of ${where} (${fingerprint}) was not trusted.`,
        );
      tls.knownHosts?.trust(where, fingerprint);
    } else if (tls.fingerprint && tls.knownHosts?.get(where) !== fingerprint) {
      tls.knownHosts?.trust(where, fingerprint); // given with the address: remembered like a first use
    }
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return tunnel;
}

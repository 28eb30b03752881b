// The TLS tunnel on an already connected TCP socket, both ways: the server wraps a socket whose first byte was a
// TLS record, the client upgrades after the greeting (or at once, for a room it has a fingerprint for). Certificates
// are self-signed, so nothing is checked by a CA: the client compares the fingerprint itself (trust.ts).
import type { Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { TLS_EXPORTER_LABEL } from '../wire/handshake';
import type { TlsIdentity } from './certificate';

/** The first byte of a TLS handshake record (a ClientHello); no plain-text line or preamble of ours starts so. */
export const TLS_HANDSHAKE_BYTE = 0x16;
const MIN_VERSION = 'TLSv1.2';

export function serverSecureContext(identity: TlsIdentity): SecureContext {
  return createSecureContext({ cert: identity.certPem, key: identity.keyPem, minVersion: MIN_VERSION });
}

/** The server's side on `raw`, whose bytes read so far (the ClientHello's start) were put back with unshift. */
export function acceptTunnel(raw: Socket, context: SecureContext): TLSSocket {
  return new TLSSocket(raw, { isServer: true, secureContext: context });
}

/** The client's side on `raw`: resolves once encrypted, with the server certificate's fingerprint. */
export function openTunnel(raw: Socket, timeoutMs: number): Promise<{ socket: TLSSocket; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    // No CA can vouch for a room's self-signed certificate: the caller pins its fingerprint instead.
    const socket = tlsConnect({ socket: raw, rejectUnauthorized: false, minVersion: MIN_VERSION });
    const timer = setTimeout(() => {
      reject(new Error(`no TLS handshake within ${Math.round(timeoutMs / 1000)} s`));
      socket.destroy();
    }, timeoutMs);
    // OpenSSL's messages carry file paths; its short reason ("wrong version number") is what a person can use.
    const failed = (error: Error & { reason?: string }) => (
      clearTimeout(timer),
      reject(new Error(error.reason ?? error.message))
    );
    socket.on('error', failed);
    raw.once('close', () => failed(new Error('the connection closed during the TLS handshake')));
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      socket.on('error', () => undefined); // until its new owner listens: 'close' follows, which it reports
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      if (!fingerprint) return reject(new Error('the server presented no certificate'));
      resolve({ socket, fingerprint });
    });
  });
}

/** What ties a password proof to this TLS session (undefined on a plain connection): exported keying material. */
export function tunnelBinding(socket: Socket, nonce: string): Buffer | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  return socket.exportKeyingMaterial(32, TLS_EXPORTER_LABEL, Buffer.from(nonce, 'utf8'));
}

export function isEncrypted(socket: Socket): socket is TLSSocket {
  return socket instanceof TLSSocket;
}

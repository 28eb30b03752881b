// The server's side: a new socket in a room that speaks TLS, before it becomes a PeerConnection: TLS clients (`ncat --ssl`,
// `openssl s_client`, our client with a fingerprint on record) speak first, so the greeting waits a moment for a
// first byte. A first byte 0x16 (a TLS record) — before the greeting, or right after it (our client upgrading
// once it read the greeting's `[tls]`) — wraps the socket in TLS, and the usual greeting and detection run inside.
// Anything else goes on unencrypted, as before. The TLS handshake counts against the handshake deadline.
import type { Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import { diagnose } from '../core/diagnostics';
import { errorMessage } from '../core/errors';
import { escapeControl } from '../core/format';
import type { TlsIdentity } from './certificate';
import { acceptTunnel, serverSecureContext, TLS_HANDSHAKE_BYTE } from './tunnel';

/** How long the server waits for a peer's first byte before greeting (a TLS client sends its ClientHello at once). */
export const TLS_FIRST_BYTE_WAIT_MS = 250;
/** TLS failures (scanners, wrong clients) go to the host's log at most once per this interval, with a count. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

export interface GatePassed {
  /** The TLS socket, or `raw` for an unencrypted peer (its first bytes, if any, are put back to be read again). */
  socket: Socket;
  raw: Socket;
  /** `ip:port` as people write it. */
  address: string;
  encrypted: boolean;
  /** The unencrypted greeting went out already (our client reads it before upgrading). */
  greeted: boolean;
  /** Time left until the handshake deadline. */
  remainingMs: number;
}

export interface GateEvents {
  /** One line for the host's log, already throttled. */
  failed(line: string): void;
  /** `raw` closed before passing (TLS failed, the peer left): it no longer counts for its address. */
  dropped(raw: Socket): void;
}

export class TlsGate {
  private readonly held = new Set<Socket>();
  private failures = 0;
  private lastFailureLog = 0;

  private readonly context: SecureContext;

  constructor(
    identity: TlsIdentity,
    private readonly events: GateEvents,
  ) {
    this.context = serverSecureContext(identity);
  }

  /** Sockets still waiting for a first byte or in their TLS handshake (they count as open connections). */
  get size(): number {
    return this.held.size;
  }

  /** Holds `raw` until it shows what it is; `greeting` is written if it stays silent for a moment. */
  hold(raw: Socket, address: string, greeting: Buffer, deadlineMs: number, passed: (p: GatePassed) => void): void {
    const start = Date.now();
    const remaining = () => Math.max(0, deadlineMs - (Date.now() - start));
    let greeted = false;
    let done = false;
    this.held.add(raw);
    raw.once('close', () => {
      this.held.delete(raw);
      clearTimeout(greet);
      clearTimeout(deadline);
      if (!done) this.events.dropped(raw);
    });
    const greet = setTimeout(() => {
      greeted = true;
      raw.write(greeting);
    }, TLS_FIRST_BYTE_WAIT_MS);
    const pass = (socket: Socket, encrypted: boolean) => {
      clearTimeout(greet);
      clearTimeout(deadline);
      this.held.delete(raw);
      done = true;
      passed({ socket, raw, address, encrypted, greeted, remainingMs: remaining() });
    };
    const deadline = setTimeout(() => {
      raw.off('data', first);
      if (!tls) return pass(raw, false); // silent all along: a plain-text peer that only listens
      this.failed(address, 'its TLS handshake did not finish in time');
      raw.destroy();
    }, deadlineMs);
    let tls: TLSSocket | undefined;
    const first = (chunk: Buffer) => {
      raw.off('data', first);
      raw.pause();
      raw.unshift(chunk); // read again by the TLS socket, or by the PeerConnection
      if (chunk[0] !== TLS_HANDSHAKE_BYTE) return pass(raw, false);
      clearTimeout(greet);
      tls = acceptTunnel(raw, this.context);
      tls.once('secure', () => pass(tls as TLSSocket, true));
      tls.on('error', (error) => {
        if (done) return; // the PeerConnection hears it too, and reports the close
        clearTimeout(deadline);
        this.failed(address, errorMessage(error));
        raw.destroy();
      });
    };
    raw.on('data', first);
    [greet, deadline].forEach((timer) => timer.unref());
  }

  /** The server is closing: sockets still held are dropped. */
  destroyAll(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private failed(address: string, why: string): void {
    diagnose('server', `${address} TLS failed: ${escapeControl(why)}`);
    this.failures++;
    const now = Date.now();
    if (now - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    const more = this.failures > 1 ? ` (${this.failures - 1} more TLS failures since the last such line)` : '';
    this.lastFailureLog = now;
    this.failures = 0;
    this.events.failed(`TLS handshake with ${address} failed: ${escapeControl(why)}${more}.`);
  }
}

/** How the listening line says whether the room is encrypted, with the fingerprint people compare. */
export function encryptionText(fingerprint: string | undefined, requireTls: boolean): string {
  if (!fingerprint) return 'not encrypted (TLS off)';
  const who = requireTls ? 'encrypted connections only' : 'encrypted (TLS) or not';
  return `${who}, certificate fingerprint ${fingerprint}`;
}

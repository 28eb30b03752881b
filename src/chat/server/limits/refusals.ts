// Connections turned away at once (over a limit, refused by address, unencrypted in a room that requires TLS):
// each is greeted, told why in its own language — an Error frame for our client, a `Sorry: …` line for nc — and
// closed. In a room that speaks TLS the refused peer may start TLS first; it is then told inside the tunnel.
import type { Socket } from 'node:net';
import { diagnose, diagnosticsEnabled } from '../../core/diagnostics';
import { encodeFrame } from '../../wire/codec';
import { FrameType } from '../../wire/frames';
import { CLIENT_PREAMBLE } from '../../wire/handshake';
import { plainBytes } from '../../wire/plainText';
import type { GatePassed, TlsGate } from '../../tls/serverGate';
import type { AccessRefusal } from './accessList';
import type { Notices } from '../room/notices';
import type { ResolvedServerOptions } from '../options';

/** Connections refused at the limit that may linger (to say why) before further ones are just dropped. */
const MAX_REFUSING = 64;

/** Why a connection is turned away at once: the code of our client's Error frame and the sentence for both. */
export interface Refusal {
  code: 'server-full' | 'too-many-connections' | 'connecting-too-fast' | 'tls-required' | AccessRefusal['code'];
  message: string;
}

/** The last words to a refused connection: an Error frame for our client, a text line for nc. */
export function refusalBytes(native: boolean, { code, message }: Refusal): Buffer {
  if (native) return encodeFrame({ type: FrameType.Error, body: { code, message, fatal: true } });
  return plainBytes(`Sorry: ${message}`);
}

/** Why the host's log says a connection was refused for its address. */
export function addressRefusalLog(
  code: 'too-many-connections' | 'connecting-too-fast',
  o: ResolvedServerOptions,
): string {
  if (code === 'too-many-connections')
    return `its address has ${o.connectionsPerAddress} connections open already (the limit per address).`;
  const perSecond = o.connectRate ? o.connectRate.perSecond : 0;
  return `its address is connecting too fast (more than ${perSecond} new connections per second).`;
}

export class Refusals {
  private refusing = 0;

  constructor(
    private readonly notices: Notices,
    /** The unencrypted greeting, and the one inside TLS. */
    private readonly greeting: Buffer,
    private readonly tunnelGreeting: Buffer,
    /** In a room that speaks TLS: refused sockets wait here for their first byte, as new ones do. */
    private readonly gate: TlsGate | undefined,
  ) {}

  /** Turned away at once: say why in the peer's own language, then close. `passed`: it went through the gate. */
  refuse(
    socket: Socket,
    address: string,
    refusal: Refusal,
    why: string,
    logCode: string = refusal.code,
    passed?: GatePassed,
  ): void {
    if (diagnosticsEnabled()) diagnose('server', `${address} refused (${refusal.code}): ${why}`);
    this.notices.log('error', `Refused ${address}: ${why}`, logCode);
    if (this.refusing >= MAX_REFUSING) return void socket.destroy();
    this.refusing++;
    socket.on('close', () => this.refusing--);
    if (passed || !this.gate) return this.answer(socket, refusal, passed);
    this.gate.hold(socket, address, this.greeting, 2000, (p) => this.answer(p.socket, refusal, p));
  }

  /** Sockets still waiting in the gate: dropped (the server is closing). */
  destroyAll(): void {
    this.gate?.destroyAll();
  }

  private answer(socket: Socket, refusal: Refusal, passed: GatePassed | undefined): void {
    if (!passed?.greeted || passed.encrypted) socket.write(passed?.encrypted ? this.tunnelGreeting : this.greeting);
    const answer = (first: Buffer | undefined) => {
      clearTimeout(timer);
      socket.off('data', answer);
      const native =
        first !== undefined && first.subarray(0, 4).equals(CLIENT_PREAMBLE.subarray(0, Math.min(4, first.length)));
      socket.end(refusalBytes(native, refusal));
      setTimeout(() => socket.destroy(), 2000).unref();
    };
    const timer = setTimeout(() => answer(undefined), 1000);
    timer.unref();
    socket.once('data', answer);
    socket.resume(); // the gate paused it, its first bytes put back
  }
}

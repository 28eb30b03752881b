// Our client's handshake on the server, once its first bytes showed it is ours (admission.ts): the Challenge (the
// room, its limits, a nonce), then its Hello — the protocol version, the password proof (checked only once its
// address has waited out its wrong guesses, limits/addressLimits.ts) — and the Welcome, or the seat it held.
import { newNonce, PROTOCOL_VERSION, verifyProof } from '../../wire/handshake';
import { FrameType, type HelloBody } from '../../wire/frames';
import { lockoutText, type AddressLimits } from '../limits/addressLimits';
import { diagnoseConn, type Notices } from '../room/notices';
import type { ResolvedServerOptions } from '../options';
import type { PeerConnection, PeerHandlers } from '../connection/peerConnection';
import type { Room } from '../room/room';
import { tunnelBinding } from '../../tls/tunnel';

/** What the handshake needs from the server around it. */
export interface HandshakeContext {
  options: ResolvedServerOptions;
  room: Room;
  notices: Notices;
  /** Limits per IP address: open connections, new ones per second, waits after wrong passwords. */
  addresses: AddressLimits;
  /** Where a new connection reports what arrives. */
  handlers: PeerHandlers;
  /** A Hello with a resume token: true when it made `conn` that member again (history/heldSeats.ts). */
  resume(conn: PeerConnection, hello: HelloBody): boolean;
}

export class NativeHandshake {
  /** The nonce of the Challenge each native peer got, for checking its password proof. */
  private readonly nonces = new WeakMap<PeerConnection, string>();
  /** Proofs waiting for their address's wait after wrong ones to end. */
  private readonly heldProofs = new WeakSet<PeerConnection>();

  constructor(private readonly context: HandshakeContext) {}

  /** Our client's preamble arrived: the Challenge (room, limits, nonce for the password proof). */
  challenge(conn: PeerConnection): void {
    diagnoseConn(conn, 'detected: native client');
    const nonce = newNonce();
    this.nonces.set(conn, nonce);
    const o = this.context.options;
    conn.sendFrame({
      type: FrameType.Challenge,
      body: {
        v: PROTOCOL_VERSION,
        room: o.room,
        auth: o.password ? 'hmac-sha256' : 'none',
        nonce,
        maxFrameBytes: o.maxFrameBytes,
        maxImageBytes: o.maxImageBytes,
        acks: true,
        files: true,
        rosterDelta: true,
      },
    });
  }

  /** Its Hello: the version checked, then the password proof (if the room has one), then the Welcome. */
  hello(conn: PeerConnection, hello: HelloBody): void {
    const { options, notices } = this.context;
    if (this.heldProofs.has(conn)) return; // a Hello is waiting already
    if (hello.v !== PROTOCOL_VERSION) {
      diagnoseConn(conn, 'bad hello: protocol version ', String(hello.v));
      return notices.fatal(
        conn,
        'bad-version',
        `This server speaks protocol version ${PROTOCOL_VERSION}, the client ${hello.v}; update TCP Chat.`,
      );
    }
    if (options.password && hello.proof === undefined) {
      diagnoseConn(conn, 'turned away: no password');
      conn.sendFrame({
        type: FrameType.Error,
        body: {
          code: 'password-required',
          message: 'This room needs a password; connect again with one.',
          fatal: true,
        },
      });
      conn.close('no password');
      return notices.log(
        'error',
        `Turned away ${conn.address}: it gave no password (this room needs one).`,
        'password-required',
      );
    }
    if (options.password) return this.checkProof(conn, hello, options.password);
    this.welcome(conn, hello);
  }

  /** A proof is checked only once the address has waited out its wrong ones: held a little, or refused. */
  private checkProof(conn: PeerConnection, hello: HelloBody, password: string): void {
    this.heldProofs.delete(conn);
    if (conn.isClosed || conn.peer) return;
    const { addresses, notices } = this.context;
    const verdict = addresses.proof(conn.socket);
    if (verdict.kind === 'hold') {
      diagnoseConn(conn, `password proof held ${verdict.ms} ms (wrong ones from this address before)`);
      this.heldProofs.add(conn);
      const retry = () => {
        try {
          this.checkProof(conn, hello, password);
        } catch (error) {
          this.context.handlers.onInternalError(conn, error);
          conn.destroy('internal error');
        }
      };
      return void setTimeout(retry, verdict.ms).unref();
    }
    if (verdict.kind === 'refuse') {
      diagnoseConn(conn, `turned away: password lockout, ${verdict.seconds} s left`);
      const message = `Too many wrong passwords from your address; try again in ${verdict.seconds} s.`;
      conn.sendFrame({ type: FrameType.Error, body: { code: 'password-lockout', message, fatal: true } });
      conn.close('password lockout');
      const ip = addresses.ipOf(conn.socket) ?? conn.address;
      if (verdict.log) notices.log('error', lockoutText(ip, verdict.seconds, verdict.failures), 'password-lockout');
      return;
    }
    const nonce = this.nonces.get(conn) ?? '';
    if (!verifyProof(password, nonce, hello.proof, tunnelBinding(conn.socket, nonce))) {
      const { waitMs } = addresses.proofFailed(conn.socket);
      diagnoseConn(conn, 'turned away: wrong password');
      conn.sendFrame({
        type: FrameType.Error,
        body: { code: 'bad-password', message: 'Wrong password for this room.', fatal: true },
      });
      conn.close('wrong password');
      diagnoseConn(conn, `its address waits ${waitMs} ms before its next password proof`);
      return notices.log('error', `Turned away ${conn.address}: wrong password.`, 'bad-password');
    }
    addresses.proofPassed(conn.socket);
    this.welcome(conn, hello);
  }

  private welcome(conn: PeerConnection, hello: HelloBody): void {
    // A client that acknowledges image bytes gets them through the ack window (text is not stuck behind them).
    if (hello.acks === true) conn.writer.enableAckWindow();
    conn.files = hello.files === true;
    conn.rosterDeltas = hello.rosterDelta === true;
    if (hello.resume !== undefined && this.context.resume(conn, hello)) return;
    diagnoseConn(conn, 'hello, asking for the name ', hello.name);
    this.context.room.join(conn, hello.name);
  }
}

// A new socket, until it joins the room: refused when the server is full, greeted, then — our client — a
// Challenge, the password proof in its Hello and the Welcome, or — a plain-text peer (nc, telnet) — its name
// line; and dropped if it does not identify itself in time.
import type { Socket } from 'node:net';
import { parseInput } from '../core/chatInput';
import { diagnose, diagnosticsEnabled } from '../core/diagnostics';
import { formatDuration } from '../core/units';
import { plainBytes } from '../wire/plainText';
import { CLIENT_PREAMBLE, greetingLine, newNonce, PROTOCOL_VERSION, verifyProof } from '../wire/handshake';
import { encodeFrame } from '../wire/codec';
import { FrameType, type Frame, type HelloBody } from '../wire/frames';
import { diagnoseConn, type Notices } from './notices';
import type { ResolvedServerOptions } from './options';
import { PeerConnection, type PeerHandlers } from './peerConnection';
import type { Room } from './room';

/** Connections refused at the limit that may linger (to say why) before further ones are just dropped. */
const MAX_REFUSING = 64;

/** `ip:port` as people write it: IPv4-mapped IPv6 shown as plain IPv4, other IPv6 in brackets. */
export function socketAddress(socket: Socket): string {
  const raw = socket.remoteAddress ?? 'unknown';
  const ip = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
  const port = socket.remotePort ?? 0;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The last words to a connection over maxConnections: an Error frame for our client, a text line for nc. */
export function connectionRefusal(native: boolean, maxConnections: number): Buffer {
  const message = `The server is full (${maxConnections} connections); try again later.`;
  if (native) return encodeFrame({ type: FrameType.Error, body: { code: 'server-full', message, fatal: true } });
  return plainBytes(`Sorry: ${message}`);
}

/** What admission needs from the server around it. */
export interface AdmissionContext {
  options: ResolvedServerOptions;
  room: Room;
  notices: Notices;
  /** Where a new connection reports what arrives. */
  handlers: PeerHandlers;
  /** The server is shutting down: new sockets are dropped. */
  isClosing(): boolean;
  /** roster.connections changed. */
  rosterChanged(): void;
}

export class Admission {
  private readonly greeting: Buffer;
  private nextConnId = 1;
  private refusing = 0;
  /** The nonce of the Challenge each native peer got, for checking its password proof. */
  private readonly nonces = new WeakMap<PeerConnection, string>();

  constructor(private readonly context: AdmissionContext) {
    const o = context.options;
    this.greeting = Buffer.from(greetingLine(o.room, o.handshakeTimeoutMs, o.password !== undefined), 'utf8');
  }

  /** A socket connected: it gets the greeting line and a handshake deadline (or a refusal, over the limit). */
  accept(socket: Socket): void {
    const { options, room, notices } = this.context;
    socket.on('error', () => undefined);
    if (this.context.isClosing()) return void socket.destroy();
    const address = socketAddress(socket);
    if (room.connectionCount >= options.maxConnections) return this.refuse(socket, address);
    const conn = new PeerConnection(this.nextConnId++, socket, address, options, this.context.handlers);
    diagnoseConn(conn, `accepted (${room.connectionCount + 1} open)`);
    room.add(conn);
    conn.write(this.greeting);
    conn.startHandshakeTimer(() => {
      const seconds = formatDuration(options.handshakeTimeoutMs);
      diagnoseConn(conn, `handshake timeout (${conn.kind})`);
      if (conn.kind === 'native') {
        conn.sendFrame({
          type: FrameType.Error,
          body: { code: 'handshake-timeout', message: `No Hello within ${seconds}.`, fatal: true },
        });
        conn.close('handshake timeout');
      } else {
        conn.close('handshake timeout', plainBytes(`No name received within ${seconds}; goodbye.`));
      }
      notices.log(
        'error',
        `Disconnected ${address}: it did not identify itself within ${seconds}.`,
        'handshake-timeout',
      );
    });
    this.context.rosterChanged();
  }

  /** Our client's preamble arrived: the Challenge (room, limits, nonce for the password proof). */
  native(conn: PeerConnection): void {
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
      },
    });
  }

  /** The first bytes were not our preamble: a plain-text peer, turned away if the room has a password. */
  plain(conn: PeerConnection): void {
    diagnoseConn(conn, 'detected: plain text');
    if (!this.context.options.password) return;
    diagnoseConn(conn, 'turned away: plain text in a room with a password');
    conn.close(
      'password required',
      plainBytes('This room needs a password; use the TCP Chat extension or `tcp-chat connect --password`.'),
    );
    this.context.notices.log(
      'error',
      `Turned away ${conn.address}: a plain-text connection cannot give the room password.`,
      'password-required',
    );
  }

  /** A native frame before joining: only a Hello is expected. */
  frame(conn: PeerConnection, frame: Frame): void {
    if (frame.type === FrameType.Hello) return this.hello(conn, frame.body);
    diagnoseConn(conn, `bad hello: frame type 0x${frame.type.toString(16)}`);
    this.context.notices.fatal(conn, 'bad-handshake', `Expected a Hello frame, got type 0x${frame.type.toString(16)}.`);
  }

  /** A plain-text line before joining: the name ("/name Bob" works too); /quit and /help are understood. */
  line(conn: PeerConnection, line: string): void {
    const input = parseInput(line);
    if (input.kind === 'quit') return conn.close('left', plainBytes('Goodbye!'));
    if (input.kind === 'help')
      return void conn.write(plainBytes('Type your name and press Enter to join; then /help lists the commands.'));
    this.context.room.join(conn, input.kind === 'name' ? input.name : line);
  }

  /** The socket closed: our client, asked for a password it does not have, hangs up at the challenge. */
  closed(conn: PeerConnection): void {
    if (!this.context.options.password || conn.kind !== 'native' || conn.peer) return;
    if ((conn.closeReason ?? 'left') !== 'left') return;
    diagnoseConn(conn, 'left at the password challenge');
    this.context.notices.log(
      'error',
      `Turned away ${conn.address}: it left at the password challenge (no password given?).`,
      'password-required',
    );
  }

  private hello(conn: PeerConnection, hello: HelloBody): void {
    const { options, notices } = this.context;
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
    if (options.password && !verifyProof(options.password, this.nonces.get(conn) ?? '', hello.proof)) {
      diagnoseConn(conn, 'turned away: wrong password');
      conn.sendFrame({
        type: FrameType.Error,
        body: { code: 'bad-password', message: 'Wrong password for this room.', fatal: true },
      });
      conn.close('wrong password');
      return notices.log('error', `Turned away ${conn.address}: wrong password.`, 'bad-password');
    }
    // A client that acknowledges image bytes gets them through the ack window (text is not stuck behind them).
    if (hello.acks === true) conn.writer.enableAckWindow();
    diagnoseConn(conn, 'hello, asking for the name ', hello.name);
    this.context.room.join(conn, hello.name);
  }

  /** Over maxConnections: say so in the peer's own language (Error frame or text line), then close. */
  private refuse(socket: Socket, address: string): void {
    const max = this.context.options.maxConnections;
    if (diagnosticsEnabled()) diagnose('server', `${address} refused: at the limit of ${max} connections`);
    this.context.notices.log(
      'error',
      `Refused ${address}: the server is at its limit of ${max} connections.`,
      'connection-limit',
    );
    if (this.refusing >= MAX_REFUSING) return void socket.destroy();
    this.refusing++;
    socket.on('close', () => this.refusing--);
    socket.write(this.greeting);
    const answer = (first: Buffer | undefined) => {
      clearTimeout(timer);
      socket.off('data', answer);
      const native =
        first !== undefined && first.subarray(0, 4).equals(CLIENT_PREAMBLE.subarray(0, Math.min(4, first.length)));
      socket.end(connectionRefusal(native, max));
      setTimeout(() => socket.destroy(), 2000).unref();
    };
    const timer = setTimeout(() => answer(undefined), 1000);
    timer.unref();
    socket.once('data', answer);
  }
}

// A new socket, until it joins the room: refused when its address is over its limits (addressLimits.ts) or the
// server is full — unless a plain-text member who has not typed anything since joining long ago gives up its
// connection — greeted, then — our client — a Challenge, the password proof in its Hello (checked only once its
// address has waited out its wrong guesses) and the Welcome, or — a plain-text peer (nc, telnet) — seated at its
// first byte as guest-N (what it typed is its first message), or after LISTENER_PAUSE_MS if it only listens.
// Our client that does not identify itself in time is dropped. In a room that speaks TLS a new socket first waits
// in the TLS gate (tls/serverGate.ts) for its first byte; refusals are said in limits/refusals.ts, our client's
// handshake is nativeHandshake.ts.
import type { Socket } from 'node:net';
import { formatDuration } from '../../core/units';
import { plainBytes } from '../../wire/plainText';
import { greetingLine } from '../../wire/handshake';
import { FrameType, type Frame } from '../../wire/frames';
import type { AccessList } from '../limits/accessList';
import { normalizeIp } from '../limits/addressLimits';
import { NativeHandshake, type HandshakeContext } from './nativeHandshake';
import { diagnoseConn, who } from '../room/notices';
import { PeerConnection } from '../connection/peerConnection';
import { addressRefusalLog, Refusals } from '../limits/refusals';
import type { TlsIdentity } from '../../tls/certificate';
import { TlsGate, type GatePassed } from '../../tls/serverGate';

/**
 * A peer silent this long after the greeting is a plain-text listener (nc that only reads), seated then. Our client
 * sends its preamble as soon as it reads the greeting (one round trip, milliseconds on a LAN), well before.
 */
export const LISTENER_PAUSE_MS = 500;

/** `ip:port` as people write it: IPv4-mapped IPv6 shown as plain IPv4, other IPv6 in brackets. */
export function socketAddress(socket: Socket): string {
  const ip = normalizeIp(socket.remoteAddress ?? 'unknown');
  const port = socket.remotePort ?? 0;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const DISPLACED_GOODBYE =
  'The server is full and you have not typed anything since you joined; your connection goes to a newcomer. Goodbye!';

/** What admission needs from the server around it (and hands on to our client's handshake). */
export interface AdmissionContext extends HandshakeContext {
  /** Who may connect at all: allowed and denied ranges, banned addresses. */
  access: AccessList;
  /** The server is shutting down: new sockets are dropped. */
  isClosing(): boolean;
  /** roster.connections changed. */
  rosterChanged(): void;
}

export class Admission {
  /** The greetings for the room's current topic (the host may change it): on an unencrypted socket (it says
   *  whether TLS is offered), and inside TLS. */
  private greetings: { topic: string; plain: Buffer; tunnel: Buffer } = {
    topic: '',
    plain: Buffer.alloc(0),
    tunnel: Buffer.alloc(0),
  };
  /** In a room that speaks TLS: new sockets until their first byte says whether they start TLS (and refused ones). */
  private readonly gate: TlsGate | undefined;
  private readonly refusals: Refusals;
  private nextConnId = 1;
  private readonly handshake: NativeHandshake;
  /** Plain-text members in the order they joined, with how many bytes they had sent then (more: they typed). */
  private readonly quietPlain = new Map<PeerConnection, { at: number; bytesRead: number }>();
  /** Connections given up for a newcomer that have not finished closing: their slots are taken already. */
  private readonly displacing = new Set<PeerConnection>();

  constructor(private readonly context: AdmissionContext) {
    this.handshake = new NativeHandshake(context);
    const o = context.options;
    const gate = (identity: TlsIdentity) =>
      new TlsGate(identity, {
        failed: (line) => context.notices.log('error', line, 'tls-handshake'),
        dropped: (raw) => context.addresses.closed(raw), // its TLS failed, or it left, before it was seen
      });
    this.gate = o.tls ? gate(o.tls) : undefined;
    const refused = this.greetingsFor(''); // a refused peer is told why, not the topic
    this.refusals = new Refusals(context.notices, refused.plain, refused.tunnel, o.tls ? gate(o.tls) : undefined);
  }

  private greetingsFor(topic: string): { topic: string; plain: Buffer; tunnel: Buffer } {
    const o = this.context.options;
    const offer = !o.tls ? 'none' : o.requireTls ? 'required' : 'offered';
    const line = (tls: typeof offer) => Buffer.from(greetingLine(o.room, o.password !== undefined, topic, tls), 'utf8');
    return { topic, plain: line(offer), tunnel: line('none') };
  }

  private currentGreetings(): { plain: Buffer; tunnel: Buffer } {
    const topic = this.context.room.topic;
    if (this.greetings.plain.length === 0 || this.greetings.topic !== topic) this.greetings = this.greetingsFor(topic);
    return this.greetings;
  }

  /** Sockets not yet seen by the room (waiting for their first byte, or in their TLS handshake): dropped. */
  closeHeld(): void {
    this.gate?.destroyAll();
    this.refusals.destroyAll();
  }

  /** A socket connected: it gets the greeting line and a handshake deadline (or a refusal, over the limit). */
  accept(socket: Socket): void {
    const { options, room } = this.context;
    socket.on('error', () => undefined);
    if (this.context.isClosing()) return void socket.destroy();
    const address = socketAddress(socket);
    const refused = this.context.access.check(socket.remoteAddress ?? '');
    if (refused) return this.refusals.refuse(socket, address, refused, refused.why);
    const verdict = this.context.addresses.admit(socket, socket.remoteAddress ?? 'unknown');
    if (!verdict.ok) return this.refusals.refuse(socket, address, verdict, addressRefusalLog(verdict.code, options));
    const open = room.connectionCount + (this.gate?.size ?? 0) - this.displacing.size;
    if (open >= options.maxConnections && !this.displaceQuiet()) {
      this.context.addresses.closed(socket);
      const max = options.maxConnections;
      const full = {
        code: 'server-full',
        message: `The server is full (${max} connections); try again later.`,
      } as const;
      return this.refusals.refuse(
        socket,
        address,
        full,
        `the server is at its limit of ${max} connections.`,
        'connection-limit',
      );
    }
    const deadline = options.handshakeTimeoutMs;
    if (this.gate)
      return this.gate.hold(socket, address, this.currentGreetings().plain, deadline, (passed) => this.seat(passed));
    this.seat({ socket, raw: socket, address, encrypted: false, greeted: false, remainingMs: deadline });
  }

  /** A socket that showed what it is (in TLS or not): greeted unless it was already, and given its deadline. */
  private seat({ socket, raw, address, encrypted, greeted, remainingMs }: GatePassed): void {
    const { options, room, notices } = this.context;
    if (this.context.isClosing()) return void socket.destroy();
    if (socket !== raw) this.context.addresses.moved(raw, socket);
    if (options.requireTls && !encrypted) {
      const message = 'This room accepts only encrypted connections: use `ncat --ssl HOST PORT`, or TCP Chat.';
      const why = 'it did not connect encrypted (this room requires TLS).';
      const passed = { socket, raw, address, encrypted, greeted, remainingMs };
      return this.refusals.refuse(socket, address, { code: 'tls-required', message }, why, 'tls-required', passed);
    }
    const conn = new PeerConnection(this.nextConnId++, socket, address, options, this.context.handlers);
    diagnoseConn(conn, `accepted (${room.connectionCount + 1} open${encrypted ? ', encrypted' : ''})`);
    room.add(conn);
    const greetings = this.currentGreetings();
    if (!greeted || encrypted) conn.write(encrypted ? greetings.tunnel : greetings.plain);
    socket.resume(); // the TLS gate paused it, its first bytes put back
    // In a room with a password a silent peer is not seated early: it is turned away at its first line or the deadline.
    // Nor inside TLS: our client may be asking its user to trust the certificate (seconds); a TLS peer that only
    // listens is seated at the deadline instead.
    if (!options.password && !encrypted) conn.seatIfSilentAfter(LISTENER_PAUSE_MS);
    conn.startHandshakeTimer(remainingMs, () => {
      if (conn.listenAsPlain()) return; // sent nothing at all: an nc that only listens, seated by plain()
      const seconds = formatDuration(options.handshakeTimeoutMs);
      diagnoseConn(conn, `handshake timeout (${conn.kind})`);
      if (conn.kind === 'native') {
        conn.sendFrame({
          type: FrameType.Error,
          body: { code: 'handshake-timeout', message: `No Hello within ${seconds}.`, fatal: true },
        });
        conn.close('handshake timeout');
      } else {
        conn.close('handshake timeout', plainBytes(`Nothing understandable received within ${seconds}; goodbye.`));
      }
      notices.log(
        'error',
        `Disconnected ${address}: it did not identify itself within ${seconds}.`,
        'handshake-timeout',
      );
    });
    this.context.rosterChanged();
  }

  /** Our client's preamble arrived: the Challenge (nativeHandshake.ts). */
  native(conn: PeerConnection): void {
    this.handshake.challenge(conn);
  }

  /**
   * The first bytes were not our preamble (or nothing came by the deadline): a plain-text peer, seated at once
   * as guest-N (or told its place in line) — or turned away if the room has a password.
   */
  plain(conn: PeerConnection): void {
    diagnoseConn(conn, 'detected: plain text');
    if (!this.context.options.password) {
      this.context.room.join(conn, '');
      // Every byte it sends from now on is typing: only a peer that sent nothing at all may be displaced.
      if (conn.peer) this.quietPlain.set(conn, { at: Date.now(), bytesRead: 0 });
      return;
    }
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
    if (frame.type === FrameType.Hello) return this.handshake.hello(conn, frame.body);
    diagnoseConn(conn, `bad hello: frame type 0x${frame.type.toString(16)}`);
    this.context.notices.fatal(conn, 'bad-handshake', `Expected a Hello frame, got type 0x${frame.type.toString(16)}.`);
  }

  /** A plain-text line before joining: cannot happen (plain() seats the peer before its first line). */
  line(conn: PeerConnection, line: string): void {
    diagnoseConn(conn, `plain-text line before joining: dropped (${line.length} characters)`);
  }

  /** The socket closed: its address has a connection less; our client without a password says nothing. */
  closed(conn: PeerConnection): void {
    this.context.addresses.closed(conn.socket);
    this.quietPlain.delete(conn);
    this.displacing.delete(conn);
    if (!this.context.options.password || conn.kind !== 'native' || conn.peer) return;
    if ((conn.closeReason ?? 'left') !== 'left') return;
    diagnoseConn(conn, 'left at the password challenge');
    this.context.notices.log(
      'error',
      `Turned away ${conn.address}: it left at the password challenge (no password given?).`,
      'password-required',
    );
  }

  /**
   * The server is full: the plain-text member who joined first among those who have not typed anything since,
   * if that was at least idlePlainDisplaceMs ago, is told goodbye and closed to make room. True if one was.
   */
  private displaceQuiet(): boolean {
    const { options, room, notices } = this.context;
    if (options.idlePlainDisplaceMs === false) return false;
    const now = Date.now();
    for (const [conn, since] of this.quietPlain) {
      if (conn.isClosed || conn.socket.bytesRead > since.bytesRead) {
        this.quietPlain.delete(conn); // it typed (or left): never displaced
        continue;
      }
      if (now - since.at < options.idlePlainDisplaceMs) return false; // the ones after it joined later still
      this.quietPlain.delete(conn);
      this.displacing.add(conn);
      diagnoseConn(conn, 'displaced for a newcomer: the server is full, quiet since joining');
      const quiet = formatDuration(now - since.at);
      notices.log(
        'info',
        `Closed ${who(conn)} to make room for a newcomer: the server is full and it had typed nothing since joining ${quiet} ago.`,
      );
      conn.close('displaced', plainBytes(DISPLACED_GOODBYE));
      room.leave(conn, `${conn.peer?.name} left (the server was full and they had typed nothing since joining).`);
      return true;
    }
    return false;
  }
}

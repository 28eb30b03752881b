// One TCP connection from ChatClient to a server: connect, tell native from plain text by the first bytes, upgrade
// to TLS when the greeting offers it or the room's fingerprint is on record (tls/trust.ts checks the certificate),
// handshake (preamble, Challenge → Hello with the HMAC proof, Welcome; its decisions are in handshake.ts),
// heartbeat, and a goodbye. The room state (who I am, roster, queue) lives in ChatClient; a reconnect makes a
// fresh ServerConnection.
import { connect as netConnect, type Socket } from 'node:net';
import type { ResolvedClientOptions } from '../options';
import { hostPort } from '../../core/address';
import {
  closedBeforeJoining,
  describeConnectError,
  disconnected,
  handshakeTimedOut,
  notATcpChatRoom,
  unreadableData,
  type Ending,
} from './connectErrors';
import { diagnose, diagnosticsEnabled } from '../../core/diagnostics';
import type { NoticeLevel, Peer } from '../../core/events';
import { ChatError, errorCodeFromWire } from '../../core/errors';
import { escapeControl } from '../../core/format';
import { FrameWriter } from '../../wire/frameWriter';
import { ImageAckCounter } from '../../wire/imageAcks';
import { PlainServerLink } from './plainServerLink';
import { encodeFrame, FrameDecoder, ProtocolError } from '../../wire/codec';
import {
  FrameType,
  HARD_MAX_FRAME_BYTES,
  type ChallengeBody,
  type Frame,
  type UnknownFrame,
  type WelcomeBody,
} from '../../wire/frames';
import { CLIENT_PREAMBLE } from '../../wire/handshake';
import { classifyGreeting, helloFor, NO_RETRY, versionMismatch, type ResumeTicket } from './handshake';
import { formatBytes, formatDuration } from '../../core/units';
import { pinnedFingerprint, secureConnection } from '../../tls/trust';
import { tunnelBinding } from '../../tls/tunnel';
import { ConnectionRoster } from '../rosterState';

export type Joined = { kind: 'native'; room: string; welcome: WelcomeBody } | { kind: 'plain'; self: Peer };

/** Why a connection that had joined ended: a sentence, and whether reconnecting makes sense. */
export interface Lost {
  text: string;
  error: boolean;
  final: boolean;
}

export interface ConnectionHooks {
  handshaking(): void;
  /** Called synchronously, before any later frame or line is delivered. */
  joined(joined: Joined): void;
  /** Native frames after the Welcome (heartbeat and Bye are handled here). */
  frame(frame: Frame): void;
  /** A line from a plain-text server, with the sender it names. */
  line(from: Peer, text: string): void;
  notice(level: NoticeLevel, text: string, code?: string): void;
  /** The connection ended after joining, not because we closed it. */
  lost(lost: Lost): void;
}

export class ServerConnection {
  /** The TCP socket, or the TLS socket on it once encrypted. */
  socket!: Socket;
  writer!: FrameWriter;
  /** Image bytes the server sent us, to acknowledge (we announce acks in Hello). */
  readonly imageAcks = new ImageAckCounter();
  /** The roster as this connection's Roster and RosterDelta frames built it. */
  private readonly roster = new ConnectionRoster();
  private currentMode: 'detecting' | 'native' | 'plain' = 'detecting';
  private head = Buffer.alloc(0);
  private decoder: FrameDecoder | undefined;
  private plain: PlainServerLink | undefined;
  private serverChallenge: ChallengeBody | undefined;
  private settle: { resolve: () => void; reject: (error: ChatError) => void } | undefined;
  private readonly ready: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private missedPongs = 0;
  private lastError: NodeJS.ErrnoException | undefined;
  private goodbye: string | undefined;
  private fatal: ChatError | undefined;
  private ending = false;
  private room = '';
  private readonly where: string;
  private tlsFingerprint: string | undefined;
  private readonly onSocketData = (chunk: Buffer) => this.onData(chunk);
  private readonly onSocketClose = () => this.onClose();

  constructor(
    private readonly options: ResolvedClientOptions,
    /** The name to ask for in Hello (the last one the server gave us, after a reconnect). */
    private readonly name: string,
    private readonly maxQueuedBytes: number,
    private readonly hooks: ConnectionHooks,
    /** After a lost connection: the way back to the same seat (Hello.resume). */
    private readonly resume?: ResumeTicket,
  ) {
    const { host, port, connectTimeoutMs } = options;
    this.where = hostPort(host, port);
    this.ready = new Promise<void>((resolve, reject) => {
      const done = () => {
        this.settle = undefined;
        clearTimeout(this.timer);
      };
      this.settle = {
        resolve: () => (done(), resolve()),
        reject: (error) => {
          done();
          diagnose('client', `not let into ${this.where}: ${error.code} (${escapeControl(error.message)})`);
          this.socket.destroy();
          reject(error);
        },
      };
    });
    diagnose('client', `connecting to ${this.where}`);
    const socket = netConnect({ host, port });
    this.attach(socket);
    const timedOut = () =>
      describeConnectError({ name: '', message: '', code: 'ETIMEDOUT' }, host, port, connectTimeoutMs);
    this.timer = setTimeout(() => this.settle?.reject(timedOut()), connectTimeoutMs);
    socket.once('connect', () => this.onConnect());
  }

  /** Reads, writes and watches `socket` (the TCP one, then the TLS one on it). */
  private attach(socket: Socket): void {
    this.writer?.dispose();
    this.socket = socket;
    this.writer = new FrameWriter(socket, {
      maxPendingBytes: this.maxQueuedBytes + HARD_MAX_FRAME_BYTES,
      onOverflow: (pending) =>
        this.drop(
          `${formatBytes(pending)} could not be sent to ${this.where} (it stopped reading); dropping the connection.`,
          'output-cap',
        ),
    });
    socket.on('data', this.onSocketData);
    socket.on('error', (error: NodeJS.ErrnoException) => (this.lastError = error));
    socket.on('close', this.onSocketClose);
  }

  /** Resolves once in the room (hooks.joined has run); rejects with a ChatError a user can read. */
  joinedRoom(): Promise<void> {
    return this.ready;
  }

  get mode(): 'detecting' | 'native' | 'plain' {
    return this.currentMode;
  }
  get challenge(): ChallengeBody | undefined {
    return this.serverChallenge;
  }
  /** The room certificate's fingerprint once the connection runs inside TLS; undefined: not encrypted. */
  get fingerprint(): string | undefined {
    return this.tlsFingerprint;
  }
  /** In the room, not closing, socket open. */
  get usable(): boolean {
    return !this.settle && !this.ending && !this.socket.destroyed;
  }

  send(frame: Frame): void {
    this.writer.urgent(encodeFrame(frame));
  }

  /** One text as lines to a plain-text server. */
  sendLines(text: string): void {
    this.plain?.sendText(text);
  }

  /** Our goodbye: a joining attempt is abandoned; a joined one sends Bye after queued chunks, flushes, ends. */
  async end(reason: string): Promise<void> {
    this.ending = true;
    clearInterval(this.heartbeat);
    if (this.settle)
      return this.settle.reject(new ChatError('closed', 'The connection was closed before the chat started.'));
    if (this.socket.destroyed) return;
    if (this.currentMode === 'native') this.writer.queue(encodeFrame({ type: FrameType.Bye, body: { reason } }));
    await this.writer.flushed(5000);
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = setTimeout(() => this.socket.destroy(), 2000);
      this.socket.once('close', () => (clearTimeout(timer), resolve()));
      this.socket.end();
    });
  }

  private onConnect(): void {
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 15_000);
    this.hooks.handshaking();
    clearTimeout(this.timer);
    // A room with a fingerprint on record is spoken to in TLS at once: it must not answer unencrypted.
    if (this.options.tls && pinnedFingerprint(this.where, this.options.tls)) return this.upgrade();
    this.awaitGreeting();
  }

  private awaitGreeting(): void {
    // Plain-text servers (ncat --chat, the classic broadcast room) often say nothing at all: silence means plain text.
    // Not with a password, though: that user expects a TCP Chat room, and a busy one may greet late — so wait for the
    // greeting as long as for the handshake, and never fall back to plain text (no silent downgrade).
    diagnose('client', `connected to ${this.where}; waiting for its greeting`);
    const { password, greetingTimeoutMs, connectTimeoutMs } = this.options;
    this.timer = password
      ? setTimeout(
          () => this.refusePlain(`it sent no greeting within ${formatDuration(connectTimeoutMs)}`),
          connectTimeoutMs,
        )
      : setTimeout(() => this.startPlain('no greeting'), greetingTimeoutMs);
  }

  /** A password was given but the server does not speak TCP Chat: refuse rather than chat in plain text. */
  private refusePlain(why: string): void {
    if (this.currentMode !== 'detecting' || !this.settle) return;
    clearTimeout(this.timer);
    diagnose('client', `${this.where} is not a TCP Chat room (${why}); not chatting in plain text with a password`);
    this.settle.reject(notATcpChatRoom(this.where, why));
  }

  private onData(chunk: Buffer): void {
    this.missedPongs = 0; // any bytes prove the server is alive
    if (this.currentMode === 'native') return this.onFrameBytes(chunk);
    if (this.currentMode === 'plain') return this.plain!.push(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const verdict = classifyGreeting(this.head);
    if (verdict.kind === 'plain') {
      const why = 'its first line is not a TCP Chat greeting';
      return this.options.password ? this.refusePlain(why) : this.startPlain(why);
    }
    if (verdict.kind === 'undecided') return;
    clearTimeout(this.timer);
    diagnose(
      'client',
      `${this.where} is a TCP Chat server (protocol ${verdict.version}, room "${escapeControl(verdict.room)}")`,
    );
    const mismatch = versionMismatch(verdict.version);
    if (mismatch) return this.settle?.reject(mismatch);
    if (verdict.tls && this.options.tls && !this.tlsFingerprint) return this.upgrade();
    this.currentMode = 'native';
    this.head = Buffer.alloc(0);
    this.room = verdict.room;
    this.decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES, { keepImageSlices: true });
    this.writer.urgent(CLIENT_PREAMBLE);
    const timeout = this.options.connectTimeoutMs;
    this.timer = setTimeout(() => this.settle?.reject(handshakeTimedOut(this.where, timeout)), timeout);
    if (verdict.rest.length > 0) this.onFrameBytes(verdict.rest);
  }

  /** The greeting offers TLS, or the room's fingerprint is on record: everything from here runs inside TLS. */
  private upgrade(): void {
    clearTimeout(this.timer);
    const raw = this.socket;
    raw.off('data', this.onSocketData);
    raw.off('close', this.onSocketClose);
    this.head = Buffer.alloc(0);
    diagnose('client', `${this.where}: starting TLS`);
    secureConnection(raw, this.where, this.options.tls || {}, this.options.connectTimeoutMs).then(
      ({ socket, fingerprint }) => {
        if (!this.settle) return void socket.destroy(); // given up meanwhile
        diagnose('client', `${this.where}: encrypted, certificate ${fingerprint}`);
        this.tlsFingerprint = fingerprint;
        this.attach(socket);
        this.awaitGreeting();
      },
      (error: ChatError) => this.settle?.reject(error),
    );
  }

  /** No greeting (in time) or another first line: a plain-text server. What it sent so far becomes messages. */
  private startPlain(why: string): void {
    if (this.currentMode !== 'detecting' || !this.settle) return;
    clearTimeout(this.timer);
    this.currentMode = 'plain';
    diagnose('client', `${this.where} is a plain-text server (${why}); chatting as ${escapeControl(this.name)}`);
    this.plain = new PlainServerLink(this.socket, this.where, this.name, this.options.plainPauseMs, {
      message: (from, text) => this.hooks.line(from, text),
      notice: (text) => this.hooks.notice('system', text),
    });
    this.hooks.joined({ kind: 'plain', self: this.plain.self });
    this.settle.resolve();
    const head = this.head;
    this.head = Buffer.alloc(0);
    if (head.length > 0) this.plain.push(head);
  }

  private onFrameBytes(chunk: Buffer): void {
    let frames: Array<Frame | UnknownFrame>;
    try {
      frames = this.decoder!.push(chunk);
    } catch (error) {
      const detail = error instanceof ProtocolError ? error.message : String(error);
      const problem = unreadableData(detail);
      diagnose('client', `bad-frame from ${this.where}: ${escapeControl(detail)}`);
      if (this.settle) return this.settle.reject(problem);
      return this.drop(problem.message, problem.code);
    }
    for (const frame of frames) {
      if (this.socket.destroyed) return;
      if (frame.type !== 'unknown') this.onFrame(frame);
      // Unknown types are skipped (forward compatible); a hostile server could send many, so the line is cheap.
      else if (diagnosticsEnabled())
        diagnose('client', `skipped a frame of unknown type ${frame.code} from ${this.where}`);
    }
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case FrameType.Challenge:
        return this.answerChallenge(frame.body);
      case FrameType.Welcome:
        if (!this.settle) return this.hooks.frame(frame);
        diagnose(
          'client',
          `welcome to ${this.where} as ${escapeControl(frame.body.you.name)}${frame.body.position === null ? '' : `, #${frame.body.position} in line`}`,
        );
        this.hooks.joined({ kind: 'native', room: this.room, welcome: frame.body });
        this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
        this.heartbeat.unref();
        return this.settle.resolve();
      case FrameType.Error:
        if (frame.body.fatal) this.fatal = new ChatError(errorCodeFromWire(frame.body.code), frame.body.message);
        if (this.fatal) diagnose('client', `refused by ${this.where}: ${escapeControl(frame.body.code)}`);
        if (this.settle && this.fatal) return this.settle.reject(this.fatal);
        return this.hooks.frame(frame);
      case FrameType.Notice:
        // Removed by the host: the server closes next, and coming straight back would undo the host's decision.
        if (frame.body.code === 'kicked') this.fatal = new ChatError('kicked', frame.body.text);
        return this.hooks.frame(frame);
      case FrameType.Roster:
      case FrameType.RosterDelta: {
        const roster = this.roster.apply(frame);
        if (typeof roster === 'string') return this.drop(unreadableData(roster).message, 'protocol');
        if (!this.settle) this.hooks.frame({ type: FrameType.Roster, body: roster });
        return;
      }
      case FrameType.Ping:
        return this.send({ type: FrameType.Pong, payload: frame.payload });
      case FrameType.Pong:
        return; // already counted as a sign of life
      case FrameType.Bye:
        this.goodbye = frame.body.reason || 'goodbye';
        return diagnose('client', `${this.where} said goodbye: ${escapeControl(this.goodbye)}`);
      default:
        if (!this.settle) this.hooks.frame(frame);
    }
  }

  private answerChallenge(challenge: ChallengeBody): void {
    if (this.serverChallenge || !this.settle) return;
    this.serverChallenge = challenge;
    let hello;
    try {
      hello = helloFor(
        challenge,
        this.name,
        this.options.password,
        this.resume,
        tunnelBinding(this.socket, challenge.nonce),
      );
    } catch (error) {
      return this.settle.reject(error as ChatError);
    }
    // A server that acknowledges image bytes gets ours through the ack window, so our text is not stuck behind them.
    if (challenge.acks === true) this.writer.enableAckWindow();
    this.send({ type: FrameType.Hello, body: hello });
  }

  /** 2 intervals of silence after our Pings mean the server (or the path to it) is gone. */
  private beat(): void {
    if (this.missedPongs >= 2) {
      return this.drop(
        `${this.where} stopped answering (2 heartbeats without a reply); dropping the connection.`,
        'heartbeat',
      );
    }
    this.missedPongs++;
    this.send({ type: FrameType.Ping, payload: Buffer.alloc(0) });
  }

  /** We end a joined connection ourselves (limit hit, unreadable data, silence): say why, then close. */
  private drop(text: string, code: string): void {
    diagnose('client', `${code}: ${escapeControl(text)}`);
    this.hooks.notice('error', text, code);
    this.socket.destroy();
  }

  private onClose(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    this.writer.dispose();
    this.plain?.finish();
    const { host, port, connectTimeoutMs } = this.options;
    const socketError = this.lastError && describeConnectError(this.lastError, host, port, connectTimeoutMs);
    const ending: Ending = { fatal: this.fatal, goodbye: this.goodbye, socketError };
    if (this.settle) return this.settle.reject(closedBeforeJoining(this.where, ending));
    if (this.ending) return;
    const text = disconnected(this.where, ending);
    diagnose('client', `connection lost: ${escapeControl(text)}`);
    this.hooks.lost({
      text,
      error: Boolean(this.fatal || socketError),
      final: Boolean(this.fatal && NO_RETRY.has(this.fatal.code)),
    });
  }
}

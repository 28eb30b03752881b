// One TCP connection from ChatClient to a server: connect, tell native from plain text by the first bytes,
// handshake (preamble, Challenge → Hello with the HMAC proof, Welcome), heartbeat, and a goodbye. The room
// state (who I am, roster, queue) lives in ChatClient; a reconnect makes a fresh ServerConnection.
import { connect as netConnect, type Socket } from 'node:net';
import type { ResolvedClientOptions } from './options';
import { hostPort } from '../core/address';
import { describeConnectError } from './connectErrors';
import type { NoticeLevel, Peer } from '../core/events';
import { ChatError, errorCodeFromWire } from '../core/errors';
import { FrameWriter } from '../wire/frameWriter';
import { ImageAckCounter } from '../wire/imageAcks';
import { PlainServerLink } from './plainServerLink';
import { encodeFrame, FrameDecoder, ProtocolError } from '../wire/codec';
import {
  FrameType,
  HARD_MAX_FRAME_BYTES,
  type ChallengeBody,
  type Frame,
  type UnknownFrame,
  type WelcomeBody,
} from '../wire/frames';
import { authProof, CLIENT_PREAMBLE, PROTOCOL_VERSION } from '../wire/handshake';
import { classifyGreeting } from './serverKind';
import { formatBytes, formatDuration } from '../core/units';

/** Errors after which trying again cannot help, so reconnecting stops. */
export const NO_RETRY = new Set(['bad-password', 'password-required', 'version', 'bad-version', 'kicked']);
const CLIENT_ID = `tcp-chat-node/${PROTOCOL_VERSION}`;

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
  readonly socket: Socket;
  readonly writer: FrameWriter;
  /** Image bytes the server sent us, to acknowledge (we announce acks in Hello). */
  readonly imageAcks = new ImageAckCounter();
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

  constructor(
    private readonly options: ResolvedClientOptions,
    /** The name to ask for in Hello (the last one the server gave us, after a reconnect). */
    private readonly name: string,
    maxQueuedBytes: number,
    private readonly hooks: ConnectionHooks,
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
        reject: (error) => (done(), this.socket.destroy(), reject(error)),
      };
    });
    this.socket = netConnect({ host, port });
    this.writer = new FrameWriter(this.socket, {
      maxPendingBytes: maxQueuedBytes + HARD_MAX_FRAME_BYTES,
      onOverflow: (pending) => {
        hooks.notice(
          'error',
          `${formatBytes(pending)} could not be sent to ${this.where} (it stopped reading); dropping the connection.`,
          'output-cap',
        );
        this.socket.destroy();
      },
    });
    const timedOut = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
    this.timer = setTimeout(
      () => this.settle?.reject(describeConnectError(timedOut, host, port, connectTimeoutMs)),
      connectTimeoutMs,
    );
    this.socket.once('connect', () => this.onConnect());
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error: NodeJS.ErrnoException) => (this.lastError = error));
    this.socket.on('close', () => this.onClose());
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
    // Plain-text servers (ncat, seed 000) often say nothing at all: silence means plain text.
    this.timer = setTimeout(() => this.startPlain(), this.options.greetingTimeoutMs);
  }

  private onData(chunk: Buffer): void {
    this.missedPongs = 0; // any bytes prove the server is alive
    if (this.currentMode === 'native') return this.onFrameBytes(chunk);
    if (this.currentMode === 'plain') return this.plain!.push(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const verdict = classifyGreeting(this.head);
    if (verdict.kind === 'plain') return this.startPlain();
    if (verdict.kind === 'undecided') return;
    clearTimeout(this.timer);
    if (verdict.version !== PROTOCOL_VERSION) {
      const problem = `The server speaks TCP Chat protocol version ${verdict.version}; this client speaks version ${PROTOCOL_VERSION}. Update the older side.`;
      return this.settle?.reject(new ChatError('version', problem));
    }
    this.currentMode = 'native';
    this.head = Buffer.alloc(0);
    this.room = verdict.room;
    this.decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES);
    this.writer.urgent(CLIENT_PREAMBLE);
    const timeout = this.options.connectTimeoutMs;
    this.timer = setTimeout(() => {
      this.settle?.reject(
        new ChatError(
          'handshake-timeout',
          `${this.where} greeted us but did not let us in within ${formatDuration(timeout)}.`,
        ),
      );
    }, timeout);
    if (verdict.rest.length > 0) this.onFrameBytes(verdict.rest);
  }

  /** No greeting (in time) or another first line: a plain-text server. What it sent so far becomes messages. */
  private startPlain(): void {
    if (this.currentMode !== 'detecting' || !this.settle) return;
    clearTimeout(this.timer);
    this.currentMode = 'plain';
    const self: Peer = {
      id: 1,
      name: this.name,
      address: hostPort(this.socket.localAddress ?? '?', this.socket.localPort ?? 0),
      kind: 'plain',
    };
    this.plain = new PlainServerLink(this.socket, this.where, this.options.plainPauseMs, {
      message: (from, text) => this.hooks.line(from, text),
      notice: (text) => this.hooks.notice('system', text),
    });
    this.hooks.joined({ kind: 'plain', self });
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
      const problem = new ChatError(
        'protocol',
        `The server sent data this client cannot read (${detail.replace(/\.$/, '')}); disconnecting.`,
      );
      if (this.settle) return this.settle.reject(problem);
      this.hooks.notice('error', problem.message, problem.code);
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (this.socket.destroyed) return;
      if (frame.type !== 'unknown') this.onFrame(frame); // unknown types: skipped (forward compatible)
    }
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case FrameType.Challenge:
        return this.answerChallenge(frame.body);
      case FrameType.Welcome:
        if (!this.settle) return this.hooks.frame(frame);
        this.hooks.joined({ kind: 'native', room: this.room, welcome: frame.body });
        this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
        this.heartbeat.unref();
        return this.settle.resolve();
      case FrameType.Error:
        if (frame.body.fatal) this.fatal = new ChatError(errorCodeFromWire(frame.body.code), frame.body.message);
        if (this.settle && this.fatal) return this.settle.reject(this.fatal);
        return this.hooks.frame(frame);
      case FrameType.Notice:
        // Removed by the host: the server closes next, and coming straight back would undo the host's decision.
        if (frame.body.code === 'kicked') this.fatal = new ChatError('kicked', frame.body.text);
        return this.hooks.frame(frame);
      case FrameType.Ping:
        return this.send({ type: FrameType.Pong, payload: frame.payload });
      case FrameType.Pong:
        return; // already counted as a sign of life
      case FrameType.Bye:
        this.goodbye = frame.body.reason || 'goodbye';
        return;
      default:
        if (!this.settle) this.hooks.frame(frame);
    }
  }

  private answerChallenge(challenge: ChallengeBody): void {
    if (this.serverChallenge || !this.settle) return;
    this.serverChallenge = challenge;
    let proof: string | undefined;
    if (challenge.auth === 'hmac-sha256') {
      const password = this.options.password;
      if (!password)
        return this.settle.reject(
          new ChatError('password-required', `The room "${challenge.room}" needs a password; connect again with one.`),
        );
      proof = authProof(password, challenge.nonce);
    }
    // A server that acknowledges image bytes gets ours through the ack window, so our text is not stuck behind them.
    if (challenge.acks === true) this.writer.enableAckWindow();
    this.send({
      type: FrameType.Hello,
      body: { v: PROTOCOL_VERSION, name: this.name, client: CLIENT_ID, proof, acks: true },
    });
  }

  /** 2 intervals of silence after our Pings mean the server (or the path to it) is gone. */
  private beat(): void {
    if (this.missedPongs >= 2) {
      this.hooks.notice(
        'error',
        `${this.where} stopped answering (2 heartbeats without a reply); dropping the connection.`,
        'heartbeat',
      );
      this.socket.destroy();
      return;
    }
    this.missedPongs++;
    this.send({ type: FrameType.Ping, payload: Buffer.alloc(0) });
  }

  private onClose(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    this.writer.dispose();
    this.plain?.finish();
    const { host, port, connectTimeoutMs } = this.options;
    const socketError = this.lastError && describeConnectError(this.lastError, host, port, connectTimeoutMs);
    if (this.settle) {
      const early = `${this.where} closed the connection before letting us in${this.goodbye ? ` (${this.goodbye})` : ''}.`;
      return this.settle.reject(this.fatal ?? socketError ?? new ChatError('closed-early', early));
    }
    if (this.ending) return;
    const why =
      this.fatal?.message ??
      (this.goodbye
        ? `the server said: ${this.goodbye}`
        : (socketError?.message ?? 'the server closed the connection'));
    this.hooks.lost({
      text: `Disconnected from ${this.where} — ${why.replace(/\.$/, '')}.`,
      error: Boolean(this.fatal || socketError),
      final: Boolean(this.fatal && NO_RETRY.has(this.fatal.code)),
    });
  }
}

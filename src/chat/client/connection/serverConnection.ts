// One TCP connection from ChatClient to a server: connect, tell native from plain text by the first bytes, upgrade
// to TLS when the greeting offers it or the room's fingerprint is on record (tls/trust.ts checks the certificate),
// then hand the bytes to the server's kind: nativeServerLink.ts (the handshake, frames, heartbeat) or
// plainServerLink.ts (lines); and a goodbye. The room state (who I am, roster, queue) lives in ChatClient; a
// reconnect makes a fresh ServerConnection.
import { connect as netConnect, type Socket } from 'node:net';
import type { ResolvedClientOptions } from '../options';
import { hostPort } from '../../core/address';
import {
  closedBeforeJoining,
  describeConnectError,
  disconnected,
  handshakeTimedOut,
  notATcpChatRoom,
  type Ending,
} from './connectErrors';
import { diagnose } from '../../core/diagnostics';
import type { NoticeLevel, Peer } from '../../core/events';
import { ChatError } from '../../core/errors';
import { escapeControl } from '../../core/format';
import { FrameWriter } from '../../wire/frameWriter';
import { ImageAckCounter } from '../../wire/imageAcks';
import { NativeServerLink } from './nativeServerLink';
import { PlainServerLink } from './plainServerLink';
import { encodeFrame } from '../../wire/codec';
import { FrameType, HARD_MAX_FRAME_BYTES, type ChallengeBody, type Frame, type WelcomeBody } from '../../wire/frames';
import { CLIENT_PREAMBLE } from '../../wire/handshake';
import { classifyGreeting, NO_RETRY, versionMismatch, type ResumeTicket } from './handshake';
import { formatBytes, formatDuration } from '../../core/units';
import { pinnedFingerprint, secureConnection } from '../../tls/trust';

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
  private currentMode: 'detecting' | 'native' | 'plain' = 'detecting';
  private head = Buffer.alloc(0);
  private native: NativeServerLink | undefined;
  private plain: PlainServerLink | undefined;
  private settle: { resolve: () => void; reject: (error: ChatError) => void } | undefined;
  private readonly ready: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private lastError: NodeJS.ErrnoException | undefined;
  private ending = false;
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
    return this.native?.challenge;
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
    this.native?.stop();
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
    if (this.currentMode === 'native') return this.native!.push(chunk);
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
    const native = this.startNative(verdict.room);
    this.writer.urgent(CLIENT_PREAMBLE);
    const timeout = this.options.connectTimeoutMs;
    this.timer = setTimeout(() => this.settle?.reject(handshakeTimedOut(this.where, timeout)), timeout);
    if (verdict.rest.length > 0) native.push(verdict.rest);
  }

  /** A TCP Chat server greeted us (for `room`): its frames go to a NativeServerLink from here on. */
  private startNative(room: string): NativeServerLink {
    this.native = new NativeServerLink(
      {
        where: this.where,
        options: this.options,
        name: this.name,
        resume: this.resume,
        hooks: this.hooks,
        socket: () => this.socket,
        writer: () => this.writer,
        joining: () => this.settle !== undefined,
        joined: () => this.settle?.resolve(),
        refuse: (error) => this.settle?.reject(error),
        drop: (text, code) => this.drop(text, code),
      },
      room,
    );
    return this.native;
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

  /** We end a joined connection ourselves (limit hit, unreadable data, silence): say why, then close. */
  private drop(text: string, code: string): void {
    diagnose('client', `${code}: ${escapeControl(text)}`);
    this.hooks.notice('error', text, code);
    this.socket.destroy();
  }

  private onClose(): void {
    this.native?.stop();
    clearTimeout(this.timer);
    this.writer.dispose();
    this.plain?.finish();
    const { host, port, connectTimeoutMs } = this.options;
    const socketError = this.lastError && describeConnectError(this.lastError, host, port, connectTimeoutMs);
    const fatal = this.native?.fatal;
    const ending: Ending = { fatal, goodbye: this.native?.goodbye, socketError };
    if (this.settle) return this.settle.reject(closedBeforeJoining(this.where, ending));
    if (this.ending) return;
    const text = disconnected(this.where, ending);
    diagnose('client', `connection lost: ${escapeControl(text)}`);
    this.hooks.lost({
      text,
      error: Boolean(fatal || socketError),
      final: Boolean(fatal && NO_RETRY.has(fatal.code)),
    });
  }
}

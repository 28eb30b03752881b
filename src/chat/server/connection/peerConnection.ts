// One socket on the server: tells native from plain-text peers by their first bytes, turns bytes into frames or
// lines, and reports what arrived through PeerHandlers; its outgoing side is a PeerOutput (peerOutput.ts).
// The room's rules live elsewhere (chatServer.ts and its collaborators); this file only moves bytes.
import type { Socket } from 'node:net';
import type { Peer } from '../../core/events';
import type { FrameWriter } from '../../wire/frameWriter';
import { ImageAckCounter } from '../../wire/imageAcks';
import { encodeFrame, FrameDecoder, ProtocolError } from '../../wire/codec';
import { type Frame, type UnknownFrame } from '../../wire/frames';
import { CLIENT_PREAMBLE } from '../../wire/handshake';
import { LineSplitter } from '../../wire/plainText';
import { isEncrypted } from '../../tls/tunnel';
import { PeerOutput, type Outgoing } from './peerOutput';
import type { ResolvedServerOptions } from '../options';

export interface PeerHandlers {
  /** The preamble arrived: answer with a Challenge. */
  onNative(conn: PeerConnection): void;
  /** The first bytes were not our preamble. */
  onPlain(conn: PeerConnection): void;
  onFrame(conn: PeerConnection, frame: Frame): void;
  onLine(conn: PeerConnection, line: string): void;
  onOverlongLine(conn: PeerConnection, maxLineBytes: number): void;
  onProtocolError(conn: PeerConnection, error: ProtocolError): void;
  /** Output for this peer passed the cap: it stopped reading. */
  onOverflow(conn: PeerConnection, pendingBytes: number): void;
  /** Something in our own handling threw: report it, keep serving. */
  onInternalError(conn: PeerConnection, error: unknown): void;
  onClose(conn: PeerConnection): void;
}

/** The close reason of a peer dropped for not answering heartbeats. */
export const NO_ANSWER = 'stopped answering';

/** Heartbeats in a row without a byte from the peer after which it is considered gone. */
const SILENT_BEATS_LIMIT = 2;

/** Is the peer still there? Bytes heard since the last heartbeat, and how many heartbeats in a row were silent. */
export class Liveness {
  private heardSinceBeat = true;
  private silentBeats = 0;

  /** Something arrived from the peer (or we were not reading it, so its silence is not its fault). */
  heard(): void {
    this.heardSinceBeat = true;
  }

  /** A heartbeat passed: counts it as silent unless something was heard since the previous one. */
  beat(): void {
    this.silentBeats = this.heardSinceBeat ? 0 : this.silentBeats + 1;
    this.heardSinceBeat = false;
  }

  /** True once SILENT_BEATS_LIMIT heartbeats in a row went unanswered. */
  isSilent(): boolean {
    return this.silentBeats >= SILENT_BEATS_LIMIT;
  }
}

export class PeerConnection {
  private peerKind: 'unknown' | 'native' | 'plain' = 'unknown';
  private identity: Peer | undefined;
  private reasonForClosing: string | undefined;
  /** Image bytes this peer sent us, to acknowledge (ImageAck); the server acks every native client. */
  readonly imageAcks = new ImageAckCounter();
  /** Its Hello said it takes file offers and transfers (server/files/). */
  files = false;
  /** Heartbeat bookkeeping: any byte from the peer counts as an answer. */
  readonly liveness = new Liveness();
  /** Everything we send this peer (see peerOutput.ts). */
  readonly output: PeerOutput;
  private decoder: FrameDecoder | undefined;
  private splitter: LineSplitter | undefined;
  private detectBytes: Buffer | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private listenerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private socketFailed = false;
  /** The peer's Hello offered to apply roster deltas (rosterUpdates.ts). */
  rosterDeltas = false;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly address: string,
    private readonly options: ResolvedServerOptions,
    private readonly handlers: PeerHandlers,
  ) {
    this.output = new PeerOutput(socket, options.maxPendingOutputBytes, options.heartbeatIntervalMs, {
      isClosed: () => this.isClosed,
      overflow: (pending) => handlers.onOverflow(this, pending),
      resumed: () => this.liveness.heard(),
      guard: (fn) => this.guard(fn),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    socket.on('error', () => (this.socketFailed = true)); // 'close' follows; the reason is reported there
    socket.on('end', () => this.guard(() => this.onEnd()));
    socket.on('close', () => this.onSocketClose());
  }

  /** Not known until the first bytes arrive: our client's preamble (native) or anything else (plain text). */
  get kind(): 'unknown' | 'native' | 'plain' {
    return this.peerKind;
  }

  /** Set once the peer identified itself (Hello or name line) and joined the room or the queue. */
  get peer(): Peer | undefined {
    return this.identity;
  }

  /** Why we are closing it, for the "left" notice. */
  get closeReason(): string | undefined {
    return this.reasonForClosing;
  }

  /** Gone without a goodbye or a close of its side: no answer to heartbeats, or a socket error (a reset). */
  get lostAbruptly(): boolean {
    return (this.socketFailed && this.reasonForClosing === undefined) || this.reasonForClosing === NO_ANSWER;
  }

  /** The connection runs inside TLS. */
  get encrypted(): boolean {
    return isEncrypted(this.socket);
  }

  get isClosed(): boolean {
    return this.closed || this.socket.destroyed;
  }

  /** The outgoing side's writer (ack window, image acks from the peer). */
  get writer(): FrameWriter {
    return this.output.writer;
  }

  /** Starts the "identify yourself in time" clock; onTimeout runs if identified() is not called first. */
  startHandshakeTimer(ms: number, onTimeout: () => void): void {
    this.handshakeTimer = setTimeout(() => this.guard(onTimeout), ms);
    this.handshakeTimer.unref();
  }

  /** Still silent after `ms` (our client answers the greeting well before): a listening nc, seated then. */
  seatIfSilentAfter(ms: number): void {
    this.listenerTimer = setTimeout(() => this.guard(() => this.listenAsPlain()), ms);
    this.listenerTimer.unref();
  }

  /** Nothing arrived yet (listener pause or handshake deadline): a plain-text peer that only listens (nc). */
  listenAsPlain(): boolean {
    if (this.peerKind !== 'unknown' || this.detectBytes !== undefined || this.closed) return false;
    this.becomePlain(undefined);
    return true;
  }

  identified(peer: Peer): void {
    this.identity = peer;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  /** The room gave this peer a new (unique) name. */
  renamed(name: string): void {
    if (this.identity) this.identity = { ...this.identity, name };
  }

  /** `/away [reason]` (the cleaned reason, '' for none) or `/back` (undefined). */
  awayChanged(away: string | undefined): void {
    if (!this.identity) return;
    const { away: _old, ...peer } = this.identity;
    this.identity = away === undefined ? peer : { ...peer, away };
  }

  /** Urgent output (text, control): collected this turn, written at its end ahead of any queued image bytes. */
  write(bytes: Buffer | undefined): void {
    this.output.write(bytes);
  }

  sendFrame(frame: Frame): void {
    this.output.write(encodeFrame(frame));
  }

  /** The form of `out` this peer understands. */
  deliver(out: Outgoing): void {
    this.output.writePacked(this.peerKind === 'native' ? out.packedNative() : out.packedPlain());
  }

  /** Image bytes queued behind urgent output; past this peer's cap, `sender` is paused (peerOutput.ts). */
  queueBulk(bytes: Buffer, sender?: PeerConnection): void {
    this.output.queueBulk(bytes, sender?.output);
  }

  /** One ImageChunk frame (relayed, or the host's own image): header and shared bytes, queued like queueBulk. */
  queueImageChunk(header: Buffer, bytes: Buffer | readonly Buffer[], sender?: PeerConnection): void {
    this.output.queueImageChunk(header, bytes, sender?.output);
  }

  /** Says a last thing (if any), then closes; a peer that does not close its side in time is cut off. */
  close(reason: string, last?: Buffer): void {
    if (this.closed) return;
    this.reasonForClosing ??= reason;
    this.output.write(last);
    this.output.flushOutbox();
    this.closed = true;
    this.stopTimers();
    this.splitter?.dispose();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Closes at once (stalled reader, server shutdown timeout). */
  destroy(reason: string): void {
    this.reasonForClosing ??= reason;
    this.output.discard();
    this.closed = true;
    this.stopTimers();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.liveness.heard();
    if (this.closed) return;
    if (this.peerKind === 'native') return this.onNativeBytes(chunk);
    if (this.peerKind === 'plain') return this.splitter?.push(chunk);
    this.detect(chunk);
  }

  private detect(chunk: Buffer): void {
    const bytes = this.detectBytes ? Buffer.concat([this.detectBytes, chunk]) : chunk;
    this.detectBytes = undefined;
    const n = Math.min(bytes.length, CLIENT_PREAMBLE.length);
    if (bytes.subarray(0, n).equals(CLIENT_PREAMBLE.subarray(0, n))) {
      if (n === CLIENT_PREAMBLE.length) {
        this.peerKind = 'native';
        this.decoder = new FrameDecoder(this.options.maxFrameBytes, { keepImageSlices: true });
        this.handlers.onNative(this);
        const rest = bytes.subarray(n);
        if (rest.length > 0 && !this.closed) this.onNativeBytes(rest);
        return;
      }
      // Only a piece of the preamble so far: wait for the rest. A peer that never completes it (slowloris
      // dribbling "TCP…") is dropped by the handshake timeout like any peer that never identifies itself.
      this.detectBytes = Buffer.from(bytes);
      return;
    }
    this.becomePlain(bytes);
  }

  private becomePlain(bytes: Buffer | undefined): void {
    this.detectBytes = undefined;
    this.peerKind = 'plain';
    this.socket.setKeepAlive(true, this.options.heartbeatIntervalMs);
    this.splitter = new LineSplitter({
      pauseMs: this.options.plainPauseMs,
      pauseOnlyUntilNewline: true,
      maxLineBytes: this.options.maxLineBytes,
      onLine: (line) => this.guard(() => this.handlers.onLine(this, line)),
      onOverlong: (max) => this.guard(() => this.handlers.onOverlongLine(this, max)),
    });
    this.handlers.onPlain(this);
    if (bytes && !this.closed) this.splitter.push(bytes);
  }

  private onNativeBytes(chunk: Buffer): void {
    let frames: Array<Frame | UnknownFrame>;
    try {
      frames = (this.decoder as FrameDecoder).push(chunk);
    } catch (error) {
      if (error instanceof ProtocolError) return this.handlers.onProtocolError(this, error);
      throw error;
    }
    for (const frame of frames) {
      if (this.closed) return;
      if (frame.type === 'unknown') continue; // forward compatible: a newer peer's extra frames are skipped
      this.handlers.onFrame(this, frame);
    }
  }

  private onEnd(): void {
    // A plain peer that half-closes (nc -N, piped input) may still have a last line without a newline.
    if (this.peerKind === 'plain' && !this.closed) this.splitter?.flush();
    if (!this.closed) {
      this.reasonForClosing ??= 'left';
      this.output.flushOutbox();
      this.closed = true;
      this.stopTimers();
      this.socket.end();
    }
  }

  private onSocketClose(): void {
    this.closed = true;
    this.output.dispose();
    this.stopTimers();
    this.splitter?.dispose();
    this.guard(() => this.handlers.onClose(this));
  }

  private stopTimers(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    clearTimeout(this.listenerTimer);
  }

  /** No exception from handling one peer's bytes may escape into the event loop (it would kill the server). */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      try {
        this.handlers.onInternalError(this, error);
      } catch {
        // Reporting failed too; the socket is dropped below so the peer cannot loop us.
      }
      if (!this.socket.destroyed) this.socket.destroy();
    }
  }
}

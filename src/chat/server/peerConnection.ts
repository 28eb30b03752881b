// One socket on the server: tells native from plain-text peers by their first bytes, turns bytes into frames or
// lines, and owns the peer's outgoing side (a FrameWriter; one write per event-loop turn; image backpressure).
// Room logic lives in ChatServer; this file only moves bytes and reports what arrived through PeerHandlers.
import type { Socket } from 'node:net';
import type { Peer } from '../core/events';
import { FrameWriter } from '../wire/frameWriter';
import { ImageAckCounter } from '../wire/imageAcks';
import {
  CLIENT_PREAMBLE,
  encodeFrame,
  FrameDecoder,
  ProtocolError,
  type Frame,
  type UnknownFrame,
} from '../wire/protocol';
import { LineSplitter } from '../wire/plainText';
import type { RateLimiter } from './rateLimiter';
import type { ResolvedServerOptions } from './options';

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

/** A message or notice ready for both kinds of peer, each form built once however many peers get it. */
export class Outgoing {
  private native: Buffer | undefined;
  private plain: Buffer | undefined;
  constructor(
    private readonly makeFrame: () => Frame,
    private readonly makeLine: (() => Buffer) | undefined,
  ) {}
  forNative(): Buffer {
    return (this.native ??= encodeFrame(this.makeFrame()));
  }
  /** Undefined when plain-text peers get nothing for this (e.g. a roster frame). */
  forPlain(): Buffer | undefined {
    if (!this.makeLine) return undefined;
    return (this.plain ??= this.makeLine());
  }
}

/**
 * Peers with output collected during this turn of the event loop; all flushed right after the I/O phase
 * (setImmediate), each as ONE socket write of everything it got this turn. So the messages of every sender read
 * in one poll reach each recipient in one syscall — not one write (with its allocations) per message per
 * recipient, which is what dominates a busy room's CPU.
 */
const pendingFlush: PeerConnection[] = [];
function flushAll(): void {
  const batch = pendingFlush.splice(0);
  for (const conn of batch) conn.flushOutbox();
}
/** An outbox this big is written at once instead of at the end of the turn (bounds memory, lets the cap act). */
const OUTBOX_FLUSH_BYTES = 256 * 1024;

/**
 * Image backlog policy — recipients are isolated from each other and from the sender:
 * - Image chunks are encoded once and shared: a recipient's backlog is references to the same buffers the other
 *   recipients get, so a lagging recipient costs memory per image, not per copy. Each is fed as ITS socket drains.
 * - Under its output cap a recipient may lag as far as it likes; nobody waits for it (the sender's socket, which
 *   also carries the sender's text, keeps being read).
 * - Past its cap, the senders whose chunks it is queuing are paused (not read) until it is back under half the
 *   cap. This is the only reason a sender ever waits, and it is a memory bound: without it a slow reader behind a
 *   fast sender grows without limit, and the alternative — cutting it off at once — disconnects honest slow
 *   readers. The trade-off: while a recipient is over its cap (64 MiB by default), the senders it holds back,
 *   text included, wait for at most STALL_MS / HOLD_LIMIT_MS below before it is cut off.
 * - A recipient over its cap that drains nothing for STALL_MS, or is not back under half the cap within
 *   HOLD_LIMIT_MS, stopped reading (or cannot keep up at all): it is cut off with the output-cap notice.
 * Both limits are at most a third of a heartbeat, so a paused sender never looks dead to the heartbeat.
 */
const STALL_MS = 3000;
const HOLD_LIMIT_MS = 5000;

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
  kind: 'unknown' | 'native' | 'plain' = 'unknown';
  /** Set once the peer identified itself (Hello or name line) and joined the room or the queue. */
  peer: Peer | undefined;
  /** The nonce of the Challenge we sent (native only). */
  nonce = '';
  /** The place in line we last told this peer (null = has a seat). */
  toldPosition: number | null | undefined;
  /** Image bytes this peer sent us, to acknowledge (ImageAck); the server acks every native client. */
  readonly imageAcks = new ImageAckCounter();
  /** Heartbeat bookkeeping: any byte from the peer counts as an answer. */
  readonly liveness = new Liveness();
  rate: RateLimiter | undefined;
  /** Why we are closing it, for the "left" notice. */
  closeReason: string | undefined;
  /** The room already processed its leaving (kick, stall) before the socket finished closing. */
  departed = false;
  readonly writer: FrameWriter;
  private decoder: FrameDecoder | undefined;
  private splitter: LineSplitter | undefined;
  private detectBytes: Buffer | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  /** Senders not being read until my image backlog is back under half my cap, and the recipients I (as a sender) wait for. */
  private readonly heldSenders = new Set<PeerConnection>();
  private readonly holders = new Set<PeerConnection>();
  private holdTimer: NodeJS.Timeout | undefined;
  /** When my output went over the cap (undefined: under it), the last time my socket drained, and the watch. */
  private overCapSince: number | undefined;
  private lastDrainAt = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly stallMs: number;
  private readonly holdLimitMs: number;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly address: string,
    private readonly options: ResolvedServerOptions,
    private readonly handlers: PeerHandlers,
  ) {
    this.stallMs = Math.min(STALL_MS, options.heartbeatIntervalMs / 3);
    this.holdLimitMs = Math.min(HOLD_LIMIT_MS, options.heartbeatIntervalMs / 3);
    this.writer = new FrameWriter(socket, {
      maxPendingBytes: options.maxPendingOutputBytes,
      // Urgent output alone over the cap: cut at once. Image backlog over it: see overCap().
      capBulk: false,
      onOverflow: (pending) => this.guard(() => handlers.onOverflow(this, pending)),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    socket.on('error', () => undefined); // 'close' follows; the reason is reported there
    socket.on('end', () => this.guard(() => this.onEnd()));
    socket.on('close', () => this.onSocketClose());
  }

  get isClosed(): boolean {
    return this.closed || this.socket.destroyed;
  }

  /** Starts the "identify yourself in time" clock; onTimeout runs if identified() is not called first. */
  startHandshakeTimer(onTimeout: () => void): void {
    this.handshakeTimer = setTimeout(() => this.guard(onTimeout), this.options.handshakeTimeoutMs);
    this.handshakeTimer.unref();
  }

  identified(peer: Peer): void {
    this.peer = peer;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  /** Urgent output (text, control): collected this turn, written at its end ahead of any queued image bytes. */
  write(bytes: Buffer | undefined): void {
    if (!bytes || this.isClosed) return;
    if (this.outbox.length === 0) {
      if (pendingFlush.length === 0) setImmediate(flushAll);
      pendingFlush.push(this);
    }
    this.outbox.push(bytes);
    this.outboxBytes += bytes.length;
    if (this.outboxBytes >= OUTBOX_FLUSH_BYTES) this.flushOutbox();
  }

  /** Hands this turn's urgent output to the socket as one write (called by flushAll, or before bulk/close). */
  flushOutbox(): void {
    if (this.outbox.length === 0) return;
    const bytes = this.outbox.length === 1 ? this.outbox[0] : Buffer.concat(this.outbox, this.outboxBytes);
    this.outbox = [];
    this.outboxBytes = 0;
    if (!this.socket.destroyed) this.writer.urgent(bytes);
  }

  sendFrame(frame: Frame): void {
    this.write(encodeFrame(frame));
  }

  /** The form of `out` this peer understands. */
  deliver(out: Outgoing): void {
    this.write(this.kind === 'native' ? out.forNative() : out.forPlain());
  }

  /**
   * Image bytes (shared buffers, never copied per recipient): queued behind urgent traffic, sent as this peer's
   * socket drains. Only past this peer's output cap is the `sender` paused (see the policy above).
   */
  queueBulk(bytes: Buffer, sender?: PeerConnection): void {
    if (this.isClosed) return;
    this.flushOutbox(); // an image's header (urgent) must reach the socket before its first chunk
    this.writer.queue(bytes);
    this.checkBacklog(sender);
  }

  /** One ImageChunk frame (relayed, or the host's own image): header and shared bytes as one frame (see queueBulk). */
  queueImageChunk(header: Buffer, bytes: Buffer, sender?: PeerConnection): void {
    if (this.isClosed) return;
    this.flushOutbox();
    this.writer.queueChunk(header, bytes);
    this.checkBacklog(sender);
  }

  private checkBacklog(sender: PeerConnection | undefined): void {
    if (this.writer.pendingBytes <= this.options.maxPendingOutputBytes) return;
    if (this.overCapSince === undefined) this.overCap();
    if (sender && sender !== this && !this.heldSenders.has(sender) && !sender.isClosed) {
      this.heldSenders.add(sender);
      sender.holdFor(this);
    }
  }

  private overCap(): void {
    this.overCapSince = Date.now();
    this.socket.on('drain', this.onDrainWhileOver);
    this.watchStall();
  }

  private readonly onDrainWhileOver = () => {
    this.lastDrainAt = Date.now();
    if (this.writer.pendingBytes <= this.options.maxPendingOutputBytes / 2) this.underCap();
  };

  /** Back under half the cap: the senders I held go on, the stall watch stops. */
  private underCap(): void {
    this.overCapSince = undefined;
    this.socket.off('drain', this.onDrainWhileOver);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.releaseSenders();
  }

  private watchStall(): void {
    const since = this.overCapSince;
    if (since === undefined || this.isClosed) return;
    const now = Date.now();
    const quietFor = now - Math.max(since, this.lastDrainAt);
    const overFor = now - since;
    if (quietFor >= this.stallMs || overFor >= this.holdLimitMs) {
      // Stopped reading (or far too slow to ever catch up): the output-cap path cuts it off.
      this.underCap();
      this.guard(() => this.handlers.onOverflow(this, this.writer.pendingBytes));
      return;
    }
    const wait = Math.max(1, Math.min(this.stallMs - quietFor, this.holdLimitMs - overFor));
    this.stallTimer = setTimeout(() => this.guard(() => this.watchStall()), wait);
    this.stallTimer.unref();
  }

  private releaseSenders(): void {
    for (const sender of this.heldSenders) sender.letGo(this);
    this.heldSenders.clear();
  }

  /** Stop reading this (sending) peer until `recipient` is back under its cap — bounded, see the policy above. */
  private holdFor(recipient: PeerConnection): void {
    if (this.holders.size === 0) {
      this.socket.pause();
      // A safety net: each holder is cut or lets go within its hold limit; this bounds a chain of holders.
      this.holdTimer = setTimeout(() => this.resumeReading(), this.holdLimitMs);
      this.holdTimer.unref();
    }
    this.holders.add(recipient);
  }

  private letGo(recipient: PeerConnection): void {
    if (this.holders.delete(recipient) && this.holders.size === 0) this.resumeReading();
  }

  private resumeReading(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.holders.clear();
    // We were not listening: silence while held is ours, not the peer's (its heartbeat replies wait in the kernel).
    this.liveness.heard();
    if (!this.socket.destroyed) this.socket.resume();
  }

  /** Says a last thing (if any), then closes; a peer that does not close its side in time is cut off. */
  close(reason: string, last?: Buffer): void {
    if (this.closed) return;
    this.closeReason ??= reason;
    this.write(last);
    this.flushOutbox();
    this.closed = true;
    this.stopTimers();
    this.splitter?.dispose();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Closes at once (stalled reader, server shutdown timeout). */
  destroy(reason: string): void {
    this.closeReason ??= reason;
    this.outbox = [];
    this.outboxBytes = 0;
    this.closed = true;
    this.stopTimers();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.liveness.heard();
    if (this.closed) return;
    if (this.kind === 'native') return this.onNativeBytes(chunk);
    if (this.kind === 'plain') return this.splitter?.push(chunk);
    this.detect(chunk);
  }

  private detect(chunk: Buffer): void {
    const bytes = this.detectBytes ? Buffer.concat([this.detectBytes, chunk]) : chunk;
    this.detectBytes = undefined;
    const n = Math.min(bytes.length, CLIENT_PREAMBLE.length);
    if (bytes.subarray(0, n).equals(CLIENT_PREAMBLE.subarray(0, n))) {
      if (n === CLIENT_PREAMBLE.length) {
        this.kind = 'native';
        this.decoder = new FrameDecoder(this.options.maxFrameBytes);
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
    this.kind = 'plain';
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
    if (this.kind === 'plain' && !this.closed) this.splitter?.flush();
    if (!this.closed) {
      this.closeReason ??= 'left';
      this.flushOutbox();
      this.closed = true;
      this.stopTimers();
      this.socket.end();
    }
  }

  private onSocketClose(): void {
    this.closed = true;
    this.underCap();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.stopTimers();
    this.splitter?.dispose();
    this.writer.dispose();
    this.guard(() => this.handlers.onClose(this));
  }

  private stopTimers(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
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

// What the server sends one peer: urgent output (text, control) collected during a turn of the event loop and
// written as one socket write, image bytes queued behind it, and the image backlog policy below — which may
// pause reading a sender whose images a slow recipient cannot take in.
import type { Socket } from 'node:net';
import { FrameWriter } from '../../wire/frameWriter';
import { encodeFrame } from '../../wire/codec';
import { type Frame } from '../../wire/frames';
import { OutputSlab, Packed } from './outputSlab';

/** Where every Outgoing's bytes are packed, one slab per form (outputSlab.ts). */
const nativeSlab = new OutputSlab();
const plainSlab = new OutputSlab();

/** A message or notice ready for both kinds of peer, each form built once however many peers get it. */
export class Outgoing {
  private native: Packed | undefined;
  private plain: Packed | null | undefined;
  constructor(
    private readonly makeFrame: () => Frame,
    private readonly makeLine: (() => Buffer | string) | undefined,
  ) {}
  forNative(): Buffer {
    return this.packedNative().bytes;
  }
  /** Undefined when plain-text peers get nothing for this (e.g. a roster frame). */
  forPlain(): Buffer | undefined {
    return this.packedPlain()?.bytes;
  }
  packedNative(): Packed {
    return (this.native ??= nativeSlab.pack(encodeFrame(this.makeFrame())));
  }
  packedPlain(): Packed | undefined {
    if (this.plain === undefined) this.plain = this.makeLine ? plainSlab.pack(this.makeLine()) : null;
    return this.plain ?? undefined;
  }
}

/**
 * Peers with output collected during this turn of the event loop; all flushed right after the I/O phase
 * (setImmediate), each as ONE socket write of everything it got this turn. So the messages of every sender read
 * in one poll reach each recipient in one syscall — not one write (with its allocations) per message per
 * recipient, which is what dominates a busy room's CPU.
 */
const pendingFlush: PeerOutput[] = [];
function flushAll(): void {
  const batch = pendingFlush.splice(0);
  for (const output of batch) output.flushOutbox();
}
/** An outbox this big is written at once instead of at the end of the turn (bounds memory, lets the cap act). */
const OUTBOX_FLUSH_BYTES = 256 * 1024;
/** A turn's output up to this is copied into one buffer for its write; more goes out as its parts (writev). */
const CONCAT_BYTES = 16 * 1024;

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

/** What PeerOutput needs from its connection. */
export interface PeerOutputHooks {
  /** Closing or closed: nothing more is written. */
  isClosed(): boolean;
  /** Output passed the cap: the peer stopped reading (or cannot keep up). */
  overflow(pendingBytes: number): void;
  /** Reading this peer resumed after a hold: its silence meanwhile was ours (see Liveness). */
  resumed(): void;
  /** Runs `fn` so that nothing it throws escapes into the event loop. */
  guard(fn: () => void): void;
}

export class PeerOutput {
  readonly writer: FrameWriter;
  private outbox: Buffer[] = [];
  /** The last bytes written this turn and how far they extend: messages that follow it in memory join it. */
  private run: Packed | undefined;
  private runEnd = 0;
  private outboxBytes = 0;
  /** Senders not being read until my image backlog is back under half my cap, and the recipients I (as a sender) wait for. */
  private readonly heldSenders = new Set<PeerOutput>();
  private readonly holders = new Set<PeerOutput>();
  private holdTimer: NodeJS.Timeout | undefined;
  /** When my output went over the cap (undefined: under it), the last time my socket drained, and the watch. */
  private overCapSince: number | undefined;
  private lastDrainAt = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly stallMs: number;
  private readonly holdLimitMs: number;

  constructor(
    private readonly socket: Socket,
    private readonly maxPendingBytes: number,
    heartbeatIntervalMs: number,
    private readonly hooks: PeerOutputHooks,
  ) {
    this.stallMs = Math.min(STALL_MS, heartbeatIntervalMs / 3);
    this.holdLimitMs = Math.min(HOLD_LIMIT_MS, heartbeatIntervalMs / 3);
    this.writer = new FrameWriter(socket, {
      maxPendingBytes,
      // Urgent output alone over the cap: cut at once. Image backlog over it: see overCap().
      capBulk: false,
      onOverflow: (pending) => hooks.guard(() => hooks.overflow(pending)),
    });
  }

  /** Urgent output (text, control): collected this turn, written at its end ahead of any queued image bytes. */
  write(bytes: Buffer | undefined): void {
    if (bytes) this.writePacked(new Packed(bytes, 0, bytes.length));
  }

  /** Like write(); the room's messages of a turn lie side by side in a slab, so a run of them grows without a copy. */
  writePacked(packed: Packed | undefined): void {
    if (!packed) return;
    const run = this.run;
    if (run === undefined && this.outbox.length === 0) {
      // Checked when a turn's output starts only: closing flushes (or discards) the outbox, so any write after it
      // starts afresh and is dropped here; a socket destroyed meanwhile is checked at the flush.
      if (this.hooks.isClosed()) return;
      if (pendingFlush.length === 0) setImmediate(flushAll);
      pendingFlush.push(this);
    }
    this.outboxBytes += packed.end - packed.start;
    // Bytes right after the run in the same memory extend it (only a slab can have any: an own buffer is whole).
    if (run !== undefined && packed.memory === run.memory && packed.start === this.runEnd) {
      this.runEnd = packed.end;
    } else {
      this.endRun();
      this.run = packed;
      this.runEnd = packed.end;
    }
    if (this.outboxBytes >= OUTBOX_FLUSH_BYTES) this.flushOutbox();
  }

  private endRun(): void {
    if (this.run === undefined) return;
    this.outbox.push(this.run.through(this.runEnd));
    this.run = undefined;
  }

  /** Hands this turn's urgent output to the socket as one write (called by flushAll, or before bulk/close). */
  flushOutbox(): void {
    this.endRun();
    if (this.outbox.length === 0) return;
    const parts = this.outbox;
    const total = this.outboxBytes;
    this.outbox = [];
    this.outboxBytes = 0;
    if (this.socket.destroyed) return;
    // A socket that is backed up keeps what it is given until the peer reads: a copy of the bytes, then, not
    // views that would keep whole slabs (and every other message in them) alive for a reader that stopped.
    if (this.socket.writableLength > 0) this.writer.urgent(Buffer.concat(parts, total));
    else if (parts.length === 1) this.writer.urgent(parts[0]);
    else if (total <= CONCAT_BYTES) this.writer.urgent(Buffer.concat(parts, total));
    else {
      // Big runs (a busy turn): handed over as they are, in one writev, rather than copied together first.
      this.socket.cork();
      for (const part of parts) this.writer.urgent(part);
      this.socket.uncork();
    }
  }

  /** Forgets this turn's unwritten urgent output (the connection is cut off at once). */
  discard(): void {
    this.outbox = [];
    this.run = undefined;
    this.outboxBytes = 0;
  }

  /**
   * Image bytes (shared buffers, never copied per recipient): queued behind urgent traffic, sent as this peer's
   * socket drains. Only past this peer's output cap is the `sender` paused (see the policy above).
   */
  queueBulk(bytes: Buffer, sender?: PeerOutput): void {
    if (this.hooks.isClosed()) return;
    this.flushOutbox(); // an image's header (urgent) must reach the socket before its first chunk
    this.writer.queue(bytes);
    this.checkBacklog(sender);
  }

  /** One ImageChunk frame (relayed, or the host's own image): header and shared bytes as one frame (see queueBulk). */
  queueImageChunk(header: Buffer, bytes: Buffer | readonly Buffer[], sender?: PeerOutput): void {
    if (this.hooks.isClosed()) return;
    this.flushOutbox();
    this.writer.queueChunk(header, bytes);
    this.checkBacklog(sender);
  }

  /** The socket closed: held senders go on, timers stop. */
  dispose(): void {
    this.underCap();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.writer.dispose();
  }

  private checkBacklog(sender: PeerOutput | undefined): void {
    if (this.writer.pendingBytes <= this.maxPendingBytes) return;
    if (this.overCapSince === undefined) this.overCap();
    if (sender && sender !== this && !this.heldSenders.has(sender) && !sender.hooks.isClosed()) {
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
    if (this.writer.pendingBytes <= this.maxPendingBytes / 2) this.underCap();
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
    if (since === undefined || this.hooks.isClosed()) return;
    const now = Date.now();
    const quietFor = now - Math.max(since, this.lastDrainAt);
    const overFor = now - since;
    if (quietFor >= this.stallMs || overFor >= this.holdLimitMs) {
      // Stopped reading (or far too slow to ever catch up): the output-cap path cuts it off.
      this.underCap();
      this.hooks.guard(() => this.hooks.overflow(this.writer.pendingBytes));
      return;
    }
    const wait = Math.max(1, Math.min(this.stallMs - quietFor, this.holdLimitMs - overFor));
    this.stallTimer = setTimeout(() => this.hooks.guard(() => this.watchStall()), wait);
    this.stallTimer.unref();
  }

  private releaseSenders(): void {
    for (const sender of this.heldSenders) sender.letGo(this);
    this.heldSenders.clear();
  }

  /** Stop reading this (sending) peer until `recipient` is back under its cap — bounded, see the policy above. */
  private holdFor(recipient: PeerOutput): void {
    if (this.holders.size === 0) {
      this.socket.pause();
      // A safety net: each holder is cut or lets go within its hold limit; this bounds a chain of holders.
      this.holdTimer = setTimeout(() => this.resumeReading(), this.holdLimitMs);
      this.holdTimer.unref();
    }
    this.holders.add(recipient);
  }

  private letGo(recipient: PeerOutput): void {
    if (this.holders.delete(recipient) && this.holders.size === 0) this.resumeReading();
  }

  private resumeReading(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.holders.clear();
    this.hooks.resumed();
    if (!this.socket.destroyed) this.socket.resume();
  }
}

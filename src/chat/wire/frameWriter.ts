// Outgoing side of one socket, shared by ChatServer (one per peer) and ChatClient.
// Two lanes: urgent bytes (text, control, notices) are written at once; bulk bytes (image chunks) wait in a
// queue and are written only while the socket is not backed up. So a chat line never waits behind a 20 MB
// image, and one slow reader costs memory only up to `maxPendingBytes`, after which it is cut off (with capBulk
// off, the server's PeerConnection judges image backlog past the cap itself: slow reader or stopped).
// With enableAckWindow() (the peer announced it sends ImageAck), the bulk lane also stops while IMAGE_ACK_WINDOW
// image bytes are unacknowledged: the kernel's buffers then hold little of the image, and a text line written
// now is not stuck behind megabytes already handed to the socket (imageAcks.ts).
import type { Socket } from 'node:net';
import { IMAGE_ACK_WINDOW, MAX_TRACKED_REFS } from './imageAcks';

export interface FrameWriterOptions {
  /** Cap on bytes waiting for this peer (socket buffer + bulk queue). Over it, onOverflow() runs once. */
  maxPendingBytes: number;
  onOverflow: (pendingBytes: number) => void;
  /**
   * false: bulk bytes past the cap do not cut the peer off here; the owner decides (the server's PeerConnection
   * tells a slow reader from one that stopped). Urgent bytes alone over the cap still do. Default true.
   */
  capBulk?: boolean;
}

export class FrameWriter {
  private readonly bulk: Buffer[] = [];
  /** Image bytes each bulk entry carries (counted against the ack window); 0 for headers and other frames. */
  private readonly bulkImageBytes: number[] = [];
  /** true: the next entry is the rest of the same frame (a chunk's header, then its bytes) and follows at once. */
  private readonly bulkJoined: boolean[] = [];
  private bulkHead = 0;
  private bulkBytes = 0;
  private overflowed = false;
  private readonly capBulk: boolean;
  private readonly flushBulk = () => this.pump();
  /** Ack window: undefined = off (the peer sends no acks: the bulk lane is bounded by the socket alone). */
  private window: number | undefined;
  /** Image bytes written and acknowledged (wrapping u32 per ref is folded into plain totals). */
  private imageBytesWritten = 0;
  private imageBytesAcked = 0;
  /**
   * Last acknowledged count per ref (acks are cumulative per image, a refused image's too); bounded, least recently
   * acked dropped. A ref forgotten on one side makes its next ack count too much, which at worst opens the window
   * early (the total is clamped below).
   */
  private readonly ackedByRef = new Map<number, number>();
  private readonly ackWaiters = new Set<() => void>();
  private roomWaiters: { bytes: number; resolve: () => void }[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly options: FrameWriterOptions,
  ) {
    this.capBulk = options.capBulk ?? true;
    socket.on('drain', this.flushBulk);
  }

  /** Bytes accepted but not yet handed to the kernel. */
  get pendingBytes(): number {
    return this.socket.writableLength + this.bulkBytes;
  }

  /** Writes now, ahead of any queued bulk bytes. Returns false once the peer is over its cap (and cut off). */
  urgent(bytes: Buffer | string): boolean {
    if (this.overflowed || this.socket.destroyed) return false;
    this.socket.write(bytes);
    return this.checkCap(this.capBulk ? this.pendingBytes : this.socket.writableLength);
  }

  /** Image bytes written but not yet acknowledged (0 while the ack window is off). */
  get unackedImageBytes(): number {
    return this.window === undefined ? 0 : this.imageBytesWritten - this.imageBytesAcked;
  }

  /** The peer acknowledges image bytes: from now on at most `window` unacknowledged image bytes go on the wire. */
  enableAckWindow(window = IMAGE_ACK_WINDOW): void {
    this.window = window;
  }

  /** An ImageAck from the peer: `received` bytes of image `ref` so far (cumulative). Reopens the window. */
  ack(ref: number, received: number): void {
    if (this.window === undefined) return;
    const before = this.ackedByRef.get(ref) ?? 0;
    this.ackedByRef.delete(ref); // re-inserted last: the map's order is "least recently acked first"
    if (this.ackedByRef.size >= MAX_TRACKED_REFS) this.ackedByRef.delete(this.ackedByRef.keys().next().value as number);
    this.ackedByRef.set(ref, received);
    const delta = (received - before + 2 ** 32) % 2 ** 32;
    // A peer cannot acknowledge more than was written: a bogus ack at worst opens the window,
    // which is what a peer without acks gets anyway.
    this.imageBytesAcked = Math.min(this.imageBytesWritten, this.imageBytesAcked + delta);
    this.pump();
    for (const waiter of [...this.ackWaiters]) waiter();
  }

  /** A FileAck: file bytes count against the same window; their ids are kept apart from image refs. */
  ackFile(transfer: number, received: number): void {
    this.ack(FILE_ACK_KEY + transfer, received);
  }

  /** Resolves once fewer than `bytes` wait in the bulk lane (or the writer is disposed): a file reader's pace. */
  whenBulkBelow(bytes: number): Promise<void> {
    if (this.bulkBytes < bytes || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ bytes, resolve }));
  }

  /**
   * Queues bytes that may wait behind urgent traffic (an image message's header, a goodbye); they go out in order
   * with the image chunks. Image chunks themselves go through queueChunk(), which counts them against the window.
   */
  queue(bytes: Buffer): boolean {
    if (this.overflowed || this.socket.destroyed) return false;
    return this.enqueue(bytes, 0);
  }

  /**
   * Queues one ImageChunk frame as its header and its bytes — one buffer, or the slices a relayed chunk arrived in —
   * not copied together. They always go out back to back: an urgent write between them would split the frame.
   */
  queueChunk(header: Buffer, bytes: Buffer | readonly Buffer[]): boolean {
    if (this.overflowed || this.socket.destroyed) return false;
    const parts = Buffer.isBuffer(bytes) ? [bytes] : bytes;
    let imageBytes = 0;
    for (const part of parts) imageBytes += part.length;
    this.bulkBytes += header.length;
    this.bulk.push(header);
    this.bulkImageBytes.push(imageBytes);
    this.bulkJoined.push(true);
    for (let i = 0; i < parts.length - 1; i++) {
      this.bulkBytes += parts[i].length;
      this.bulk.push(parts[i]);
      this.bulkImageBytes.push(0);
      this.bulkJoined.push(true);
    }
    return this.enqueue(parts[parts.length - 1], 0);
  }

  private enqueue(bytes: Buffer, imageBytes: number): boolean {
    this.bulk.push(bytes);
    this.bulkImageBytes.push(imageBytes);
    this.bulkJoined.push(false);
    this.bulkBytes += bytes.length;
    if (this.capBulk && !this.checkCap(this.pendingBytes)) return false;
    this.pump();
    return true;
  }

  /** Drops queued bulk bytes (e.g. the peer left) and stops listening to the socket. */
  dispose(): void {
    this.socket.off('drain', this.flushBulk);
    this.bulk.length = 0;
    this.bulkImageBytes.length = 0;
    this.bulkJoined.length = 0;
    this.bulkHead = 0;
    this.bulkBytes = 0;
    for (const waiter of [...this.ackWaiters]) waiter();
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const due = this.roomWaiters.filter((w) => this.bulkBytes < w.bytes || this.socket.destroyed);
    if (due.length === 0) return;
    this.roomWaiters = this.roomWaiters.filter((w) => !due.includes(w));
    for (const waiter of due) waiter.resolve();
  }

  /** Resolves when everything queued has been handed to the kernel (for a clean goodbye or stdin end). */
  async flushed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pendingBytes > 0 && !this.socket.destroyed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        let settled = false;
        const done = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.socket.off('drain', done).off('close', done);
          this.ackWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
        this.socket.once('drain', done).once('close', done);
        this.ackWaiters.add(done);
        // Below highWaterMark no 'drain' is due; an empty write's callback runs once everything before it is out.
        // A closed window waits for the next ack instead (writing nothing would just spin).
        if (!this.socket.writableNeedDrain && !this.windowClosed()) this.socket.write(EMPTY, done);
      });
      this.pump();
    }
  }

  private windowClosed(): boolean {
    return (
      this.window !== undefined &&
      this.bulkHead < this.bulk.length &&
      this.bulkImageBytes[this.bulkHead] > 0 &&
      this.imageBytesWritten - this.imageBytesAcked >= this.window
    );
  }

  private pump(): void {
    if (this.bulkHead === this.bulk.length || this.socket.destroyed || this.socket.writableNeedDrain) return;
    // Up to BULK_WRITE_BYTES per turn, corked: a few chunks (headers and bytes) leave in one writev, and the next
    // batch waits for 'drain' (due: the batch passed the socket's high-water mark) — one round through Node's
    // stream machinery per batch rather than per chunk. Text never waits behind more image bytes than the ack
    // window lets out, whatever the batch.
    this.socket.cork();
    let joined = false;
    while (
      this.bulkHead < this.bulk.length &&
      (joined ||
        ((!this.socket.writableNeedDrain || this.socket.writableLength < BULK_WRITE_BYTES) && !this.windowClosed()))
    ) {
      const chunk = this.bulk[this.bulkHead];
      this.imageBytesWritten += this.bulkImageBytes[this.bulkHead];
      joined = this.bulkJoined[this.bulkHead];
      this.bulk[this.bulkHead++] = EMPTY;
      this.bulkBytes -= chunk.length;
      this.socket.write(chunk);
    }
    this.socket.uncork();
    if (this.bulkHead === this.bulk.length) {
      this.bulk.length = 0;
      this.bulkImageBytes.length = 0;
      this.bulkJoined.length = 0;
      this.bulkHead = 0;
    }
    this.wakeRoomWaiters();
  }

  private checkCap(counted: number): boolean {
    if (counted <= this.options.maxPendingBytes) return true;
    const pending = this.pendingBytes;
    this.overflowed = true;
    this.dispose();
    this.options.onOverflow(pending);
    return false;
  }
}

const EMPTY = Buffer.alloc(0);
/** Bulk bytes handed to the socket per turn (then it waits for 'drain'): four image chunks. */
export const BULK_WRITE_BYTES = 256 * 1024;
/** File transfer ids are tracked as this plus the id, so they never collide with an image's ref (both are u32). */
const FILE_ACK_KEY = 2 ** 32;

// Outgoing side of one socket, shared by ChatServer (one per peer) and ChatClient.
// Two lanes: urgent bytes (text, control, notices) are written at once; bulk bytes (image chunks) wait in a
// queue and are written only while the socket is not backed up. So a chat line never waits behind a 20 MB
// image, and one slow reader costs memory only up to `maxPendingBytes`, after which it is cut off (with capBulk
// off, the server's PeerConnection judges image backlog past the cap itself: slow reader or stopped).
import type { Socket } from 'node:net';

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
  private bulkHead = 0;
  private bulkBytes = 0;
  private overflowed = false;
  private readonly capBulk: boolean;
  private readonly flushBulk = () => this.pump();

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

  /** Queues bytes that may wait (image chunks); they go out in order as the socket drains. */
  queue(bytes: Buffer): boolean {
    if (this.overflowed || this.socket.destroyed) return false;
    this.bulk.push(bytes);
    this.bulkBytes += bytes.length;
    if (this.capBulk && !this.checkCap(this.pendingBytes)) return false;
    this.pump();
    return true;
  }

  /** Drops queued bulk bytes (e.g. the peer left) and stops listening to the socket. */
  dispose(): void {
    this.socket.off('drain', this.flushBulk);
    this.bulk.length = 0;
    this.bulkHead = 0;
    this.bulkBytes = 0;
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
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
        this.socket.once('drain', done).once('close', done);
        // Below highWaterMark no 'drain' is due; an empty write's callback runs once everything before it is out.
        if (!this.socket.writableNeedDrain) this.socket.write(EMPTY, done);
      });
      this.pump();
    }
  }

  private pump(): void {
    if (this.bulkHead === this.bulk.length || this.socket.destroyed || this.socket.writableNeedDrain) return;
    // Keep roughly one chunk in the socket's buffer: enough to keep the pipe full, little enough that urgent
    // writes are next in line. Corked, so a relayed chunk's 9-byte header and its bytes leave in one writev.
    this.socket.cork();
    while (this.bulkHead < this.bulk.length && !this.socket.writableNeedDrain) {
      const chunk = this.bulk[this.bulkHead];
      this.bulk[this.bulkHead++] = EMPTY;
      this.bulkBytes -= chunk.length;
      this.socket.write(chunk);
    }
    this.socket.uncork();
    if (this.bulkHead === this.bulk.length) {
      this.bulk.length = 0;
      this.bulkHead = 0;
    }
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

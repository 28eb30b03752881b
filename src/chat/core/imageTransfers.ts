// The 'transfer' events of images on one endpoint (client, or the server as the host), both directions: each image
// in flight is one TransferProgress, started with its message id, moved on with the bytes counted so far (paced by
// TransferMeter, like every transfer) and ended once. A received image counts the bytes that arrived; a sent one
// the bytes its receivers acknowledged (ImageAck) — the slowest receiver's, when it goes to several — and is done
// once every receiver still there has them all. Client and server only say what happened; the figures, the pace
// and the "exactly one end" rule are here.
import type { Peer } from './events';
import type { TransferDirection, TransferProgress, TransferState } from './files';
import { TransferMeter } from './transferMeter';

interface Running {
  progress: TransferProgress;
  meter: TransferMeter;
  /** A send: bytes acknowledged so far by each receiver still there (any object that names one: a connection). */
  acked?: Map<unknown, number>;
}

/** What a new image transfer is: its message, which way it goes, how big, and the other end when one person. */
export interface ImageTransferStart {
  messageId: string;
  direction: TransferDirection;
  total: number;
  peer?: Peer;
}

export class ImageTransfers {
  private readonly running = new Map<string, Running>();
  private counter = 0;

  constructor(
    private readonly emit: (progress: TransferProgress) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts a transfer under `key` (the caller's handle, e.g. "send 3"); emits its first 'running' event. A send
   * names who acknowledges its bytes in `ackedBy` (none: done at once, nobody is waiting for it).
   */
  start(key: string, start: ImageTransferStart, ackedBy?: readonly unknown[]): void {
    this.end(key, 'cancelled', 'replaced by another image'); // a reused key: the old one is over
    const progress: TransferProgress = {
      id: `image-${++this.counter}`,
      messageId: start.messageId,
      kind: 'image',
      direction: start.direction,
      bytes: 0,
      total: start.total,
      bytesPerSecond: 0,
      state: 'running',
    };
    if (start.peer) progress.peer = start.peer;
    const entry: Running = { progress, meter: new TransferMeter(start.total, this.now) };
    if (ackedBy) entry.acked = new Map(ackedBy.map((receiver) => [receiver, 0]));
    this.running.set(key, entry);
    this.emit({ ...progress });
    if (entry.acked?.size === 0) this.end(key, 'done');
  }

  /** A receiver of a send acknowledged `bytes` in all: the slowest receiver's count is the transfer's. */
  acknowledged(key: string, receiver: unknown, bytes: number): void {
    const acked = this.running.get(key)?.acked;
    if (!acked?.has(receiver)) return;
    acked.set(receiver, bytes);
    this.settle(key, acked);
  }

  /** A receiver left: its sends go on for the others (and are done when the others have everything). */
  receiverGone(receiver: unknown): void {
    for (const [key, entry] of [...this.running]) {
      if (entry.acked?.delete(receiver)) this.settle(key, entry.acked);
    }
  }

  has(key: string): boolean {
    return this.running.has(key);
  }

  /** The message id of a running transfer (a received image's message is made with it). */
  messageId(key: string): string | undefined {
    return this.running.get(key)?.progress.messageId;
  }

  /**
   * `bytes` in all have moved (not more than the total: the end is the caller's to say with end(), once the bytes
   * are checked). Emits a 'running' event when one is due.
   */
  moved(key: string, bytes: number): void {
    const entry = this.running.get(key);
    if (!entry) return;
    const counted = Math.min(bytes, entry.progress.total);
    if (counted <= entry.progress.bytes && counted < entry.progress.total) return;
    const due = entry.meter.update(counted);
    Object.assign(entry.progress, entry.meter.figures());
    if (due && counted < entry.progress.total) this.emit({ ...entry.progress });
  }

  /** Adds `bytes` to what has moved (a chunk arrived). */
  add(key: string, bytes: number): void {
    const entry = this.running.get(key);
    if (entry) this.moved(key, entry.progress.bytes + bytes);
  }

  /** Ends the transfer (once: later calls for the key do nothing). 'done' counts every byte. */
  end(key: string, state: Exclude<TransferState, 'offered' | 'running'>, reason?: string): void {
    const entry = this.running.get(key);
    if (!entry) return;
    this.running.delete(key);
    const progress = { ...entry.progress, state };
    if (state === 'done') {
      entry.meter.update(progress.total);
      Object.assign(progress, entry.meter.figures());
    }
    if (reason !== undefined && state !== 'done') progress.reason = reason;
    this.emit(progress);
  }

  private settle(key: string, acked: Map<unknown, number>): void {
    if (acked.size === 0) return this.end(key, 'cancelled', 'nobody is left to receive it');
    const slowest = Math.min(...acked.values());
    this.moved(key, slowest);
    if (slowest >= (this.running.get(key)?.progress.total ?? 0)) this.end(key, 'done');
  }

  /**
   * Ends every transfer still running whose key starts with `prefix` (all of them without one); 'done' (sends whose
   * bytes were all handed on, when nobody is left to acknowledge them) has no reason.
   */
  endAll(state: 'done' | 'cancelled' | 'failed', reason: string, prefix = ''): void {
    for (const key of [...this.running.keys()]) if (key.startsWith(prefix)) this.end(key, state, reason);
  }
}

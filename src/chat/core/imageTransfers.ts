// The 'transfer' events of images on one endpoint (client, or the server as the host), both directions: each image
// in flight is one TransferReport (transferReport.ts, by the image rules), started with its message id, moved on
// with the bytes counted so far and ended once. A received image counts the bytes that arrived; a sent one the
// bytes its receivers acknowledged (ImageAck) — the slowest receiver's, when it goes to several — and is done once
// every receiver still there has them all. Client and server only say what happened; which report a key is, and
// who still acknowledges a send, are kept here.
import type { Peer } from './events';
import type { TransferDirection, TransferProgress, TransferState } from './files';
import { IMAGE_TRANSFER, TransferReport } from './transferReport';

interface Running {
  report: TransferReport;
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
    const { messageId, direction, total, peer } = start;
    const id = `image-${++this.counter}`;
    const report = new TransferReport(
      id,
      messageId,
      direction,
      { size: total },
      peer,
      this.emit,
      IMAGE_TRANSFER,
      this.now,
    );
    const entry: Running = { report };
    if (ackedBy) entry.acked = new Map(ackedBy.map((receiver) => [receiver, 0]));
    this.running.set(key, entry);
    report.started();
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
    return this.running.get(key)?.report.messageId;
  }

  /**
   * `bytes` in all have moved (not more than the total: the end is the caller's to say with end(), once the bytes
   * are checked). Emits a 'running' event when one is due.
   */
  moved(key: string, bytes: number): void {
    this.running.get(key)?.report.progress(bytes);
  }

  /** Adds `bytes` to what has moved (a chunk arrived). */
  add(key: string, bytes: number): void {
    const report = this.running.get(key)?.report;
    report?.progress(report.bytes + bytes);
  }

  /** Ends the transfer (once: later calls for the key do nothing). 'done' counts every byte. */
  end(key: string, state: Exclude<TransferState, 'offered' | 'running'>, reason?: string): void {
    const report = this.running.get(key)?.report;
    if (!report) return;
    this.running.delete(key);
    report.end(state, state === 'done' ? { bytes: report.total } : { reason });
  }

  private settle(key: string, acked: Map<unknown, number>): void {
    if (acked.size === 0) return this.end(key, 'cancelled', 'nobody is left to receive it');
    const slowest = Math.min(...acked.values());
    this.moved(key, slowest);
    if (slowest >= (this.running.get(key)?.report.total ?? 0)) this.end(key, 'done');
  }

  /**
   * Ends every transfer still running whose key starts with `prefix` (all of them without one); 'done' (sends whose
   * bytes were all handed on, when nobody is left to acknowledge them) has no reason.
   */
  endAll(state: 'done' | 'cancelled' | 'failed', reason: string, prefix = ''): void {
    for (const key of [...this.running.keys()]) if (key.startsWith(prefix)) this.end(key, state, reason);
  }
}

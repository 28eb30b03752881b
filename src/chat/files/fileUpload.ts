// The sending side of file transfers: the file is read from disk a chunk at a time while a receiver pulls it
// (never loaded whole), each chunk queued on the bulk lane behind text, and the next read waits until little is
// queued — so memory stays at a few chunks per transfer and the ack window paces the disk. At most
// MAX_UPLOADS_AT_ONCE run per sender; the rest start as others end (each receiver pulls its own copy).
import * as fs from 'node:fs/promises';
import { errorMessage } from '../core/errors';
import { fileChunkHeader, MAX_FILE_CHUNK } from '../wire/fileFrames';

/** Copies one sender streams at once; a sixth receiver waits for one of the first three to finish. */
export const MAX_UPLOADS_AT_ONCE = 3;
/** Bytes left waiting in the bulk lane before the next chunk is read from disk. */
const QUEUED_BYTES_BEFORE_READ = 4 * MAX_FILE_CHUNK;

/** Where one upload's chunks go: a connection's bulk lane. */
export interface ChunkSink {
  /** Queues one FileChunk frame (header + bytes, not copied together); false once the connection is gone. */
  queueChunk(header: Buffer, bytes: Buffer): boolean;
  /** Resolves when fewer than `bytes` wait to be sent (or the connection is gone). */
  whenBulkBelow(bytes: number): Promise<void>;
}

export interface UploadJob {
  transfer: number;
  path: string;
  size: number;
  sink: ChunkSink;
  /** `bytes` in all have been queued. */
  queued?(bytes: number): void;
  /** The file could not be read (or changed size); the transfer must be cancelled as failed. */
  failed(reason: string): void;
}

interface Running {
  job: UploadJob;
  stopped: boolean;
}

export class Uploads {
  private readonly waiting: UploadJob[] = [];
  private readonly running = new Map<number, Running>();

  constructor(private readonly maxAtOnce = MAX_UPLOADS_AT_ONCE) {}

  /** Starts `job` now, or once fewer than maxAtOnce uploads run. */
  start(job: UploadJob): void {
    this.waiting.push(job);
    this.next();
  }

  /** Stops one upload (cancelled, failed, its receiver left); no more of its chunks are queued. */
  stop(transfer: number): void {
    const index = this.waiting.findIndex((job) => job.transfer === transfer);
    if (index >= 0) this.waiting.splice(index, 1);
    const running = this.running.get(transfer);
    if (running) running.stopped = true;
  }

  /** Stops every upload (the connection is gone). */
  stopAll(): void {
    this.waiting.length = 0;
    for (const running of this.running.values()) running.stopped = true;
  }

  /** Is this transfer queued or streaming? */
  has(transfer: number): boolean {
    return this.running.has(transfer) || this.waiting.some((job) => job.transfer === transfer);
  }

  private next(): void {
    while (this.running.size < this.maxAtOnce && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const running: Running = { job, stopped: false };
      this.running.set(job.transfer, running);
      void this.stream(running).finally(() => {
        this.running.delete(job.transfer);
        this.next();
      });
    }
  }

  private async stream(running: Running): Promise<void> {
    const { job } = running;
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(job.path, 'r');
      let offset = 0;
      while (offset < job.size && !running.stopped) {
        await job.sink.whenBulkBelow(QUEUED_BYTES_BEFORE_READ);
        if (running.stopped) break;
        const want = Math.min(MAX_FILE_CHUNK, job.size - offset);
        const bytes = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(bytes, 0, want, offset);
        if (running.stopped) break;
        if (bytesRead === 0) throw new Error('the file got shorter while it was being sent');
        if (!job.sink.queueChunk(fileChunkHeader(job.transfer, bytesRead), bytes.subarray(0, bytesRead))) break;
        offset += bytesRead;
        job.queued?.(offset);
      }
    } catch (error) {
      if (!running.stopped) job.failed(`the file could not be read: ${errorMessage(error)}`);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }
}

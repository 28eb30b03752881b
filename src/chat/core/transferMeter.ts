// How fast a transfer moves, and when it is worth telling anyone: one meter per transfer (file or image, either
// direction) so every 'transfer' event in the engine has the same speed figure and the same pace — at most one
// progress event per PROGRESS_INTERVAL_MS while bytes move, plus the first and the last, whatever the chunk rate.
import type { TransferProgress } from './files';

/** Least time between two progress events of one transfer (the first and the final one are never held back). */
export const PROGRESS_INTERVAL_MS = 250;
/** The speed is measured over about this much recent time, so a stall shows as a falling figure. */
const SPEED_WINDOW_MS = 3000;

export class TransferMeter {
  private readonly samples: { at: number; bytes: number }[] = [];
  private lastReport = -Infinity;
  private bytes = 0;

  constructor(
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.samples.push({ at: now(), bytes: 0 });
  }

  /** Records that `bytes` in all have moved; true when a progress event is due now (throttled). */
  update(bytes: number): boolean {
    this.bytes = bytes;
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[1].at >= SPEED_WINDOW_MS) this.samples.shift();
    if (bytes >= this.total || at - this.lastReport >= PROGRESS_INTERVAL_MS) {
      this.lastReport = at;
      return true;
    }
    return false;
  }

  /** Bytes per second over the recent window (0 until some time has passed). */
  get bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? Math.round((last.bytes - first.bytes) / seconds) : 0;
  }

  /** The figures of a progress event: bytes so far, total and speed. */
  figures(): Pick<TransferProgress, 'bytes' | 'total' | 'bytesPerSecond'> {
    return { bytes: this.bytes, total: this.total, bytesPerSecond: this.bytesPerSecond };
  }
}

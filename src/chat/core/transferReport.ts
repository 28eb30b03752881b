// One transfer's 'transfer' events, for files and images alike, either direction: the same speed figure and the
// same pace (TransferMeter: at most one progress event per PROGRESS_INTERVAL_MS while bytes move, plus the first
// and the last, whatever the chunk rate), and exactly one final event whatever ends it (TransferReport). What
// differs between files and images is said once, in TransferRules.
import type { Peer } from './events';
import type { TransferDirection, TransferKind, TransferProgress, TransferState } from './files';

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

/**
 * How one kind of transfer reports: the differences between files and images, each said once. (They also start
 * differently: a file's first event is progress(0), which counts toward the pace; an image's is started(), which
 * does not, so its first bytes show at once.)
 */
export interface TransferRules {
  kind: TransferKind;
  /**
   * A count that reaches the total is a 'running' event of its own (files: the last byte shows before the file is
   * checked and saved). Images leave the total to the final event.
   */
  runningAtTotal: boolean;
  /**
   * A count past the total counts as the total, and one that goes backwards (or stays) is ignored (images: a send's
   * count is what its receivers acknowledge, and a peer may acknowledge out of order or too much; what the user sees
   * never goes back).
   */
  forwardOnly: boolean;
}

export const FILE_TRANSFER: TransferRules = { kind: 'file', runningAtTotal: true, forwardOnly: false };
export const IMAGE_TRANSFER: TransferRules = { kind: 'image', runningAtTotal: false, forwardOnly: true };

/** What is moving: a file's name and size as offered, or an image's size (an image's event carries no name). */
export interface TransferItem {
  name?: string;
  size: number;
}

export interface EndDetails {
  reason?: string;
  savedPath?: string;
  /** The final byte count (e.g. all of them, for 'done'). */
  bytes?: number;
}

export class TransferReport {
  private readonly meter: TransferMeter;
  private ended = false;

  constructor(
    /** Stable on this endpoint for the transfer's life, e.g. 't7' or 'image-3'. */
    readonly id: string,
    readonly messageId: string,
    private readonly direction: TransferDirection,
    private readonly thing: TransferItem,
    private readonly peer: Peer | undefined,
    private readonly emit: (progress: TransferProgress) => void,
    private readonly rules: TransferRules = FILE_TRANSFER,
    now: () => number = Date.now,
  ) {
    this.meter = new TransferMeter(thing.size, now);
  }

  get finished(): boolean {
    return this.ended;
  }

  /** The bytes counted so far. */
  get bytes(): number {
    return this.meter.figures().bytes;
  }

  get total(): number {
    return this.thing.size;
  }

  /** The first event, nothing moved yet, emitted without holding back the first bytes' event after it. */
  started(): void {
    if (!this.ended) this.send('running');
  }

  /** `bytes` in all have moved (emitted when due, by the rules of the kind). */
  progress(bytes: number): void {
    if (this.ended) return;
    const { size } = this.thing;
    if (this.rules.forwardOnly) {
      bytes = Math.min(bytes, size);
      if (bytes <= this.bytes && bytes < size) return;
    }
    if (this.meter.update(bytes) && (bytes < size || this.rules.runningAtTotal)) this.send('running');
  }

  /** The transfer ended (done, declined, cancelled, failed): the last event. */
  end(state: Exclude<TransferState, 'offered' | 'running'>, extra: EndDetails = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (extra.bytes !== undefined) this.meter.update(extra.bytes);
    this.send(state, extra);
  }

  private send(state: TransferState, extra: EndDetails = {}): void {
    const progress: TransferProgress = {
      id: this.id,
      messageId: this.messageId,
      kind: this.rules.kind,
      direction: this.direction,
      ...(this.thing.name !== undefined && { name: this.thing.name }),
      ...this.meter.figures(),
      state,
    };
    if (this.peer) progress.peer = this.peer;
    if (extra.reason !== undefined) progress.reason = extra.reason;
    if (extra.savedPath !== undefined) progress.savedPath = extra.savedPath;
    this.emit(progress);
  }
}

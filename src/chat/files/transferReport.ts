// One transfer's 'transfer' events, as either end emits them: the same figures (TransferMeter) and the same pace
// (at most ~4 a second while bytes move, the first and the last always), and one final event whatever ends it.
import type { Peer } from '../core/events';
import type { FileOffer, TransferDirection, TransferProgress, TransferState } from '../core/files';
import { TransferMeter } from '../core/transferMeter';

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
    readonly id: string,
    private readonly messageId: string,
    private readonly direction: TransferDirection,
    private readonly offer: FileOffer,
    private readonly peer: Peer | undefined,
    private readonly emit: (progress: TransferProgress) => void,
  ) {
    this.meter = new TransferMeter(offer.size);
  }

  get finished(): boolean {
    return this.ended;
  }

  /** `bytes` in all have moved (emitted when due). */
  progress(bytes: number, state: TransferState = 'running'): void {
    if (this.ended) return;
    if (this.meter.update(bytes) || state !== 'running') this.send(state);
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
      kind: 'file',
      direction: this.direction,
      name: this.offer.name,
      ...this.meter.figures(),
      state,
    };
    if (this.peer) progress.peer = this.peer;
    if (extra.reason !== undefined) progress.reason = extra.reason;
    if (extra.savedPath !== undefined) progress.savedPath = extra.savedPath;
    this.emit(progress);
  }
}

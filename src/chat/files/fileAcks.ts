// File acknowledgements (FileAck), as images have theirs (wire/imageAcks.ts): a receiver acknowledges every
// IMAGE_ACK_EVERY bytes it has written and the last byte, so the sender's ack window paces the transfer; chunks
// that arrive for a transfer that already ended are acknowledged at once, counted on from what it had received.
import { IMAGE_ACK_EVERY, MAX_TRACKED_REFS } from '../wire/imageAcks';
import { fileAckBytes } from '../wire/fileFrames';

/** Is an ack due, with `acked` bytes acknowledged, `total` written, of `size`? */
export function ackDue(acked: number, total: number, size: number): boolean {
  return total - acked >= IMAGE_ACK_EVERY || (total === size && total > acked);
}

/** Ended (or never known) transfers whose chunks still come: their running totals, bounded. */
export class LateChunks {
  private readonly totals = new Map<number, number>();

  /** Transfer `id` ended with `bytes` received. */
  ended(id: number, bytes: number): void {
    this.totals.delete(id);
    if (this.totals.size >= MAX_TRACKED_REFS) this.totals.delete(this.totals.keys().next().value as number);
    this.totals.set(id, bytes);
  }

  /** A late chunk of `bytes`: the FileAck that acknowledges it (and all before it). */
  received(id: number, bytes: number): Buffer {
    const total = (this.totals.get(id) ?? 0) + bytes;
    this.ended(id, total);
    return fileAckBytes(id, total);
  }

  clear(): void {
    this.totals.clear();
  }
}

// Application-level flow control for image bytes (docs/PROTOCOL.md §6). FrameWriter's bulk lane only orders bytes
// inside Node; bytes already in the kernel's socket buffers (megabytes on loopback, hundreds of ms of a slow link)
// delay a later text line all the same. So a receiver acknowledges the image bytes it got (ImageAck), and a sender
// whose peer announced acks keeps at most IMAGE_ACK_WINDOW unacknowledged image bytes on the wire; the rest wait
// in Node's queue, where urgent text overtakes them.
import { encodeFrame } from './codec';
import { FrameType } from './frames';

/**
 * Most unacknowledged image bytes a sender puts on the wire. Text waits at most this ÷ link speed behind an image.
 * 512 KiB cost 30–50 % of loopback image throughput in the bench (the ack round trip waits on busy event loops);
 * 1 MiB kept the throughput of sending without a window, with nearly the same text latency.
 */
export const IMAGE_ACK_WINDOW = 1024 * 1024;
/** A receiver acknowledges after this many bytes of one image (a quarter of the window, so the sender never idles). */
export const IMAGE_ACK_EVERY = 256 * 1024;
/**
 * Refs a receiver remembers, the finished ones too; a peer cannot grow the table past this (least recently used
 * forgotten first). Finished refs stay so that chunks still coming for them (a refused image: the sender learns of
 * the refusal only later) are acknowledged with the running total the sender's window expects. A sender remembers
 * as many refs' last acks.
 */
export const MAX_TRACKED_REFS = 256;

interface RefCount {
  received: number;
  acked: number;
}

/** The receiving side: counts image bytes per ref and says when an ImageAck is due. */
export class ImageAckCounter {
  private readonly refs = new Map<number, RefCount>();
  /** The ref counted last (the map's last entry): an image's chunks come in runs, so most calls skip the reorder. */
  private lastRef: number | undefined;
  private lastEntry: RefCount | undefined;

  /**
   * Counts `bytes` more of image `ref`. `finished`: the image is no longer being collected (complete, refused,
   * unknown), so whatever is unacknowledged is acknowledged now — otherwise the sender's window would keep it.
   * Returns the ImageAck frame to send, if one is due.
   */
  received(ref: number, bytes: number, finished: boolean): Buffer | undefined {
    const entry = this.touch(ref);
    entry.received = (entry.received + bytes) % 2 ** 32;
    if (finished) return this.finish(ref);
    if (entry.received - entry.acked < IMAGE_ACK_EVERY && entry.received >= entry.acked) return undefined;
    entry.acked = entry.received;
    return encodeFrame({ type: FrameType.ImageAck, ref, received: entry.received });
  }

  /** The image ended (e.g. ImageAbort): acknowledges what is left; the ref's total is kept for late chunks. */
  finish(ref: number): Buffer | undefined {
    const entry = this.refs.get(ref);
    if (!entry || entry.received === entry.acked) return undefined;
    entry.acked = entry.received;
    return encodeFrame({ type: FrameType.ImageAck, ref, received: entry.received });
  }

  clear(): void {
    this.refs.clear();
    this.lastRef = this.lastEntry = undefined;
  }

  /** The ref's count, moved to the end of the table (the map's order is "least recently used first"). */
  private touch(ref: number): RefCount {
    if (ref === this.lastRef && this.lastEntry) return this.lastEntry; // already the last entry
    let entry = this.refs.get(ref);
    if (entry) this.refs.delete(ref);
    else if (this.refs.size >= MAX_TRACKED_REFS) this.refs.delete(this.refs.keys().next().value as number);
    entry ??= { received: 0, acked: 0 };
    this.refs.set(ref, entry);
    this.lastRef = ref;
    this.lastEntry = entry;
    return entry;
  }
}

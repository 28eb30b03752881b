// Reassembles images that arrive as a Message header followed by ImageChunk frames (matched by `ref`), with
// other traffic in between. Bounded: a header announcing more than the limit is refused up front, and a
// sender that delivers more bytes than announced is cut off, so a peer can never make us buffer without end.
import { checkImage, DEFAULT_MAX_IMAGE_PIXELS, type ImageMime } from '../core/images';
import type { ChatError } from '../core/errors';
import type { MessageBody } from '../wire/frames';
import { formatBytes } from '../core/units';

export type AssemblyResult =
  | { kind: 'pending' }
  /** All bytes arrived and they are the announced kind of image. */
  | { kind: 'complete'; header: MessageBody; mime: ImageMime; bytes: Buffer }
  /** The image is dropped; `reason` says why in a sentence. The header is returned so its text can still be shown. */
  | { kind: 'failed'; header: MessageBody; reason: string };

interface Collecting {
  header: MessageBody;
  size: number;
  /** The image at its announced size, allocated at the first chunk; chunks are copied straight into place. */
  bytes: Buffer | undefined;
  received: number;
}

export class ImageAssembler {
  private readonly partials = new Map<number, Collecting>();

  /** Sum of the announced sizes still arriving. */
  private pendingBytes = 0;

  /**
   * `maxPendingBytes` caps all images arriving at once (default 8 images at the limit), so a server cannot make
   * us hold more than that however many images it starts. `maxImagePixels` caps the width × height an image
   * declares (a small file can unpack to gigabytes wherever it is shown).
   */
  constructor(
    private readonly maxImageBytes: number,
    private readonly maxPendingBytes = 8 * maxImageBytes,
    private readonly maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS,
  ) {}

  /** Images still arriving. */
  get pendingCount(): number {
    return this.partials.size;
  }

  isCollecting(ref: number): boolean {
    return this.partials.has(ref);
  }

  /** Starts collecting for a header that announces an image; refuses one over the limit at once. */
  start(header: MessageBody): AssemblyResult {
    const image = header.image;
    if (!image) throw new Error('start() needs a header with an image');
    if (image.size > this.maxImageBytes) {
      return {
        kind: 'failed',
        header,
        reason: `an image of ${formatBytes(image.size)} was refused; the limit is ${formatBytes(this.maxImageBytes)}`,
      };
    }
    this.forget(header.ref); // a reused ref replaces the old, unfinished image
    if (this.pendingBytes + image.size > this.maxPendingBytes) {
      return {
        kind: 'failed',
        header,
        reason: `too many images at once (${formatBytes(this.pendingBytes)} still arriving)`,
      };
    }
    this.partials.set(header.ref, { header, size: image.size, bytes: undefined, received: 0 });
    this.pendingBytes += image.size;
    return { kind: 'pending' };
  }

  /**
   * Adds one chunk: its bytes, or the slices they arrived in. Chunks for a ref we are not collecting (refused,
   * aborted, unknown) are ignored.
   */
  chunk(ref: number, bytes: Buffer | readonly Buffer[]): AssemblyResult {
    const partial = this.partials.get(ref);
    if (!partial) return { kind: 'pending' };
    const parts = Buffer.isBuffer(bytes) ? [bytes] : bytes;
    let size = 0;
    for (const part of parts) size += part.length;
    if (partial.received + size > partial.size) {
      this.forget(ref);
      return {
        kind: 'failed',
        header: partial.header,
        reason: `the image sent more than the ${formatBytes(partial.size)} it announced`,
      };
    }
    // One copy per byte: the decoder's chunk may be a view into a receive buffer that will be reused.
    partial.bytes ??= Buffer.allocUnsafe(partial.size);
    for (const part of parts) partial.received += part.copy(partial.bytes, partial.received);
    if (partial.received < partial.size) return { kind: 'pending' };
    this.forget(ref);
    const all = partial.bytes;
    try {
      const mime = checkImage(all, this.maxImageBytes, this.maxImagePixels);
      return { kind: 'complete', header: partial.header, mime, bytes: all };
    } catch (error) {
      return {
        kind: 'failed',
        header: partial.header,
        reason: lowerFirst((error as ChatError).message.replace(/\.$/, '')),
      };
    }
  }

  /** The sender gave up on this image. Returns the header when we were collecting it. */
  abort(ref: number): MessageBody | undefined {
    return this.forget(ref)?.header;
  }

  /** Drops everything (connection lost). */
  clear(): void {
    this.partials.clear();
    this.pendingBytes = 0;
  }

  private forget(ref: number): Collecting | undefined {
    const partial = this.partials.get(ref);
    if (!partial) return undefined;
    this.partials.delete(ref);
    this.pendingBytes -= partial.size;
    return partial;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

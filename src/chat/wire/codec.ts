// The native frame codec (docs/PROTOCOL.md §5): frames to bytes and bytes back to checked frames. No sockets.
// Everything a peer sends passes through FrameDecoder, so a hostile byte stream can only ever produce a
// ProtocolError, never a crash.
import type { ErrorFrameCode } from '../core/errors';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FrameType,
  HARD_MAX_FRAME_BYTES,
  MAX_IMAGE_CHUNK,
  MAX_PING_PAYLOAD,
  type Frame,
  type UnknownFrame,
} from './frames';
import { checkBody, hasJsonBody } from './validation';
import { chunkHeader, decodeFileFrame, fileAckBytes, fileChunkHeader } from './fileFrames';

/** Why a byte stream was refused. The server sends the code on in its Error frame (docs/PROTOCOL.md §10). */
export type ProtocolErrorCode = Extract<ErrorFrameCode, 'frame-too-large' | 'empty-frame' | 'bad-frame'>;

/** A frame the decoder refused. The stream is out of sync from here on: the receiver drops the connection. */
export class ProtocolError extends Error {
  /** Frames completed by the same push() before the error: deliver them, then drop the connection. */
  frames: Array<Frame | UnknownFrame> = [];
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

// ---------------------------------------------------------------------------------------------- encoding

/** Encodes one frame. Chunk, abort, ack and ping frames are binary; every other body is UTF-8 JSON. */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.ImageChunk: {
      const parts = imageChunkParts(frame);
      return Buffer.concat([imageChunkHeader(frame.ref, imageChunkSize(frame)), ...parts]);
    }
    case FrameType.ImageAbort: {
      const payload = Buffer.allocUnsafe(4);
      payload.writeUInt32BE(frame.ref, 0);
      return frameBytes(frame.type, payload);
    }
    case FrameType.ImageAck: {
      const payload = Buffer.allocUnsafe(8);
      payload.writeUInt32BE(frame.ref, 0);
      payload.writeUInt32BE(frame.received, 4);
      return frameBytes(frame.type, payload);
    }
    case FrameType.FileChunk:
      return Buffer.concat([fileChunkHeader(frame.transfer, imageChunkSize(frame)), ...imageChunkParts(frame)]);
    case FrameType.FileAck:
      return fileAckBytes(frame.transfer, frame.received);
    case FrameType.Ping:
    case FrameType.Pong:
      return frameBytes(frame.type, frame.payload);
    default:
      return jsonFrameBytes(frame.type, JSON.stringify(frame.body));
  }
}

/** A JSON frame written straight into its buffer (no intermediate copy of the body: one per message relayed). */
function jsonFrameBytes(type: number, json: string): Buffer {
  const size = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + size);
  out.writeUInt32BE(1 + size, 0);
  out[4] = type;
  out.write(json, FRAME_HEADER_BYTES, 'utf8');
  return out;
}

/**
 * The 9 bytes in front of an ImageChunk frame's payload (length, type, ref). Senders and the relay write image
 * bytes after this header as they are, so a 20 MB image is not copied once more per chunk.
 */
export function imageChunkHeader(ref: number, size: number): Buffer {
  return chunkHeader(FrameType.ImageChunk, ref, size);
}

/** An ImageChunk or FileChunk frame: its bytes, and the rest of them when it was kept as slices. */
type ImageChunkFrame = { bytes: Buffer; more?: Buffer[] };

/** An ImageChunk (or FileChunk) frame's bytes, as the slices they arrived in (one, unless `more` is set). */
export function imageChunkParts(frame: ImageChunkFrame): Buffer[] {
  return frame.more ? [frame.bytes, ...frame.more] : [frame.bytes];
}

/** How many image bytes an ImageChunk frame carries. */
export function imageChunkSize(frame: ImageChunkFrame): number {
  let size = frame.bytes.length;
  if (frame.more) for (const part of frame.more) size += part.length;
  return size;
}

/** Raw frame bytes for any type code (also used by tests to build unknown or malformed frames). */
export function frameBytes(type: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(1 + payload.length, 0);
  out[4] = type;
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

// ---------------------------------------------------------------------------------------------- decoding

export interface FrameDecoderOptions {
  /**
   * An ImageChunk frame split across pushed chunks is handed on as the slices of those chunks (`bytes` + `more`)
   * instead of being copied together — every relayed image chunk is split (a 64 KiB + 9 B frame never fits one
   * 64 KiB socket read). Only for callers that never reuse a pushed chunk's memory (socket 'data' buffers are
   * fresh each time). A frame dribbled in more than MAX_IMAGE_SLICES pieces is copied together as usual.
   */
  keepImageSlices?: boolean;
}

/** Most slices one ImageChunk frame is kept as; past this its bytes are copied into one buffer (a dribbling peer). */
export const MAX_IMAGE_SLICES = 8;
/** Bytes a split frame's first piece must hold to be kept as slices: the type byte and the 4-byte ref. */
const IMAGE_CHUNK_PREFIX = 5;

/**
 * Incremental decoder: push() any slice of the byte stream, get back every frame it completes. A frame that
 * arrives whole inside one chunk is decoded in place (no copy); a frame split across chunks is copied once
 * into a buffer of its exact size, allocated when its length is known (an image chunk may be kept as slices
 * instead, see FrameDecoderOptions). So a hostile peer dribbling a frame a byte at a time costs O(n) time and one
 * frame's worth of memory. Throws ProtocolError on an oversized/empty length or a malformed body, carrying the
 * frames completed before it; the caller delivers those, then drops the connection, because the stream can no
 * longer be trusted to be in sync.
 */
export class FrameDecoder {
  private readonly header = Buffer.alloc(4);
  private headerFilled = 0;
  private partial: Buffer | undefined;
  /** The split image chunk being kept as slices (instead of `partial`), and its frame length. */
  private slices: Buffer[] | undefined;
  private slicedLength = 0;
  private partialFilled = 0;
  private readonly maxFrameBytes: number;
  private readonly keepImageSlices: boolean;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = Math.min(maxFrameBytes, HARD_MAX_FRAME_BYTES);
    this.keepImageSlices = options.keepImageSlices ?? false;
  }

  /** Bytes received but not yet part of a complete frame (for memory caps and tests). */
  get bufferedBytes(): number {
    return this.headerFilled + this.partialFilled;
  }

  push(chunk: Buffer): Array<Frame | UnknownFrame> {
    const frames: Array<Frame | UnknownFrame> = [];
    try {
      this.decodeInto(chunk, frames);
    } catch (error) {
      if (error instanceof ProtocolError) error.frames = frames;
      throw error;
    }
    return frames;
  }

  private decodeInto(chunk: Buffer, frames: Array<Frame | UnknownFrame>): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.slices) {
        const taken = Math.min(chunk.length - offset, this.slicedLength - this.partialFilled);
        this.slices.push(chunk.subarray(offset, offset + taken));
        this.partialFilled += taken;
        offset += taken;
        if (this.partialFilled < this.slicedLength) {
          if (this.slices.length >= MAX_IMAGE_SLICES) this.copySlices();
          return;
        }
        const slices = this.slices;
        this.slices = undefined;
        this.partialFilled = 0;
        frames.push(imageChunkFromSlices(slices, this.slicedLength));
        continue;
      }
      if (this.partial) {
        const copied = chunk.copy(this.partial, this.partialFilled, offset);
        this.partialFilled += copied;
        offset += copied;
        if (this.partialFilled < this.partial.length) return;
        const body = this.partial;
        this.partial = undefined;
        this.partialFilled = 0;
        frames.push(decodeFrameBody(body[0], body.subarray(1)));
        continue;
      }
      let length: number;
      if (this.headerFilled === 0 && chunk.length - offset >= 4) {
        length = chunk.readUInt32BE(offset);
        offset += 4;
      } else {
        const copied = chunk.copy(this.header, this.headerFilled, offset, offset + 4 - this.headerFilled);
        this.headerFilled += copied;
        offset += copied;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        length = this.header.readUInt32BE(0);
      }
      if (length === 0) throw new ProtocolError('empty-frame', 'Received a frame of length 0.');
      if (length > this.maxFrameBytes) {
        throw new ProtocolError(
          'frame-too-large',
          `Received a frame of ${length} bytes; the limit is ${this.maxFrameBytes}.`,
        );
      }
      if (chunk.length - offset >= length) {
        const type = chunk[offset];
        // A JSON body is read as text straight from the chunk (no Buffer view made for it: one per message).
        frames.push(
          hasJsonBody(type)
            ? decodeJsonBody(type, chunk.toString('utf8', offset + 1, offset + length))
            : decodeFrameBody(type, chunk.subarray(offset + 1, offset + length)),
        );
        offset += length;
      } else if (
        this.keepImageSlices &&
        (chunk[offset] === FrameType.ImageChunk || chunk[offset] === FrameType.FileChunk) &&
        chunk.length - offset >= IMAGE_CHUNK_PREFIX
      ) {
        this.slices = [chunk.subarray(offset)];
        this.slicedLength = length;
        this.partialFilled = chunk.length - offset;
        return;
      } else {
        this.partial = Buffer.allocUnsafe(length);
      }
    }
  }

  /** Too many pieces for one frame: from here on it is collected by copying, like any other split frame. */
  private copySlices(): void {
    this.partial = Buffer.allocUnsafe(this.slicedLength);
    let filled = 0;
    for (const slice of this.slices!) filled += slice.copy(this.partial, filled);
    this.slices = undefined;
  }
}

/** A split ImageChunk or FileChunk frame's slices (the first holds the type byte and the id) as the frame, checked. */
function imageChunkFromSlices(slices: Buffer[], length: number): Frame | UnknownFrame {
  const imageBytes = length - IMAGE_CHUNK_PREFIX;
  const first = slices[0];
  const type = first[0];
  if (imageBytes < 1 || imageBytes > MAX_IMAGE_CHUNK) return decodeFrameBody(type, Buffer.concat(slices).subarray(1));
  const id = first.readUInt32BE(1);
  const parts = [first.subarray(IMAGE_CHUNK_PREFIX), ...slices.slice(1)].filter((part) => part.length > 0);
  const more = parts.length === 1 ? {} : { more: parts.slice(1) };
  return type === FrameType.FileChunk
    ? { type, transfer: id, bytes: parts[0], ...more }
    : { type: FrameType.ImageChunk, ref: id, bytes: parts[0], ...more };
}

/** Decodes and validates one frame's payload; unknown type codes become UnknownFrame. */
export function decodeFrameBody(type: number, payload: Buffer): Frame | UnknownFrame {
  switch (type) {
    case FrameType.ImageChunk:
      if (payload.length < 5 || payload.length > 4 + MAX_IMAGE_CHUNK) {
        throw new ProtocolError(
          'bad-frame',
          `Image chunk of ${Math.max(0, payload.length - 4)} bytes; chunks carry 1 to ${MAX_IMAGE_CHUNK} bytes.`,
        );
      }
      return { type, ref: payload.readUInt32BE(0), bytes: payload.subarray(4) };
    case FrameType.ImageAbort:
      if (payload.length !== 4)
        throw new ProtocolError('bad-frame', 'Image abort frame must carry exactly a 4-byte reference.');
      return { type, ref: payload.readUInt32BE(0) };
    case FrameType.ImageAck:
      if (payload.length !== 8)
        throw new ProtocolError(
          'bad-frame',
          'Image ack frame must carry exactly a 4-byte reference and a 4-byte count.',
        );
      return { type, ref: payload.readUInt32BE(0), received: payload.readUInt32BE(4) };
    case FrameType.FileChunk:
    case FrameType.FileAck: {
      const frame = decodeFileFrame(type, payload);
      if (typeof frame === 'string') throw new ProtocolError('bad-frame', frame);
      return frame;
    }
    case FrameType.Ping:
    case FrameType.Pong:
      if (payload.length > MAX_PING_PAYLOAD)
        throw new ProtocolError('bad-frame', `Ping payload over ${MAX_PING_PAYLOAD} bytes.`);
      return { type, payload: Buffer.from(payload) };
  }
  if (!hasJsonBody(type)) return { type: 'unknown', code: type, length: payload.length + 1 };
  return decodeJsonBody(type, payload.toString('utf8'));
}

/** Parses and validates a JSON frame body of a known type. */
function decodeJsonBody(type: FrameType, text: string): Frame {
  let body: unknown;
  try {
    // Invalid UTF-8 becomes U+FFFD here (when the bytes become text): replaced, not rejected (docs/PROTOCOL.md §5).
    body = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad-frame', `Frame type 0x${type.toString(16)} does not carry valid JSON.`);
  }
  const problem = checkBody(type, body);
  if (problem) throw new ProtocolError('bad-frame', `Frame type 0x${type.toString(16)}: ${problem}.`);
  return { type, body } as Frame;
}

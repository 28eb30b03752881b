// The binary file frames (docs/PROTOCOL.md §7): FileChunk (u32 transfer + 1..64 KiB of bytes) and FileAck (u32
// transfer + u32 bytes received so far). They mirror ImageChunk and ImageAck, under their own type codes so a
// transfer id never mixes with an image ref, and count against the same ack window (frameWriter.ts).
import { FRAME_HEADER_BYTES, FrameType, MAX_IMAGE_CHUNK, type Frame } from './frames';

/** File bytes travel in chunks of at most this many bytes, like images, so text overtakes them. */
export const MAX_FILE_CHUNK = MAX_IMAGE_CHUNK;

export type FileChunkFrame = Extract<Frame, { type: FrameType.FileChunk }>;

/** The 9 bytes in front of a FileChunk frame's payload (length, type, transfer): the bytes follow as they are. */
export function fileChunkHeader(transfer: number, size: number): Buffer {
  return chunkHeader(FrameType.FileChunk, transfer, size);
}

/** The 9 bytes in front of an ImageChunk or FileChunk frame's payload: length, type and the u32 id. */
export function chunkHeader(type: FrameType.ImageChunk | FrameType.FileChunk, id: number, size: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 4);
  header.writeUInt32BE(1 + 4 + size, 0);
  header[4] = type;
  header.writeUInt32BE(id, FRAME_HEADER_BYTES);
  return header;
}

/** A FileAck frame's bytes. */
export function fileAckBytes(transfer: number, received: number): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 8);
  out.writeUInt32BE(9, 0);
  out[4] = FrameType.FileAck;
  out.writeUInt32BE(transfer, FRAME_HEADER_BYTES);
  out.writeUInt32BE(received % 2 ** 32, FRAME_HEADER_BYTES + 4);
  return out;
}

/** Why a binary file frame's payload is malformed, or the frame. */
export function decodeFileFrame(type: FrameType.FileChunk | FrameType.FileAck, payload: Buffer): Frame | string {
  if (type === FrameType.FileAck) {
    if (payload.length !== 8) return 'File ack frame must carry exactly a 4-byte transfer id and a 4-byte count.';
    return { type, transfer: payload.readUInt32BE(0), received: payload.readUInt32BE(4) };
  }
  if (payload.length < 5 || payload.length > 4 + MAX_FILE_CHUNK)
    return `File chunk of ${Math.max(0, payload.length - 4)} bytes; chunks carry 1 to ${MAX_FILE_CHUNK} bytes.`;
  return { type, transfer: payload.readUInt32BE(0), bytes: payload.subarray(4) };
}

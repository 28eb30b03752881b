// The width and height an image file declares in its header, read without decoding a pixel. A tiny file can
// declare a huge picture (a "decompression bomb": 17 KB of PNG that unpacks to 12000 × 12000 pixels), so the
// declared size is what an image is judged by before anything decodes it. Every read is bounds-checked: a
// truncated or hostile header gives `undefined`, never an exception or a loop that outlives the bytes.
import type { ImageMime } from './images';

export interface ImageSize {
  width: number;
  height: number;
}

/** The declared size of an image of type `mime` (already sniffed), or undefined when it cannot be read. */
export function readImageSize(bytes: Uint8Array, mime: ImageMime): ImageSize | undefined {
  const size = READERS[mime](new Bytes(bytes));
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

const READERS: Record<ImageMime, (b: Bytes) => ImageSize | undefined> = {
  'image/png': pngSize,
  'image/jpeg': jpegSize,
  'image/gif': gifSize,
  'image/webp': webpSize,
  'image/bmp': bmpSize,
};

/** PNG: the first chunk must be IHDR; width and height are its first two 32-bit big-endian fields. */
function pngSize(b: Bytes): ImageSize | undefined {
  if (b.ascii(12, 4) !== 'IHDR') return undefined;
  return pair(b.u32be(16), b.u32be(20));
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic…): C0–CF except C4 (DHT), C8 (JPG), CC (DAC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * JPEG: walk the marker segments from SOI, skipping each by its length, to the first start-of-frame (height, then
 * width). Scan data, end of image or a broken segment before it means the size cannot be read. Every step moves
 * forward by at least one byte, so the walk ends within the file.
 */
function jpegSize(b: Bytes): ImageSize | undefined {
  let at = 2; // after SOI (FF D8)
  while (at < b.length) {
    if (b.u8(at) !== 0xff) return undefined;
    while (b.u8(at) === 0xff) at++; // fill bytes before a marker are allowed
    const marker = b.u8(at++);
    if (marker === undefined || marker === 0x00) return undefined;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // markers without a length
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return undefined; // SOI again, EOI, scan data
    const length = b.u16be(at);
    if (length === undefined || length < 2) return undefined;
    if (JPEG_SOF.has(marker)) return pair(b.u16be(at + 5), b.u16be(at + 3)); // length, precision, height, width
    at += length;
  }
  return undefined;
}

/**
 * GIF: the logical screen, grown to cover every frame (a browser enlarges the canvas for a first frame bigger than
 * the screen, so a 1 × 1 screen must not hide a 12000 × 12000 frame). Walks the blocks to the trailer or the end.
 */
function gifSize(b: Bytes): ImageSize | undefined {
  let width = b.u16le(6);
  let height = b.u16le(8);
  const flags = b.u8(10);
  if (width === undefined || height === undefined || flags === undefined) return undefined;
  let at = 13 + colorTableBytes(flags);
  for (;;) {
    const block = b.u8(at);
    if (block === 0x2c) {
      const [left, top, w, h, local] = [
        b.u16le(at + 1),
        b.u16le(at + 3),
        b.u16le(at + 5),
        b.u16le(at + 7),
        b.u8(at + 9),
      ];
      if (left === undefined || top === undefined || w === undefined || h === undefined || local === undefined) break;
      width = Math.max(width, left + w);
      height = Math.max(height, top + h);
      at = skipSubBlocks(b, at + 10 + colorTableBytes(local) + 1); // +1: the LZW minimum code size
    } else if (block === 0x21) {
      at = skipSubBlocks(b, at + 2); // extension: introducer, label, then data sub-blocks
    } else {
      break; // the trailer (3B), the end of the bytes, or garbage: the frames seen so far are all there is
    }
  }
  return { width, height };
}

/** A GIF colour table's length from a packed flags byte (present when the top bit is set). */
function colorTableBytes(flags: number): number {
  return flags & 0x80 ? 3 * (1 << ((flags & 0x07) + 1)) : 0;
}

/** The offset after a run of GIF data sub-blocks (each a length byte and that many bytes, ended by a 0). */
function skipSubBlocks(b: Bytes, at: number): number {
  for (;;) {
    const length = b.u8(at);
    if (length === undefined) return b.length;
    at += 1 + length;
    if (length === 0) return at;
  }
}

/** WebP: the first chunk says the kind: VP8X (canvas size), VP8L (lossless) or VP8 (lossy key frame). */
function webpSize(b: Bytes): ImageSize | undefined {
  switch (b.ascii(12, 4)) {
    case 'VP8X': {
      const w = b.u24le(24);
      const h = b.u24le(27);
      return w === undefined || h === undefined ? undefined : { width: w + 1, height: h + 1 };
    }
    case 'VP8L': {
      const bits = b.u32le(21);
      if (b.u8(20) !== 0x2f || bits === undefined) return undefined;
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8 ': {
      // A key frame (bit 0 of the frame tag clear) has the start code 9D 01 2A, then 14-bit width and height.
      const tag = b.u8(20);
      if (tag === undefined || tag & 1 || b.u8(23) !== 0x9d || b.u8(24) !== 0x01 || b.u8(25) !== 0x2a) return undefined;
      const w = b.u16le(26);
      const h = b.u16le(28);
      return w === undefined || h === undefined ? undefined : { width: w & 0x3fff, height: h & 0x3fff };
    }
    default:
      return undefined;
  }
}

/** BMP: the DIB header after the 14-byte file header; a negative height means the rows are stored top-down. */
function bmpSize(b: Bytes): ImageSize | undefined {
  const dib = b.u32le(14);
  if (dib === 12) return pair(b.u16le(18), b.u16le(20)); // BITMAPCOREHEADER: 16-bit, unsigned
  const width = b.i32le(18);
  const height = b.i32le(22);
  if (width === undefined || height === undefined || width <= 0) return undefined;
  return { width, height: Math.abs(height) };
}

function pair(width: number | undefined, height: number | undefined): ImageSize | undefined {
  return width === undefined || height === undefined ? undefined : { width, height };
}

/** Reads that answer undefined past the end instead of throwing or returning garbage. */
class Bytes {
  constructor(private readonly bytes: Uint8Array) {}
  get length(): number {
    return this.bytes.length;
  }
  u8(at: number): number | undefined {
    return at >= 0 && at < this.bytes.length ? this.bytes[at] : undefined;
  }
  private has(at: number, n: number): boolean {
    return at >= 0 && at + n <= this.bytes.length;
  }
  u16be(at: number): number | undefined {
    return this.has(at, 2) ? (this.bytes[at] << 8) | this.bytes[at + 1] : undefined;
  }
  u16le(at: number): number | undefined {
    return this.has(at, 2) ? this.bytes[at] | (this.bytes[at + 1] << 8) : undefined;
  }
  u24le(at: number): number | undefined {
    return this.has(at, 3) ? this.bytes[at] | (this.bytes[at + 1] << 8) | (this.bytes[at + 2] << 16) : undefined;
  }
  u32le(at: number): number | undefined {
    const value = this.i32le(at);
    return value === undefined ? undefined : value >>> 0;
  }
  i32le(at: number): number | undefined {
    if (!this.has(at, 4)) return undefined;
    const b = this.bytes;
    return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
  }
  u32be(at: number): number | undefined {
    if (!this.has(at, 4)) return undefined;
    const b = this.bytes;
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }
  ascii(at: number, n: number): string | undefined {
    return this.has(at, n) ? String.fromCharCode(...this.bytes.subarray(at, at + n)) : undefined;
  }
}

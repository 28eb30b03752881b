// Pictures for the soak: small real PNGs for honest members (each one different, so a received copy can be matched
// to the one sent), and the decompression bomb: a file of a few hundred bytes whose header declares 12000 × 12000
// pixels (576 MB once decoded to RGBA, which is what a viewer would try to allocate).
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, sum]);
}

/** A PNG file: IHDR for `width` × `height` RGB at 8 bits, then `rows` (already filtered scanlines) deflated. */
function png(width: number, height: number, rows: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A complete, decodable `side` × `side` PNG of seeded noise (incompressible, so its size is about 3 × side²). */
export function noisePng(side: number, seed: number): Buffer {
  const stride = side * 3 + 1;
  const rows = Buffer.alloc(stride * side);
  let x = seed | 1;
  for (let i = 0; i < rows.length; i++) {
    if (i % stride === 0) continue; // filter type 0 at the start of every scanline
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    rows[i] = x & 0xff;
  }
  return png(side, side, rows);
}

export const BOMB_SIDE = 12_000;

/** A tiny PNG declaring 12000 × 12000 pixels: only its first rows of data are there, all zero. */
export function pngBomb(): Buffer {
  return png(BOMB_SIDE, BOMB_SIDE, Buffer.alloc((BOMB_SIDE * 3 + 1) * 4));
}

/** Width and height a PNG's header declares, or undefined for anything else. */
export function declaredPngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

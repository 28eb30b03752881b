// The width and height each accepted format declares, read from the header without decoding, and refusals of
// images over the pixel limit or whose size cannot be read (a tiny file declaring a gigantic picture).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatError } from '../../../../src/chat/core/errors';
import { checkImage, checkImageStart, DEFAULT_MAX_IMAGE_PIXELS } from '../../../../src/chat/core/images';
import { readImageSize } from '../../../../src/chat/core/imageSize';
import { pngDeclaring } from '../../support/helpers';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function png(width: number, height: number): Buffer {
  return pngDeclaring(width, height, 100);
}

/** SOI, an APP0 (JFIF) and an APP1 segment to skip, fill bytes, then a start-of-frame `sof` (C0, C2, …). */
function jpeg(width: number, height: number, sof = 0xc0): Buffer {
  const app1 = Buffer.concat([hex('ffe1 0102'), Buffer.alloc(0x100, 0xff)]); // 256 payload bytes, all 0xff
  const frame = Buffer.alloc(19);
  frame.set([0xff, sof], 0);
  frame.writeUInt16BE(17, 2);
  frame[4] = 8;
  frame.writeUInt16BE(height, 5);
  frame.writeUInt16BE(width, 7);
  return Buffer.concat([hex('ffd8 ffe0 0010 4a46494600 0101 000001 000100 00'), app1, hex('ffff'), frame, hex('ffd9')]);
}

function gif(screenW: number, screenH: number, frame?: { left: number; top: number; w: number; h: number }): Buffer {
  const head = Buffer.alloc(13);
  head.write('GIF89a', 0, 'ascii');
  head.writeUInt16LE(screenW, 6);
  head.writeUInt16LE(screenH, 8);
  head[10] = 0x80; // a global colour table of 2 entries (6 bytes)
  const parts = [head, Buffer.alloc(6), hex('21f904 00000000 00')]; // a graphic control extension
  if (frame) {
    const descriptor = Buffer.alloc(10);
    descriptor[0] = 0x2c;
    descriptor.writeUInt16LE(frame.left, 1);
    descriptor.writeUInt16LE(frame.top, 3);
    descriptor.writeUInt16LE(frame.w, 5);
    descriptor.writeUInt16LE(frame.h, 7);
    parts.push(descriptor, hex('02 02 4c01 00'));
  }
  parts.push(hex('3b'));
  return Buffer.concat(parts);
}

function webp(kind: 'VP8X' | 'VP8L' | 'VP8 ', width: number, height: number): Buffer {
  const file = Buffer.alloc(40);
  file.write('RIFF', 0, 'ascii');
  file.writeUInt32LE(32, 4);
  file.write('WEBPVP8', 8, 'ascii');
  file.write(kind, 12, 'ascii');
  file.writeUInt32LE(20, 16);
  if (kind === 'VP8X') {
    file.writeUIntLE(width - 1, 24, 3);
    file.writeUIntLE(height - 1, 27, 3);
  } else if (kind === 'VP8L') {
    file[20] = 0x2f;
    file.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 21);
  } else {
    file.set([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a], 20); // a key frame's tag and start code
    file.writeUInt16LE(width, 26);
    file.writeUInt16LE(height, 28);
  }
  return file;
}

function bmp(width: number, height: number, dib = 40): Buffer {
  const file = Buffer.alloc(14 + dib + 4);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(14 + dib, 10);
  file.writeUInt32LE(dib, 14);
  if (dib === 12) {
    file.writeUInt16LE(width, 18);
    file.writeUInt16LE(height, 20);
  } else {
    file.writeInt32LE(width, 18);
    file.writeInt32LE(height, 22);
  }
  return file;
}

function isChatError(code: string, message: RegExp) {
  return (error: unknown) => error instanceof ChatError && error.code === code && message.test(error.message);
}

test('the declared width and height of each format: PNG, JPEG, GIF, WebP (3 kinds), BMP (top-down too)', () => {
  assert.deepEqual(readImageSize(png(640, 480), 'image/png'), { width: 640, height: 480 });
  assert.deepEqual(readImageSize(jpeg(4000, 3000), 'image/jpeg'), { width: 4000, height: 3000 });
  assert.deepEqual(readImageSize(jpeg(800, 600, 0xc2), 'image/jpeg'), { width: 800, height: 600 }, 'progressive');
  assert.deepEqual(readImageSize(gif(320, 200), 'image/gif'), { width: 320, height: 200 });
  assert.deepEqual(readImageSize(webp('VP8X', 5000, 4000), 'image/webp'), { width: 5000, height: 4000 });
  assert.deepEqual(readImageSize(webp('VP8L', 1024, 768), 'image/webp'), { width: 1024, height: 768 });
  assert.deepEqual(readImageSize(webp('VP8 ', 1920, 1080), 'image/webp'), { width: 1920, height: 1080 });
  assert.deepEqual(readImageSize(bmp(300, 200), 'image/bmp'), { width: 300, height: 200 });
  assert.deepEqual(readImageSize(bmp(300, -200), 'image/bmp'), { width: 300, height: 200 }, 'top-down rows');
  assert.deepEqual(readImageSize(bmp(64, 32, 12), 'image/bmp'), { width: 64, height: 32 }, 'BITMAPCOREHEADER');
  assert.deepEqual(readImageSize(bmp(10, 10, 124), 'image/bmp'), { width: 10, height: 10 }, 'BITMAPV5HEADER');
});

test('a GIF frame larger than its logical screen counts: a 1 × 1 screen cannot hide a 12000 × 12000 frame', () => {
  const sneaky = gif(1, 1, { left: 0, top: 0, w: 12000, h: 12000 });
  assert.deepEqual(readImageSize(sneaky, 'image/gif'), { width: 12000, height: 12000 });
  assert.deepEqual(readImageSize(gif(100, 100, { left: 90, top: 0, w: 20, h: 5 }), 'image/gif'), {
    width: 110,
    height: 100,
  });
});

test('truncated or hostile headers give no size (never an exception, never a read past the end)', () => {
  const cases: [string, Buffer, Parameters<typeof readImageSize>[1]][] = [
    ['PNG cut inside IHDR', png(640, 480).subarray(0, 20), 'image/png'],
    ['PNG whose first chunk is not IHDR', Buffer.from(png(640, 480)).fill(0x41, 12, 16), 'image/png'],
    ['PNG of width 0', png(0, 480), 'image/png'],
    ['JPEG with only SOI', hex('ffd8ff'), 'image/jpeg'],
    ['JPEG cut inside a segment', jpeg(4000, 3000).subarray(0, 40), 'image/jpeg'],
    ['JPEG whose segment length runs past the end', hex('ffd8 ffe1 ffff 0000'), 'image/jpeg'],
    ['JPEG segment length below 2', hex('ffd8 ffe0 0001 ffc0 0011 08 0010 0010'), 'image/jpeg'],
    ['JPEG scan data before any frame header', hex('ffd8 ffda 0008 0000000000 00'), 'image/jpeg'],
    ['JPEG of fill bytes only', Buffer.concat([hex('ffd8'), Buffer.alloc(100_000, 0xff)]), 'image/jpeg'],
    ['JPEG with garbage where a marker should be', hex('ffd8 ffe0 0004 0000 1234 5678'), 'image/jpeg'],
    ['JPEG of height 0 (set later by a DNL marker)', jpeg(4000, 0), 'image/jpeg'],
    ['GIF cut inside the screen descriptor', gif(320, 200).subarray(0, 8), 'image/gif'],
    ['WebP of an unknown kind', Buffer.from(webp('VP8X', 10, 10)).fill(0x39, 15, 16), 'image/webp'],
    ['WebP lossy without its start code', Buffer.from(webp('VP8 ', 10, 10)).fill(0, 23, 26), 'image/webp'],
    ['WebP lossless without its signature byte', Buffer.from(webp('VP8L', 10, 10)).fill(0, 20, 21), 'image/webp'],
    ['WebP cut before the canvas size', webp('VP8X', 10, 10).subarray(0, 26), 'image/webp'],
    ['BMP of width 0', bmp(0, 10), 'image/bmp'],
    ['BMP of negative width', bmp(-10, 10), 'image/bmp'],
    ['BMP of height 0', bmp(10, 0), 'image/bmp'],
    ['BMP cut inside the DIB header', bmp(10, 10).subarray(0, 24), 'image/bmp'],
  ];
  for (const [what, bytes, mime] of cases) assert.equal(readImageSize(bytes, mime), undefined, what);
  // A GIF with every block cut short still answers with the screen it declared (its frames cannot be decoded).
  assert.deepEqual(readImageSize(gif(5, 5, { left: 0, top: 0, w: 5, h: 5 }).subarray(0, 30), 'image/gif'), {
    width: 5,
    height: 5,
  });
});

test("the default pixel limit is Pillow's: 1 GiB of 4-byte pixels divided by 3", () => {
  assert.equal(DEFAULT_MAX_IMAGE_PIXELS, 89_478_485);
});

test('checkImageStart judges the first bytes of an image still arriving: over the limit refused, not yet known passes', () => {
  assert.throws(
    () => checkImageStart(pngDeclaring(12000, 12000).subarray(0, 32), 'image/png', DEFAULT_MAX_IMAGE_PIXELS),
    isChatError('image-too-many-pixels', /12000 × 12000/),
  );
  checkImageStart(png(100, 100).subarray(0, 32), 'image/png', DEFAULT_MAX_IMAGE_PIXELS);
  checkImageStart(jpeg(20000, 20000).subarray(0, 32), 'image/jpeg', DEFAULT_MAX_IMAGE_PIXELS); // its size comes later
  assert.throws(() => checkImage(jpeg(20000, 20000)), isChatError('image-too-many-pixels', /20000 × 20000/));
});

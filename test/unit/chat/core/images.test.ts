import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatError } from '../../../../src/chat/core/errors';
import { checkImage, imageExtension, imageLabel, sniffImage } from '../../../../src/chat/core/images';
import { IMAGE_EXTENSIONS } from '../../../../src/chat/core/images';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../../../src/chat/core/units';
import { pngDeclaring } from '../../support/helpers';

// Real, complete 1×1 images (valid files a viewer opens), so the sniffer is tested on what users send.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const GIF89 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
// JFIF start of a JPEG (SOI + APP0 marker + "JFIF\0").
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const GIF87 = Buffer.concat([Buffer.from('GIF87a'), GIF89.subarray(6)]);

/** A 1×1 24-bit BMP built field by field: 14-byte file header + 40-byte BITMAPINFOHEADER + one padded pixel row. */
function bmp1x1(): Buffer {
  const file = Buffer.alloc(58);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(58, 2); // file size
  file.writeUInt32LE(54, 10); // pixel data offset
  file.writeUInt32LE(40, 14); // DIB header size
  file.writeInt32LE(1, 18); // width
  file.writeInt32LE(1, 22); // height
  file.writeUInt16LE(1, 26); // planes
  file.writeUInt16LE(24, 28); // bits per pixel
  file.writeUInt32LE(4, 34); // image size (one row padded to 4 bytes)
  file.set([0x00, 0x00, 0xff], 54); // one red pixel (BGR)
  return file;
}

function chatErrorWith(code: string, message: RegExp) {
  return (error: unknown) => error instanceof ChatError && error.code === code && message.test(error.message);
}

test('real PNG, JPEG, GIF87a, GIF89a, WebP and BMP files are recognised', () => {
  assert.equal(sniffImage(PNG), 'image/png');
  assert.equal(sniffImage(JPEG), 'image/jpeg');
  assert.equal(sniffImage(GIF87), 'image/gif');
  assert.equal(sniffImage(GIF89), 'image/gif');
  assert.equal(sniffImage(WEBP), 'image/webp');
  assert.equal(sniffImage(bmp1x1()), 'image/bmp');
  assert.equal(sniffImage(new Uint8Array(PNG)), 'image/png', 'plain Uint8Array works too');
});

test('liars and near misses are refused', () => {
  const wave = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WAVEfmt ')]);
  assert.equal(sniffImage(wave), undefined, 'RIFF....WAVE is audio');
  assert.equal(sniffImage(Buffer.from('RIFF')), undefined, 'RIFF cut short');
  assert.equal(sniffImage(Buffer.from('hello, this is just text\n')), undefined);
  assert.equal(sniffImage(Buffer.from('BMW is a car brand, not a bitmap at all')), undefined, "'BM' text is not a BMP");
  assert.equal(sniffImage(Buffer.from('GIF88a')), undefined);
  assert.equal(sniffImage(PNG.subarray(0, 7)), undefined, 'PNG signature cut short');
  assert.equal(sniffImage(Buffer.from([0xff, 0xd8])), undefined, 'JPEG SOI without a marker');
  assert.equal(sniffImage(Buffer.from('%PDF-1.7\n')), undefined);
  assert.equal(sniffImage(new Uint8Array(0)), undefined);
});

test('checkImage returns the sniffed type for a valid image under the limit', () => {
  assert.equal(checkImage(PNG, 1024), 'image/png');
  assert.equal(checkImage(PNG, PNG.length), 'image/png', 'exactly at the limit is allowed');
  assert.equal(checkImage(bmp1x1()), 'image/bmp', 'default limit applies');
});

test('checkImage explains a wrong file type and shows how the file starts', () => {
  const wave = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WAVEfmt data')]);
  assert.throws(
    () => checkImage(wave, 1024),
    chatErrorWith(
      'image-type',
      /^Not a supported image \(PNG, JPEG, GIF, WebP or BMP\): the file starts with 52 49 46 46 24 00 00 00 57 41 56 45 … \("RIFF\$\.\.\.WAVE"\)\.$/,
    ),
  );
  assert.throws(() => checkImage(Buffer.alloc(0), 1024), chatErrorWith('image-type', /the file is empty\.$/));
  assert.throws(
    () => checkImage(Buffer.from('hi'), 1024),
    chatErrorWith('image-type', /starts with 68 69 \("hi"\)\.$/),
  );
});

test('checkImage refuses an image over the limit with both sizes in the sentence', () => {
  const big = Buffer.alloc(Math.round(31.2 * 1024 * 1024));
  PNG.copy(big);
  assert.throws(
    () => checkImage(big, 25 * 1024 * 1024),
    chatErrorWith('image-too-large', /^Image is 31\.2 MB; the limit is 25 MB\.$/),
  );
  assert.throws(
    () => checkImage(PNG, PNG.length - 1),
    chatErrorWith('image-too-large', new RegExp(`^Image is ${PNG.length} B; the limit is ${PNG.length - 1} B\\.$`)),
  );
});

test('extensions and labels follow the sniffed type', () => {
  assert.deepEqual(
    (['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp'] as const).map((m) => [
      imageExtension(m),
      imageLabel(m),
    ]),
    [
      ['png', 'PNG'],
      ['jpg', 'JPEG'],
      ['gif', 'GIF'],
      ['webp', 'WebP'],
      ['bmp', 'BMP'],
    ],
  );
});

test('formatBytes uses B, KB, MB with one decimal only when needed', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KB');
  assert.equal(formatBytes(12595), '12.3 KB');
  assert.equal(formatBytes(25 * 1024 * 1024), '25 MB');
  assert.equal(formatBytes(3 * 1024 * 1024 * 1024), '3 GB');
});

test("the Explorer menu's Send Image filter in package.json is the engine's list of image extensions", () => {
  const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
  const entry = manifest.contributes.menus['explorer/context'].find(
    (m: { command: string }) => m.command === 'tcpChat.sendImage',
  );
  const match = /resourceExtname =~ \/(.*)\/i/.exec(entry.when);
  assert.ok(match, `no resourceExtname regex in ${entry.when}`);
  assert.equal(match[1], `^\\.(${IMAGE_EXTENSIONS.join('|')})$`);
  const menuRegex = new RegExp(match[1], 'i');
  for (const ext of IMAGE_EXTENSIONS) assert.ok(menuRegex.test(`.${ext}`), ext);
  for (const other of ['.svg', '.tiff', '.txt', '.png.txt']) assert.ok(!menuRegex.test(other), other);
});

test('checkImage refuses a 17 KB PNG declaring 12000 × 12000 pixels, and any image whose size cannot be read', () => {
  const bomb = pngDeclaring(12000, 12000);
  assert.equal(bomb.length, 17 * 1024);
  assert.throws(
    () => checkImage(bomb),
    chatErrorWith(
      'image-too-many-pixels',
      /^Image is 12000 × 12000 pixels \(144 megapixels\); the limit is 89\.5 megapixels\.$/,
    ),
  );
  assert.equal(checkImage(pngDeclaring(8000, 6000)), 'image/png', '48 megapixels (a phone photo) pass');
  assert.throws(
    () => checkImage(pngDeclaring(200, 200), undefined, 10_000),
    chatErrorWith('image-too-many-pixels', /\(40,000 pixels\); the limit is 10,000 pixels\.$/),
  );
  const jpegOfHeight0 = Buffer.from('ffd8ffc00011080000001003012200021101031101ffd9', 'hex');
  const bmpOfWidth0 = Buffer.from(bmp1x1()).fill(0, 18, 22);
  for (const [bytes, label] of [
    [pngDeclaring(0, 10), 'PNG'],
    [jpegOfHeight0, 'JPEG'],
    [bmpOfWidth0, 'BMP'],
  ] as const) {
    assert.throws(
      () => checkImage(bytes),
      chatErrorWith('image-unreadable', new RegExp(`^The ${label} image does not say how large it is`)),
    );
  }
});

// Which images we accept, decided by magic bytes only (never by a file name or a claim from the wire).
import { ChatError, type ImageMime } from './events';
import { formatBytes } from './units';

/** The default limit on one image (issue 2: 25 MiB). */
export const DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024;

const LABELS: Record<ImageMime, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/bmp': 'BMP',
};

const EXTENSIONS: Record<ImageMime, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** BITMAPCOREHEADER, INFOHEADER, V2, V3, OS/2 v2, V4, V5: the DIB header sizes real BMP files use. */
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** The image type the bytes really are, or undefined when they are not one we accept. */
export function sniffImage(bytes: Uint8Array): ImageMime | undefined {
  if (startsWith(bytes, 0, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWithText(bytes, 0, 'GIF87a') || startsWithText(bytes, 0, 'GIF89a')) return 'image/gif';
  if (bytes.length >= 12 && startsWithText(bytes, 0, 'RIFF') && startsWithText(bytes, 8, 'WEBP')) return 'image/webp';
  // 'BM' alone is too weak (any text starting "BM…"), so also require a known DIB header size at offset 14.
  if (bytes.length >= 26 && startsWithText(bytes, 0, 'BM') && BMP_DIB_HEADER_SIZES.has(readUInt32LE(bytes, 14))) {
    return 'image/bmp';
  }
  return undefined;
}

/**
 * Returns the sniffed type of an image we accept, or throws ChatError 'image-type' / 'image-too-large'
 * with a sentence to show the user.
 */
export function checkImage(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_IMAGE_BYTES): ImageMime {
  const mime = sniffImage(bytes);
  if (!mime) {
    throw new ChatError('image-type', `Not a supported image (PNG, JPEG, GIF, WebP or BMP): ${describeStart(bytes)}.`);
  }
  if (bytes.length > maxBytes) {
    throw new ChatError(
      'image-too-large',
      `Image is ${formatBytes(bytes.length)}; the limit is ${formatBytes(maxBytes)}.`,
    );
  }
  return mime;
}

/** File extension without the dot: 'png', 'jpg', 'gif', 'webp', 'bmp'. */
export function imageExtension(mime: ImageMime): string {
  return EXTENSIONS[mime];
}

/** Short name for people: 'PNG', 'JPEG', 'GIF', 'WebP', 'BMP'. */
export function imageLabel(mime: ImageMime): string {
  return LABELS[mime];
}

/** "the file starts with 52 49 46 46 … ("RIFF....WAVE")" — enough for a user to see what they picked. */
function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  const head = Array.from(bytes.subarray(0, 12));
  const hex = head.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = head.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  const more = bytes.length > head.length ? ' …' : '';
  return `the file starts with ${hex}${more} ("${text}")`;
}

function startsWith(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((b, i) => bytes[offset + i] === b);
}

function startsWithText(bytes: Uint8Array, offset: number, ascii: string): boolean {
  return startsWith(
    bytes,
    offset,
    Array.from(ascii, (c) => c.charCodeAt(0)),
  );
}

function readUInt32LE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

// Which images we accept, decided by magic bytes only (never by a file name or a claim from the wire).
import { ChatError } from './errors';
import { readImageSize, type ImageSize } from './imageSize';
import { formatBytes, formatCount } from './units';

/** The default limit on one image: 25 MiB. */
export const DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024;

/**
 * The default limit on the pixels an image declares (width × height): about 89.5 million, the default of the
 * Pillow imaging library (1 GiB at 4 bytes a pixel, divided by 3). A photo of a 48-megapixel phone passes; a
 * small file declaring a gigantic picture, which would take gigabytes to decode, does not.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = Math.floor(1024 ** 3 / 4 / 3);

/**
 * The image formats TCP Chat sends, relays and shows: the one list. The wire's validator, magic-byte sniffing, the
 * file pickers, the panel's drop/paste filter and the Explorer menu (package.json, checked by a unit test) all
 * derive from it. The first extension is the one saved files get.
 */
export const IMAGE_FORMATS = [
  { mime: 'image/png', label: 'PNG', extensions: ['png'] },
  { mime: 'image/jpeg', label: 'JPEG', extensions: ['jpg', 'jpeg'] },
  { mime: 'image/gif', label: 'GIF', extensions: ['gif'] },
  { mime: 'image/webp', label: 'WebP', extensions: ['webp'] },
  { mime: 'image/bmp', label: 'BMP', extensions: ['bmp'] },
] as const;

export type ImageMime = (typeof IMAGE_FORMATS)[number]['mime'];

const FORMAT_BY_MIME = new Map<string, (typeof IMAGE_FORMATS)[number]>(IMAGE_FORMATS.map((f) => [f.mime, f]));

/** Every accepted MIME type, e.g. for a browser's `accept` filter. */
export const IMAGE_MIMES: readonly ImageMime[] = IMAGE_FORMATS.map((f) => f.mime);

/** The accepted formats for a sentence: "PNG, JPEG, GIF, WebP or BMP". */
export const IMAGE_LABEL_LIST = `${IMAGE_FORMATS.slice(0, -1)
  .map((f) => f.label)
  .join(', ')} or ${IMAGE_FORMATS[IMAGE_FORMATS.length - 1].label}`;

/** Every file extension of an accepted format, without the dot (file-picker filters). */
export const IMAGE_EXTENSIONS: readonly string[] = IMAGE_FORMATS.flatMap((f) => f.extensions);

/** True when `mime` names a format we accept (a claim from the wire is checked against the bytes later). */
export function isImageMime(mime: unknown): mime is ImageMime {
  return typeof mime === 'string' && FORMAT_BY_MIME.has(mime);
}

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
 * Returns the sniffed type of an image we accept, or throws a ChatError with a sentence to show the user:
 * 'image-type' (not an image we accept), 'image-too-large' (over `maxBytes`), 'image-unreadable' (its width and
 * height cannot be read) or 'image-too-many-pixels' (it declares more than `maxPixels`).
 */
export function checkImage(
  bytes: Uint8Array,
  maxBytes: number = DEFAULT_MAX_IMAGE_BYTES,
  maxPixels: number = DEFAULT_MAX_IMAGE_PIXELS,
): ImageMime {
  const mime = sniffImage(bytes);
  if (!mime) {
    throw new ChatError('image-type', `Not a supported image (${IMAGE_LABEL_LIST}): ${describeStart(bytes)}.`);
  }
  if (bytes.length > maxBytes) {
    throw new ChatError(
      'image-too-large',
      `Image is ${formatBytes(bytes.length)}; the limit is ${formatBytes(maxBytes)}.`,
    );
  }
  const size = readImageSize(bytes, mime);
  if (!size) {
    throw new ChatError(
      'image-unreadable',
      `The ${imageLabel(mime)} image does not say how large it is (its header is damaged or unusual).`,
    );
  }
  checkPixels(size, maxPixels);
  return mime;
}

/**
 * The first bytes of an image still arriving, of type `mime`: throws ChatError 'image-too-many-pixels' when they
 * already declare more than `maxPixels`, so a relay refuses it before forwarding a byte. Bytes that do not yet
 * say the size (a JPEG's header can come late) pass; the whole image is checked by checkImage.
 */
export function checkImageStart(head: Uint8Array, mime: ImageMime, maxPixels: number): void {
  const size = readImageSize(head, mime);
  if (size) checkPixels(size, maxPixels);
}

function checkPixels(size: ImageSize, maxPixels: number): void {
  if (size.width * size.height <= maxPixels) return;
  throw new ChatError(
    'image-too-many-pixels',
    `Image is ${size.width} × ${size.height} pixels (${megapixels(size.width * size.height)}); the limit is ${megapixels(maxPixels)}.`,
  );
}

/** "144 megapixels", "89.5 megapixels"; under a million "40,000 pixels". */
function megapixels(pixels: number): string {
  if (pixels < 1e6) return `${formatCount(pixels)} pixels`;
  return `${formatCount(Number((pixels / 1e6).toFixed(1)))} megapixels`;
}

/** File extension without the dot: 'png', 'jpg', 'gif', 'webp', 'bmp'. */
export function imageExtension(mime: ImageMime): string {
  return FORMAT_BY_MIME.get(mime)!.extensions[0];
}

/** Short name for people: 'PNG', 'JPEG', 'GIF', 'WebP', 'BMP'. */
export function imageLabel(mime: ImageMime): string {
  return FORMAT_BY_MIME.get(mime)!.label;
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

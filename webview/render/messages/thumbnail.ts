// How large an image's thumbnail is, from the width and height it declares. Pure (no DOM), so it is unit-tested.
import type { ImageView } from '../../../src/webviewApi';

/** The thumbnail box (styles/messages.css `.thumbnail` caps it at 200 × 200 px too). */
const THUMBNAIL_BOX = 200;
/**
 * Images of more pixels than this are not shown inline: the browser decodes the whole picture for a thumbnail
 * (4 bytes a pixel, 64 MiB at this cap), so a huge one gets a button that opens it in an editor tab instead.
 */
export const THUMBNAIL_MAX_PIXELS = 4096 * 4096;

/** The size to show an image's thumbnail at (never enlarged), or undefined when it must not be decoded inline. */
export function thumbnailSize(image: ImageView): { width: number; height: number } | undefined {
  const { width, height } = image;
  if (!width || !height || width * height > THUMBNAIL_MAX_PIXELS) return undefined;
  const scale = Math.min(1, THUMBNAIL_BOX / width, THUMBNAIL_BOX / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

// Names around files, pure (no 'vscode') and unit-tested: which attachments go the image way, and the default
// name Save As… proposes for an offer (only a default: the user picks the path in the dialog).
import * as path from 'node:path';
import { IMAGE_EXTENSIONS } from '../../chat';

/** An image goes the image way (preview, thumbnail); anything else is offered as a file. Judged by the name:
 *  a file called .png that is not an image is refused by the image checks, as before. */
export function isImageName(name: string): boolean {
  const ext = path.extname(name).slice(1).toLowerCase();
  return IMAGE_EXTENSIONS.includes(ext);
}

/** The offered name as a default file name only: its last part, without control characters. */
export function defaultSaveName(offered: string): string {
  const last = offered.split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^\.+/, '');
  return cleaned.slice(0, 200) || 'file';
}

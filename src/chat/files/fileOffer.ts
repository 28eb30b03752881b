// What an offer says about a file on disk (name, size, a guess at its type), checked against a size cap before
// anything is sent; and how an offer reads for someone who cannot take it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ChatError, errorMessage } from '../core/errors';
import type { FileOffer, OutgoingFile } from '../core/files';
import { IMAGE_FORMATS } from '../core/images';
import { escapeControl } from '../core/format';
import { formatBytes } from '../core/units';

/** Types guessed from the extension (shown on the receiver's card only; never trusted for anything). */
const MIME_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  html: 'text/html',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  ...Object.fromEntries(IMAGE_FORMATS.flatMap((f) => f.extensions.map((ext) => [ext, f.mime]))),
};

/** The offer for `file` (a regular file no larger than `maxBytes`); a ChatError a user can read otherwise. */
export async function describeFile(file: OutgoingFile, maxBytes: number): Promise<FileOffer> {
  let size: number;
  try {
    const stat = await fs.stat(file.path);
    if (!stat.isFile()) throw new Error('it is not a regular file');
    size = stat.size;
  } catch (error) {
    throw new ChatError('file-refused', `Cannot send ${file.path}: ${errorMessage(error)}.`);
  }
  const name = file.name ?? path.basename(file.path);
  if (size > maxBytes) {
    throw new ChatError(
      'file-refused',
      `${name} is ${formatBytes(size)}; files of up to ${formatBytes(maxBytes)} can be sent.`,
    );
  }
  const ext = path.extname(name).slice(1).toLowerCase();
  return { name, size, mime: MIME_BY_EXTENSION[ext] ?? 'application/octet-stream' };
}

/** "report.pdf (2.0 MB)": how an offer is named in notices and log lines. */
export function offerLabel(offer: FileOffer): string {
  return `${escapeControl(offer.name)} (${formatBytes(offer.size)})`;
}

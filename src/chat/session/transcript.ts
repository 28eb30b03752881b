// The chat log on disk (chat_logs/chat_log_YYYYMMDD_HHMMSS.txt, as the one-to-one chat with a waiting queue names
// it) plus the images beside it.
// Every line is appended synchronously as the event happens, so a crash loses nothing already shown.
// The file is opened per append (not held open): if the folder is deleted or the disk fills, the next write
// fails loudly instead of vanishing into an unlinked file, and writing resumes by itself once it works again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnose } from '../core/diagnostics';
import type { ChatMessage, Notice } from '../core/events';
import { ChatError, errorMessage } from '../core/errors';
import { clock, escapeControl, indentContinuation, messageBody } from '../core/format';
import { imageExtension, sniffImage } from '../core/images';
import { formatBytes } from '../core/units';

export interface TranscriptOptions {
  /** The instant (epoch ms) that names the log file; defaults to Date.now(). */
  now?: number;
  /**
   * Image bytes this session saves at most (default 1 GiB); later images are logged as not saved. Every received
   * image is saved, so without it a peer — or a hostile server — could fill this disk.
   */
  maxSavedImageBytes?: number;
}

export const DEFAULT_MAX_SAVED_IMAGE_BYTES = 1024 * 1024 * 1024;

const NOTICE_TAGS: Record<Notice['level'], string> = { system: '[SYSTEM]', info: '[INFO]', error: '[ERROR]' };
/** Enough tries for many sessions started in the same second; a bound so a broken folder cannot loop forever. */
const MAX_NAME_TRIES = 1000;

export class Transcript {
  private imageSeq = 0;
  private closed = false;
  private savedBytes = 0;
  private skipped = 0;

  private constructor(
    /** Absolute folder holding the log and the saved images. */
    readonly dir: string,
    /** Absolute path of this session's log file. */
    readonly logFile: string,
    /** See TranscriptOptions.maxSavedImageBytes. */
    readonly maxSavedImageBytes: number,
  ) {}

  /** Image bytes saved so far in this session. */
  get savedImageBytes(): number {
    return this.savedBytes;
  }

  /** Images not saved because the session's quota was used up. */
  get imagesNotSaved(): number {
    return this.skipped;
  }

  /**
   * Creates `dir` (and parents) and a new `chat_log_YYYYMMDD_HHMMSS.txt` in it (local time); when that name
   * is taken (two sessions in one second), `_2`, `_3`, … Never overwrites. Throws ChatError 'log-failed'.
   */
  static open(dir: string, options: TranscriptOptions = {}): Transcript {
    const quota = options.maxSavedImageBytes ?? DEFAULT_MAX_SAVED_IMAGE_BYTES;
    if (!Number.isInteger(quota) || quota < 0) {
      throw new ChatError(
        'bad-option',
        `The chat log's image quota must be a whole number of bytes ≥ 0, not ${quota}.`,
      );
    }
    const folder = path.resolve(dir);
    const stamp = fileStamp(options.now ?? Date.now());
    let file = '';
    try {
      fs.mkdirSync(folder, { recursive: true });
      file = createExclusive(folder, (n) => `chat_log_${stamp}${n === 1 ? '' : `_${n}`}.txt`, '');
    } catch (error) {
      throw logFailed(file || path.join(folder, `chat_log_${stamp}.txt`), error);
    }
    diagnose('session', `chat log opened: ${file} (images saved up to ${formatBytes(quota)})`);
    return new Transcript(folder, file, quota);
  }

  /**
   * Appends `[HH:MM:SS] name (ip:port): text` and saves the message's image beside the log under a name the
   * engine makes (`img_<HHMMSS>_<seq>_<sender>.<ext>`), setting `msg.image.savedPath`. If saving the image
   * fails the line is still written (saying so), then ChatError 'log-failed' is thrown. Past the session's image
   * quota the line says the image was not saved, and ChatError 'log-quota' is thrown the first time only (one
   * notice, not one per image; imagesNotSaved counts the rest).
   */
  recordMessage(msg: ChatMessage): void {
    if (this.closed) return;
    let imageError: unknown;
    let overQuota = false;
    if (msg.image && !msg.image.savedPath) {
      // Once one image did not fit, none is saved any more (the notice said so), even a smaller one that would.
      if (this.skipped > 0 || this.savedBytes + msg.image.bytes.length > this.maxSavedImageBytes) {
        overQuota = true;
        this.skipped++;
      } else {
        try {
          msg.image.savedPath = this.saveImage(msg);
          this.savedBytes += msg.image.bytes.length;
        } catch (error) {
          imageError = error;
        }
      }
    }
    const who = `${peerLabel(msg.from)}${msg.to ? ` → ${peerLabel(msg.to)} [private]` : ''}`;
    const body = messageBody(msg, (image) =>
      image.savedPath
        ? `[image saved: ${path.basename(image.savedPath)}]`
        : overQuota
          ? `[image not saved: ${this.quotaText()}]`
          : '[image not saved]',
    );
    this.append(`[${clock(msg.at)}] ${who}: ${body}`);
    if (imageError !== undefined) throw logFailed(this.dir, imageError, 'save an image of the chat log in');
    if (overQuota && this.skipped === 1) {
      diagnose('session', `chat log image quota reached: ${this.quotaText()}; later images are not saved`);
      throw new ChatError(
        'log-quota',
        `Images are no longer saved with the chat log: ${this.quotaText()}. Messages are still logged.`,
      );
    }
  }

  /** Why images are not saved: what was saved, and the quota when that is not the same figure. */
  private quotaText(): string {
    const saved = formatBytes(this.savedBytes);
    const quota = formatBytes(this.maxSavedImageBytes);
    return `this session saved ${saved} of images already${saved === quota ? '' : `; the limit is ${quota}`}`;
  }

  /** Appends `[HH:MM:SS] [SYSTEM] text` (or `[INFO]`, `[ERROR]`). */
  recordNotice(notice: Notice): void {
    if (this.closed) return;
    const text = indentContinuation(escapeControl(notice.text, { keepNewlines: true }));
    this.append(`[${clock(notice.at)}] ${NOTICE_TAGS[notice.level]} ${text}`);
  }

  /** Stops recording; later records are ignored. Nothing is buffered, so there is nothing to flush. */
  close(): void {
    this.closed = true;
  }

  private append(entry: string): void {
    try {
      const fd = fs.openSync(this.logFile, 'a');
      try {
        fs.writeSync(fd, `${entry}\n`);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw logFailed(this.logFile, error);
    }
  }

  private saveImage(msg: ChatMessage): string {
    const image = msg.image!;
    // The extension follows the bytes, not the mime a peer claimed; non-images never get an image extension.
    const sniffed = sniffImage(image.bytes);
    const ext = sniffed ? imageExtension(sniffed) : 'bin';
    const stamp = clock(msg.at).replace(/:/g, '');
    const sender = fileSafe(msg.from.name);
    return createExclusive(this.dir, () => `img_${stamp}_${++this.imageSeq}_${sender}.${ext}`, image.bytes);
  }
}

/** `name (ip:port)`, escaped; the host's own user shows as `name (host)`. */
function peerLabel(peer: { name: string; address: string }): string {
  return `${escapeControl(peer.name)} (${escapeControl(peer.address)})`;
}

/** Letters and digits of any script, `-` and `_` only: a sender name can never add a dot, slash or drive. */
function fileSafe(name: string): string {
  const safe = Array.from(
    name
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}_-]+/gu, '_')
      .replace(/^_+|_+$/g, ''),
  )
    .slice(0, 32)
    .join('');
  return safe || 'anon';
}

/** Writes a new file under the first free name `nameFor(1)`, `nameFor(2)`, … (flag 'wx': never overwrites). */
function createExclusive(dir: string, nameFor: (attempt: number) => string, data: string | Uint8Array): string {
  for (let attempt = 1; attempt <= MAX_NAME_TRIES; attempt++) {
    const file = path.join(dir, nameFor(attempt));
    try {
      fs.writeFileSync(file, data, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free file name after ${MAX_NAME_TRIES} tries`);
}

function fileStamp(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}_${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

function logFailed(target: string, error: unknown, action = 'write the chat log'): ChatError {
  const reason = errorMessage(error);
  return new ChatError('log-failed', `Could not ${action} ${target}: ${reason}`);
}

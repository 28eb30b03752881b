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
  /**
   * Bytes this session's log file may take (default 100 MiB). Every line a peer sends is written, so without it
   * a few peers chatting just under the rate limit could grow it by gigabytes an hour. At the limit one last line
   * says the log stopped, ChatError 'log-quota' is thrown once, and later lines (and images) are not saved.
   */
  maxLogBytes?: number;
}

export const DEFAULT_MAX_SAVED_IMAGE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MAX_LOG_BYTES = 100 * 1024 * 1024;
/** The smallest log limit: room for a few lines and the one saying the log stopped. */
const MIN_LOG_BYTES = 1024;

const NOTICE_TAGS: Record<Notice['level'], string> = { system: '[SYSTEM]', info: '[INFO]', error: '[ERROR]' };
/** Enough tries for many sessions started in the same second; a bound so a broken folder cannot loop forever. */
const MAX_NAME_TRIES = 1000;

export class Transcript {
  private imageSeq = 0;
  private closed = false;
  private closingBytes: number | undefined;
  private savedBytes = 0;
  private skipped = 0;
  private logBytes = 0;
  /** The log reached maxLogBytes: nothing more is written or saved. */
  private full = false;

  private constructor(
    /** Absolute folder holding the log and the saved images. */
    readonly dir: string,
    /** Absolute path of this session's log file. */
    readonly logFile: string,
    /** See TranscriptOptions.maxSavedImageBytes. */
    readonly maxSavedImageBytes: number,
    /** See TranscriptOptions.maxLogBytes. */
    readonly maxLogBytes: number,
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
    const maxLogBytes = options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
    if (!Number.isInteger(maxLogBytes) || maxLogBytes < MIN_LOG_BYTES) {
      throw new ChatError(
        'bad-option',
        `The chat log's size limit must be a whole number of bytes ≥ ${MIN_LOG_BYTES} (room for the line saying it stopped), not ${maxLogBytes}.`,
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
    const limits = `images saved up to ${formatBytes(quota)}, the log up to ${formatBytes(maxLogBytes)}`;
    diagnose('session', `chat log opened: ${file} (${limits})`);
    return new Transcript(folder, file, quota, maxLogBytes);
  }

  /**
   * Appends `[HH:MM:SS] name (ip:port): text` and saves the message's image beside the log under a name the
   * engine makes (`img_<HHMMSS>_<seq>_<sender>.<ext>`), setting `msg.image.savedPath`. If saving the image
   * fails the line is still written (saying so), then ChatError 'log-failed' is thrown. Past the session's image
   * quota the line says the image was not saved, and ChatError 'log-quota' is thrown the first time only (one
   * notice, not one per image; imagesNotSaved counts the rest). A line past maxLogBytes is not written (nor its
   * image kept): see append.
   */
  recordMessage(msg: ChatMessage): void {
    if (this.closed || this.full) return;
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
    try {
      this.append(msg.at, msg.action ? `[${clock(msg.at)}] * ${who} ${body}` : `[${clock(msg.at)}] ${who}: ${body}`);
    } catch (error) {
      if (this.full && msg.image?.savedPath) this.unsave(msg.image);
      throw error;
    }
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
    if (this.closed || this.full) return;
    const text = indentContinuation(escapeControl(notice.text, { keepNewlines: true }));
    this.append(notice.at, `[${clock(notice.at)}] ${NOTICE_TAGS[notice.level]} ${text}`);
  }

  /** Stops recording; later records are ignored. Nothing is buffered, so there is nothing to flush. */
  close(): void {
    this.closed = true;
  }

  /**
   * Writes one entry, or — when it and the closing line would not both fit in maxLogBytes — the closing line
   * instead, and throws ChatError 'log-quota' (once: later records return before writing).
   */
  private append(at: number, entry: string): void {
    const line = `${entry}\n`;
    const size = Buffer.byteLength(line);
    // The closing line's size is the same at any time (the clock is always 8 characters): measured once.
    this.closingBytes ??= Buffer.byteLength(this.closingLine(at));
    if (this.logBytes + size + this.closingBytes <= this.maxLogBytes) {
      this.write(line);
      this.logBytes += size;
      return;
    }
    this.full = true;
    this.write(this.closingLine(at));
    const limit = formatBytes(this.maxLogBytes);
    diagnose('session', `chat log size limit reached (${limit}): ${this.logFile}; later lines are not logged`);
    throw new ChatError(
      'log-quota',
      `The chat log reached its limit of ${limit} for this session and stopped: ${this.logFile}. The chat goes on.`,
    );
  }

  private closingLine(at: number): string {
    const limit = formatBytes(this.maxLogBytes);
    return `[${clock(at)}] ${NOTICE_TAGS.system} The chat log stops here: it reached its limit of ${limit} for this session. The chat goes on; later messages are not logged.\n`;
  }

  /** Appends at once, opening the file each time: a line is on disk when its message is shown, no handle is held
   *  between lines (Windows could not move the folder), and a log folder removed meanwhile fails loudly. */
  private write(line: string): void {
    try {
      const fd = fs.openSync(this.logFile, 'a');
      try {
        fs.writeSync(fd, line);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw logFailed(this.logFile, error);
    }
  }

  /** Removes an image saved for a line the log had no room for: no file the log does not mention. */
  private unsave(image: NonNullable<ChatMessage['image']>): void {
    try {
      fs.rmSync(image.savedPath!, { force: true });
      this.savedBytes -= image.bytes.length;
    } catch {
      // Left behind if it cannot be removed; the log said it stopped.
    }
    image.savedPath = undefined;
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

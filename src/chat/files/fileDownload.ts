// A received file on its way to disk. Nothing is created before the receiver accepted; then the bytes go to a
// temporary file beside the final one and are renamed into place at the end, so a cancelled or failed transfer
// leaves nothing behind. In a folder, the final name is derived by safeFileName, reserved with an exclusive create
// (two transfers never write one file) and checked to lie inside the folder.
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChatError, errorMessage } from '../core/errors';
import type { FileTarget } from '../core/files';
import { numberedName, safeFileName } from '../core/safeFileName';

/** Names tried in a folder before giving up ("report (2).pdf" … "report (999).pdf"). */
const MAX_NAME_TRIES = 999;

export interface DownloadHooks {
  /** `total` bytes are on disk now. */
  written(total: number): void;
  /** Every byte is on disk under `savedPath`. */
  done(savedPath: string): void;
  /** The file could not be written (or got more bytes than declared); the partial file is already gone. */
  failed(reason: string): void;
}

export class FileDownload {
  private chain: Promise<void>;
  private handle: fs.FileHandle | undefined;
  private temp: string | undefined;
  /** The reserved final name in a folder (an empty file until the rename), removed on failure. */
  private reserved: string | undefined;
  private finalPath = '';
  private received = 0;
  private stopped = false;

  constructor(
    target: FileTarget,
    offeredName: string,
    private readonly size: number,
    private readonly hooks: DownloadHooks,
  ) {
    this.chain = this.run(() => this.open(target, offeredName));
    if (size === 0) this.chain = this.run(() => this.finish());
  }

  /** Bytes that arrived (written or on their way to disk). */
  get bytes(): number {
    return this.received;
  }

  /** More bytes of the file, as the slices they arrived in. */
  push(parts: readonly Buffer[]): void {
    if (this.stopped) return;
    let length = 0;
    for (const part of parts) length += part.length;
    this.received += length;
    if (this.received > this.size) return this.fail(`it sent more than the ${this.size} bytes it announced`);
    const last = this.received === this.size;
    this.chain = this.run(async () => {
      for (const part of parts) await this.handle!.write(part);
      this.hooks.written(this.received);
      if (last) await this.finish();
    });
  }

  /** Stops now (cancelled, or the connection is gone); the partial file is removed. */
  abort(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.chain = this.chain.then(() => this.cleanUp());
  }

  /** Resolves once everything started has settled (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private async open(target: FileTarget, offeredName: string): Promise<void> {
    let folder: string;
    if ('folder' in target) {
      folder = path.resolve(target.folder);
      await fs.mkdir(folder, { recursive: true });
      this.reserved = await reserveName(folder, safeFileName(offeredName));
      this.finalPath = this.reserved;
    } else {
      this.finalPath = path.resolve(target.path);
      folder = path.dirname(this.finalPath);
    }
    const temp = path.join(folder, `.${path.basename(this.finalPath)}.${randomBytes(4).toString('hex')}.part`);
    this.temp = temp;
    this.handle = await fs.open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o644);
  }

  private async finish(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await fs.rename(this.temp!, this.finalPath);
    this.temp = undefined;
    this.reserved = undefined;
    this.stopped = true;
    this.hooks.done(this.finalPath);
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.chain = this.chain.then(async () => {
      await this.cleanUp();
      this.hooks.failed(reason);
    });
  }

  /** Runs one step after the previous ones; a failing step fails the download (partial removed). */
  private run(step: () => Promise<void>): Promise<void> {
    return this.chain === undefined
      ? this.guarded(step)
      : this.chain.then(() => (this.stopped ? undefined : this.guarded(step)));
  }

  private async guarded(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (this.stopped) return;
      this.stopped = true;
      await this.cleanUp();
      this.hooks.failed(`it could not be written: ${errorMessage(error)}`);
    }
  }

  private async cleanUp(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    for (const file of [this.temp, this.reserved]) if (file) await fs.rm(file, { force: true }).catch(() => undefined);
    this.temp = undefined;
    this.reserved = undefined;
  }
}

/** Creates an empty file under `name` (or "name (2)" …) in `folder`, exclusively; returns its path. */
async function reserveName(folder: string, name: string): Promise<string> {
  for (let n = 1; n <= MAX_NAME_TRIES; n++) {
    const file = path.join(folder, n === 1 ? name : numberedName(name, n));
    if (path.dirname(file) !== folder) throw new ChatError('bad-file-name', `Refusing to write outside ${folder}.`);
    try {
      await (await fs.open(file, 'wx')).close();
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new ChatError('bad-file-name', `Too many files called ${name} in ${folder}.`);
}

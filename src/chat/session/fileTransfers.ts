// The session's files: where accepted files go (the files area under the chat log's folder, or the Save As path),
// accepting every offer when asked to (autoAcceptFiles: the CLI's --accept-files, the tcpChat.files.autoAccept
// setting), and the chat log's lines — one per offer, one per end ("saved files/report.pdf", "declined",
// "cancelled by alice", "failed: …").
import * as path from 'node:path';
import { ChatError, errorMessage } from '../core/errors';
import type { ChatEndpoint, ChatMessage } from '../core/events';
import type { TransferProgress } from '../core/files';
import { formatBytes } from '../core/units';
import type { Transcript } from './transcript';

/** The files area's folder name, under the chat log's folder. */
export const FILES_FOLDER = 'files';

export interface FileTransfersHooks {
  /** One line for the chat log. */
  log(text: string): void;
  /** An error to show (an automatic accept that failed). */
  error(text: string, code: string): void;
}

export class FileTransfers {
  constructor(
    private readonly endpoint: ChatEndpoint,
    private readonly transcript: Transcript | undefined,
    private readonly autoAccept: boolean,
    private readonly hooks: FileTransfersHooks,
  ) {}

  /** The files area (undefined without a chat log). */
  get folder(): string | undefined {
    return this.transcript && path.join(this.transcript.dir, FILES_FOLDER);
  }

  accept(messageId: string, saveAs?: string): void {
    if (saveAs !== undefined) return this.endpoint.acceptFile(messageId, { path: saveAs });
    const folder = this.folder;
    if (!folder) {
      throw new ChatError(
        'no-file-folder',
        'This chat keeps no log, so it has no files folder: use Save As to choose where the file goes.',
      );
    }
    this.endpoint.acceptFile(messageId, { folder });
  }

  /** A message with a file offer: its log line, and the automatic accept when on. */
  offered(message: ChatMessage): void {
    const file = message.file;
    if (!file || message.history) return;
    const to = message.to ? ` to ${message.to.name}` : '';
    const verb = message.own ? 'You offer' : `${message.from.name} offers`;
    this.hooks.log(`${verb} a file${to}: ${file.name} (${formatBytes(file.size)})`);
    if (message.own || !this.autoAccept) return;
    try {
      this.accept(message.id);
    } catch (error) {
      this.hooks.error(
        `${file.name} was not accepted: ${errorMessage(error)}`,
        (error as ChatError).code ?? 'internal',
      );
    }
  }

  /** A file transfer's last event: its log line. */
  transfer(progress: TransferProgress): void {
    if (progress.kind !== 'file') return;
    const line = this.endLine(progress);
    if (line === undefined) return;
    const who = progress.peer
      ? progress.direction === 'send'
        ? ` to ${progress.peer.name}`
        : ` from ${progress.peer.name}`
      : '';
    this.hooks.log(`${progress.name ?? 'file'}${who}: ${line}`);
  }

  private endLine(progress: TransferProgress): string | undefined {
    switch (progress.state) {
      case 'done':
        return progress.direction === 'send' ? 'sent' : `saved ${this.shown(progress.savedPath ?? '')}`;
      case 'declined':
        return 'declined';
      case 'cancelled':
        return progress.reason && progress.reason !== 'you cancelled it' ? progress.reason : 'cancelled';
      case 'failed':
        return `failed: ${progress.reason ?? 'unknown error'}`;
      default:
        return undefined;
    }
  }

  /** A saved path as the log shows it: relative to the log's folder when inside it. */
  private shown(file: string): string {
    const dir = this.transcript?.dir;
    if (!dir) return file;
    const relative = path.relative(dir, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
  }
}

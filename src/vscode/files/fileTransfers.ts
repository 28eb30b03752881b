// The host's side of one session's transfers: each 'transfer' event is remembered (transferRecords.ts) and posted
// to the panel as one `transfer` update (not the whole list); a received image's first event shows a placeholder
// row until its message replaces it; a send over 5 MB also shows a VS Code progress notification whose Cancel
// stops it. Files dropped into the panel from outside VS Code are kept in temporary files under the extension's
// storage, named by us, and removed when the session ends.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatSession, TransferProgress } from '../../chat';
import type { EntryView, HostToWebview } from '../../webviewApi';
import { arrivingImageView, toTransferView } from './fileViews';
import { FINAL_STATES, TransferRecords } from './transferRecords';

/** Sends at least this big get a progress notification besides their row in the panel. */
export const NOTIFY_SEND_BYTES = 5 * 1024 * 1024;

/** Where the panel's updates go (the controller's PanelFeed). */
export interface TransferFeed {
  post(message: HostToWebview): void;
  entries(entries: EntryView[]): void;
}

interface SendNotice {
  report(percent: number): void;
  finish(): void;
}

export class FileTransfers implements vscode.Disposable {
  readonly records = new TransferRecords();
  private session: ChatSession | undefined;
  private readonly notices = new Map<string, SendNotice>();
  private droppedAny = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly feed: TransferFeed,
  ) {}

  /** Follows a new session's transfers (the previous session's are forgotten, its dropped files removed). */
  attach(session: ChatSession): () => void {
    this.ended();
    this.records.clear();
    this.session = session;
    const onTransfer = (progress: TransferProgress): void => this.onTransfer(session, progress);
    session.on('transfer', onTransfer);
    return () => session.off('transfer', onTransfer);
  }

  /** The session closed: its notifications end and its temporary files go. */
  ended(): void {
    for (const notice of this.notices.values()) notice.finish();
    this.notices.clear();
    void this.removeDropped();
  }

  /** Cancels every unfinished transfer of a message (the notification's Cancel). */
  cancelMessage(messageId: string): void {
    for (const transfer of this.records.unfinished(messageId)) this.session?.cancelTransfer(transfer.id);
  }

  /** Keeps a file dropped from outside VS Code in a temporary file named by us; returns its path. */
  async keepDropped(bytes: Uint8Array): Promise<string> {
    const dir = this.droppedDir();
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `dropped-${randomUUID()}`);
    await fs.writeFile(file, bytes, { mode: 0o600 });
    this.droppedAny = true;
    return file;
  }

  dispose(): void {
    this.ended();
  }

  private droppedDir(): string {
    return path.join((this.context.storageUri ?? this.context.globalStorageUri).fsPath, 'dropped-files');
  }

  private async removeDropped(): Promise<void> {
    if (!this.droppedAny) return;
    this.droppedAny = false;
    await fs.rm(this.droppedDir(), { recursive: true, force: true }).catch(() => undefined);
  }

  private onTransfer(session: ChatSession, progress: TransferProgress): void {
    const first = this.records.record(progress);
    const placeholder =
      first && progress.kind === 'image' && progress.direction === 'receive' && !FINAL_STATES.has(progress.state)
        ? !session.history.some((e) => e.kind === 'message' && e.message.id === progress.messageId) &&
          arrivingImageView(progress, Date.now())
        : undefined;
    if (placeholder) this.feed.entries([placeholder]);
    else this.feed.post({ type: 'transfer', transfer: toTransferView(progress) });
    if (progress.direction === 'send') this.notifySend(progress);
  }

  /** One notification per message being sent (all its receivers together), while any of them runs. */
  private notifySend(progress: TransferProgress): void {
    const sends = this.records.of(progress.messageId).filter((t) => t.direction === 'send');
    const running = sends.filter((t) => !FINAL_STATES.has(t.state));
    let notice = this.notices.get(progress.messageId);
    if (running.length === 0) {
      notice?.finish();
      this.notices.delete(progress.messageId);
      return;
    }
    if (!notice) {
      if (progress.state !== 'running' || progress.total < NOTIFY_SEND_BYTES) return;
      notice = this.openNotice(progress);
      this.notices.set(progress.messageId, notice);
    }
    const bytes = running.reduce((sum, t) => sum + t.bytes, 0);
    const total = running.reduce((sum, t) => sum + t.total, 0);
    notice.report(total > 0 ? (bytes / total) * 100 : 0);
  }

  private openNotice(progress: TransferProgress): SendNotice {
    let reported = 0;
    let finished = false;
    let report: ((percent: number) => void) | undefined;
    let resolveTask: (() => void) | undefined;
    const title = progress.name
      ? vscode.l10n.t('TCP Chat: sending {0}', progress.name)
      : vscode.l10n.t('TCP Chat: sending an image');
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (bar, token) =>
        new Promise<void>((resolve) => {
          if (finished) return resolve(); // ended before VS Code started the notification
          resolveTask = resolve;
          report = (percent) => {
            const step = Math.max(0, Math.floor(percent) - reported);
            if (step === 0) return;
            reported += step;
            bar.report({ increment: step, message: `${reported}%` });
          };
          token.onCancellationRequested(() => {
            this.cancelMessage(progress.messageId);
            resolve();
          });
        }),
    );
    return {
      report: (percent) => report?.(percent),
      finish: () => {
        finished = true;
        resolveTask?.();
      },
    };
  }
}

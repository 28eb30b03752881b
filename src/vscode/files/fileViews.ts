// Files and transfers → the panel's view models (FileView, TransferView) and the file cards' UI text. Pure (no
// 'vscode'): unit-tested in plain Node, speaking through panel/l10n like the rest of the view model.
import { clock, formatBytes, type FileOffer, type TransferProgress } from '../../chat';
import type { FileStrings, FileView, MessageView, TransferView } from '../../webviewApi';
import { l10n } from '../panel/l10n';
import { toPeerView } from '../panel/viewModel';

export function toFileView(offer: FileOffer): FileView {
  return { name: offer.name, size: offer.size, sizeText: formatBytes(offer.size), mime: offer.mime };
}

/** `12.6 MB of 30.0 MB · 8.1 MB/s` while bytes move; `30.0 MB` once done; `0 B of 30.0 MB` before they do. */
export function progressText(progress: Pick<TransferProgress, 'bytes' | 'total' | 'bytesPerSecond' | 'state'>): string {
  if (progress.state === 'done') return formatBytes(progress.total);
  const part = l10n.t('{0} of {1}', formatBytes(progress.bytes), formatBytes(progress.total));
  return progress.state === 'running' && progress.bytesPerSecond > 0
    ? l10n.t('{0} · {1}/s', part, formatBytes(Math.round(progress.bytesPerSecond)))
    : part;
}

export function percentOf(bytes: number, total: number): number {
  if (total <= 0) return bytes > 0 ? 100 : 0;
  return Math.max(0, Math.min(100, Math.floor((bytes / total) * 100)));
}

export function toTransferView(progress: TransferProgress): TransferView {
  const view: TransferView = {
    id: progress.id,
    messageId: progress.messageId,
    kind: progress.kind,
    direction: progress.direction,
    state: progress.state,
    bytes: progress.bytes,
    total: progress.total,
    percent: progress.state === 'done' ? 100 : percentOf(progress.bytes, progress.total),
    progressText: progressText(progress),
  };
  if (progress.peer) view.peer = toPeerView(progress.peer);
  if (progress.reason) view.reason = progress.reason;
  if (progress.state === 'done' && progress.direction === 'receive' && progress.savedPath) view.saved = true;
  return view;
}

/** The placeholder row of a received image still arriving (its message, with the same id, replaces it). */
export function arrivingImageView(progress: TransferProgress, at: number): MessageView | undefined {
  if (!progress.peer) return undefined;
  return {
    entry: 'message',
    id: progress.messageId,
    at,
    time: clock(at),
    from: toPeerView(progress.peer),
    text: '',
    own: false,
    kind: 'image',
    arriving: true,
    transfers: [toTransferView(progress)],
  };
}

/** The file cards' text, part of the webview's table (panel/webviewStrings.ts). */
export function fileStrings(): FileStrings {
  return {
    fileCardLabel: l10n.t('File {0}'),
    fileAccept: l10n.t('Accept'),
    fileSaveAs: l10n.t('Save As…'),
    fileSaveAsTitle: l10n.t('Choose where to save the file'),
    fileDecline: l10n.t('Decline'),
    fileCancel: l10n.t('Cancel'),
    fileCancelName: l10n.t('Cancel the transfer with {0}'),
    fileOpen: l10n.t('Open'),
    fileOpenTitle: l10n.t('Open the saved file in VS Code'),
    fileReveal: l10n.t('Reveal'),
    fileRevealTitle: l10n.t('Show the saved file in its folder'),
    fileOffered: l10n.t('Offered to the room'),
    fileNobodyYet: l10n.t('nobody has accepted yet'),
    fileWaiting: l10n.t('waiting for an answer'),
    fileSaved: l10n.t('Saved'),
    fileSent: l10n.t('Sent'),
    fileDeclined: l10n.t('Declined'),
    fileCancelled: l10n.t('Cancelled'),
    fileFailed: l10n.t('Failed'),
    fileToPeer: l10n.t('to {0}'),
    fileProgressLabel: l10n.t('Transfer of {0}'),
    imageArriving: l10n.t('{0} is sending an image'),
    imageSending: l10n.t('Sending the image'),
    spokenFile: l10n.t('a file, {0} ({1})'),
    fileTooLargeToDrop: l10n.t('“{0}” is too large to drop into the chat: use “TCP Chat: Send File…” instead.'),
  };
}

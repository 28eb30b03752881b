// A file offer's card (name, size, type; Accept, Save As…, Decline; progress with Cancel; Saved with Open and
// Reveal; or why it ended) and the progress line of any transfer, images included. Every peer string goes in as
// text. A progress step updates its line in place (updateTransferLine), so a focused Cancel keeps its focus.
import type { FileView, MessageView, TransferView } from '../../../src/webviewApi';
import { button, codicon } from '../../ui';
import { t } from '../../strings';
import { el } from '../entryRow';
import { postFromBody } from './actions';

/** The state a receiver's card shows: its one transfer's, or 'offered' before any. */
export function receiveState(msg: MessageView): TransferView['state'] {
  return msg.transfers?.find((x) => x.direction === 'receive')?.state ?? 'offered';
}

/** What a finished transfer says: "Saved", "Declined", "Cancelled: the sender stopped it"… */
export function endText(transfer: TransferView): string | undefined {
  const withReason = (text: string) => (transfer.reason ? `${text}: ${transfer.reason}` : text);
  switch (transfer.state) {
    case 'done':
      return transfer.direction === 'receive' ? t('fileSaved') : t('fileSent');
    case 'declined':
      return withReason(t('fileDeclined'));
    case 'cancelled':
      return withReason(t('fileCancelled'));
    case 'failed':
      return withReason(t('fileFailed'));
    default:
      return undefined;
  }
}

/** One transfer: who (on a send), a progress bar (named `barLabel`) and its text while it runs (with Cancel), or
 *  how it ended. */
export function renderTransferLine(transfer: TransferView, barLabel: string): HTMLElement {
  const line = el('div', 'transfer');
  line.dataset.transferId = transfer.id;
  line.dataset.state = transfer.state;
  if (transfer.peer && transfer.direction === 'send')
    line.append(el('span', 'transfer-peer', t('fileToPeer', transfer.peer.name)));
  const ended = endText(transfer);
  if (ended !== undefined) {
    line.append(el('span', `transfer-end transfer-${transfer.state}`, ended));
    return line;
  }
  if (transfer.state === 'offered') {
    line.append(el('span', 'transfer-text', t('fileWaiting')));
    return line;
  }
  const bar = el('progress', 'transfer-bar');
  bar.max = 100;
  bar.value = transfer.percent;
  bar.dataset.testid = transfer.kind === 'file' ? 'file-progress' : 'transfer-progress';
  bar.setAttribute('aria-label', barLabel);
  const text = el('span', 'transfer-text', transfer.progressText);
  const cancelName = transfer.peer ? t('fileCancelName', transfer.peer.name) : undefined;
  const cancel = button(t('fileCancel'), () => postFromBody({ type: 'cancelTransfer', id: transfer.id }), {
    appearance: 'secondary',
    testid: transfer.kind === 'file' ? 'file-cancel' : 'transfer-cancel',
    ...(cancelName ? { name: cancelName } : {}),
  });
  line.append(bar, text, cancel);
  return line;
}

/** A progress step of a line already shown in the same state: bar and text only. False when it must be redrawn. */
export function updateTransferLine(root: HTMLElement, transfer: TransferView): boolean {
  const line = [...root.querySelectorAll<HTMLElement>('.transfer')].find((n) => n.dataset.transferId === transfer.id);
  if (!line || line.dataset.state !== transfer.state || transfer.state !== 'running') return false;
  const bar = line.querySelector('progress');
  const text = line.querySelector('.transfer-text');
  if (!bar || !text) return false;
  bar.value = transfer.percent;
  text.textContent = transfer.progressText;
  return true;
}

function fileHead(file: FileView): HTMLElement {
  const head = el('div', 'file-head');
  const meta = el('span', 'file-meta', file.mime ? `${file.sizeText} · ${file.mime}` : file.sizeText);
  head.append(codicon('file'), el('span', 'file-name searchable', file.name), meta);
  return head;
}

function cardButton(label: string, type: 'acceptFile' | 'saveFileAs' | 'declineFile', id: string): HTMLElement {
  const testid = { acceptFile: 'file-accept', saveFileAs: 'file-save-as', declineFile: 'file-decline' }[type];
  const options = type === 'saveFileAs' ? { title: t('fileSaveAsTitle') } : {};
  return button(label, () => postFromBody({ type, id }), {
    appearance: type === 'acceptFile' ? 'primary' : 'secondary',
    testid,
    ...options,
  });
}

function savedButtons(id: string): HTMLElement[] {
  return [
    button(t('fileOpen'), () => postFromBody({ type: 'openSavedFile', id }), {
      appearance: 'secondary',
      testid: 'file-open',
      title: t('fileOpenTitle'),
    }),
    button(t('fileReveal'), () => postFromBody({ type: 'revealSavedFile', id }), {
      appearance: 'secondary',
      testid: 'file-reveal',
      title: t('fileRevealTitle'),
    }),
  ];
}

/** The card of message `msg` (which has `file`). */
export function renderFileCard(msg: MessageView, file: FileView): HTMLElement {
  const card = el('div', 'file-card');
  card.dataset.testid = 'file-card';
  card.setAttribute('role', 'group');
  card.setAttribute('aria-label', t('fileCardLabel', file.name));
  card.append(fileHead(file));
  const transfers = msg.transfers ?? [];
  const actions = el('div', 'file-actions');
  if (msg.own) {
    card.dataset.state = transfers.at(-1)?.state ?? 'offered';
    card.append(el('div', 'file-status', t('fileOffered')));
    const sends = transfers.filter((x) => x.direction === 'send');
    if (sends.length === 0) card.append(el('div', 'transfer-text', t('fileNobodyYet')));
    for (const transfer of sends) card.append(renderTransferLine(transfer, t('fileProgressLabel', file.name)));
    return card;
  }
  const state = receiveState(msg);
  card.dataset.state = state;
  const mine = transfers.find((x) => x.direction === 'receive');
  if (state === 'offered') {
    actions.append(
      cardButton(t('fileAccept'), 'acceptFile', msg.id),
      cardButton(t('fileSaveAs'), 'saveFileAs', msg.id),
      cardButton(t('fileDecline'), 'declineFile', msg.id),
    );
  } else if (mine) {
    card.append(renderTransferLine(mine, t('fileProgressLabel', file.name)));
    if (mine.state === 'done' && mine.saved) actions.append(...savedButtons(msg.id));
  }
  if (actions.childElementCount) card.append(actions);
  return card;
}

/** An image's travel under its row: a received image still arriving (a placeholder row), or my own being sent.
 *  Nothing once it is done (the thumbnail says it all). */
export function renderImageTransfers(msg: MessageView): HTMLElement | undefined {
  const shown = (msg.transfers ?? []).filter((x) => x.kind === 'image' && (msg.arriving || x.state !== 'done'));
  if (shown.length === 0) return undefined;
  const box = el('div', 'image-transfer');
  const label = msg.own ? t('imageSending') : t('imageArriving', msg.from.name);
  if (msg.arriving) box.append(el('div', 'transfer-text', label));
  for (const transfer of shown) box.append(renderTransferLine(transfer, label));
  return box;
}

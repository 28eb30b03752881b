// A file offer's card and the progress line of any transfer (images too), drawn from fileCardModel.ts. Every peer
// string goes in as text. A progress step updates its line in place (updateTransferLine), so a focused Cancel
// keeps its focus.
import type { FileView, MessageView, TransferView } from '../../../src/webviewApi';
import { button, codicon } from '../../ui';
import { t } from '../../strings';
import { el } from '../dom';
import { postFromBody } from './actions';
import { fileCard, imageTravel, type CardAction, type TransferLine } from './fileCardModel';

function renderLine(line: TransferLine): HTMLElement {
  const { transfer } = line;
  const node = el('div', 'transfer');
  node.dataset.transferId = transfer.id;
  node.dataset.state = transfer.state;
  if (line.peer) node.append(el('span', 'transfer-peer', line.peer));
  if (line.end !== undefined) {
    node.append(el('span', `transfer-end transfer-${transfer.state}`, line.end));
    return node;
  }
  if (line.waiting !== undefined) {
    node.append(el('span', 'transfer-text', line.waiting));
    return node;
  }
  const bar = el('progress', 'transfer-bar');
  bar.max = 100;
  bar.value = transfer.percent;
  bar.dataset.testid = transfer.kind === 'file' ? 'file-progress' : 'transfer-progress';
  bar.setAttribute('aria-label', line.barLabel);
  const cancel = button(t('fileCancel'), () => postFromBody({ type: 'cancelTransfer', id: transfer.id }), {
    appearance: 'secondary',
    testid: transfer.kind === 'file' ? 'file-cancel' : 'transfer-cancel',
    ...(line.cancelName ? { name: line.cancelName } : {}),
  });
  node.append(bar, el('span', 'transfer-text', transfer.progressText), cancel);
  return node;
}

/** A progress step of a line already shown as running: bar and text only. False when it must be redrawn. */
export function updateTransferLine(root: HTMLElement, transfer: TransferView): boolean {
  const line = Array.from(root.querySelectorAll<HTMLElement>('.transfer')).find(
    (n) => n.dataset.transferId === transfer.id,
  );
  if (!line || line.dataset.state !== 'running' || transfer.state !== 'running') return false;
  const bar = line.querySelector('progress');
  const text = line.querySelector('.transfer-text');
  if (!bar || !text) return false;
  bar.value = transfer.percent;
  text.textContent = transfer.progressText;
  return true;
}

type CardRequest = 'acceptFile' | 'saveFileAs' | 'declineFile' | 'openSavedFile' | 'revealSavedFile';

const ACTIONS: Record<CardAction, { label: () => string; type: CardRequest; testid: string; title?: () => string }> = {
  accept: { label: () => t('fileAccept'), type: 'acceptFile', testid: 'file-accept' },
  saveAs: {
    label: () => t('fileSaveAs'),
    type: 'saveFileAs',
    testid: 'file-save-as',
    title: () => t('fileSaveAsTitle'),
  },
  decline: { label: () => t('fileDecline'), type: 'declineFile', testid: 'file-decline' },
  open: { label: () => t('fileOpen'), type: 'openSavedFile', testid: 'file-open', title: () => t('fileOpenTitle') },
  reveal: {
    label: () => t('fileReveal'),
    type: 'revealSavedFile',
    testid: 'file-reveal',
    title: () => t('fileRevealTitle'),
  },
};

function actionButton(action: CardAction, id: string): HTMLElement {
  const spec = ACTIONS[action];
  return button(spec.label(), () => postFromBody({ type: spec.type, id }), {
    appearance: action === 'accept' ? 'primary' : 'secondary',
    testid: spec.testid,
    ...(spec.title ? { title: spec.title() } : {}),
  });
}

/** The card of message `msg` (which has `file`): a group named after the file. */
export function renderFileCard(msg: MessageView, file: FileView): HTMLElement {
  const model = fileCard(msg, file);
  const card = el('div', 'file-card');
  card.dataset.testid = 'file-card';
  card.dataset.state = model.state;
  card.setAttribute('role', 'group');
  card.setAttribute('aria-label', t('fileCardLabel', file.name));
  const head = el('div', 'file-head');
  const meta = el('span', 'file-meta', file.mime ? `${file.sizeText} · ${file.mime}` : file.sizeText);
  head.append(codicon('file'), el('span', 'file-name searchable', file.name), meta); // search finds the name
  card.append(head);
  if (model.status) card.append(el('div', 'file-status', model.status));
  if (model.empty) card.append(el('div', 'transfer-text', model.empty));
  card.append(...model.lines.map(renderLine));
  if (model.actions.length) {
    const actions = el('div', 'file-actions');
    actions.append(...model.actions.map((action) => actionButton(action, msg.id)));
    card.append(actions);
  }
  return card;
}

/** A received image still arriving, or my own being sent: its progress under the row. */
export function renderImageTransfers(msg: MessageView): HTMLElement | undefined {
  const travel = imageTravel(msg);
  if (!travel) return undefined;
  const box = el('div', 'image-transfer');
  if (travel.caption) box.append(el('div', 'transfer-text', travel.caption));
  box.append(...travel.lines.map(renderLine));
  return box;
}

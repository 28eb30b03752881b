// What a file card and a transfer line say and offer, decided without the DOM (fileCard.ts draws it), so every
// state is unit-tested: a received offer (Accept, Save As…, Decline), its progress (Cancel), Saved (Open, Reveal)
// or why it ended; my own offer ("Offered to the room") with one line per receiver; an image's travel.
import type { FileView, MessageView, TransferView } from '../../../src/webviewApi';
import { t } from '../../strings';

export type CardAction = 'accept' | 'saveAs' | 'decline' | 'open' | 'reveal';

export interface TransferLine {
  transfer: TransferView;
  /** "to bob" on my own sends. */
  peer?: string;
  /** How it ended ("Saved", "Declined: …"); absent while offered or running. */
  end?: string;
  /** While offered: "waiting for an answer". */
  waiting?: string;
  /** While running: the bar's accessible name and Cancel's ("Cancel the transfer with bob"). */
  barLabel: string;
  cancelName?: string;
}

export interface FileCard {
  /** The card's data-state: the receiver's transfer state, or the newest of my sends. */
  state: TransferView['state'];
  /** "Offered to the room" on my own offers. */
  status?: string;
  /** My offer with no receiver yet: "nobody has accepted yet". */
  empty?: string;
  lines: TransferLine[];
  actions: CardAction[];
}

/** What a finished transfer says: "Saved", "Sent", "Declined", "Cancelled: the sender stopped it"… A decline is
 *  someone's choice: it needs no reason. */
export function endText(transfer: TransferView): string | undefined {
  const withReason = (text: string) => (transfer.reason ? `${text}: ${transfer.reason}` : text);
  switch (transfer.state) {
    case 'done':
      return transfer.direction === 'receive' ? t('fileSaved') : t('fileSent');
    case 'declined':
      return t('fileDeclined');
    case 'cancelled':
      return withReason(t('fileCancelled'));
    case 'failed':
      return withReason(t('fileFailed'));
    default:
      return undefined;
  }
}

export function transferLine(transfer: TransferView, barLabel: string): TransferLine {
  const line: TransferLine = { transfer, barLabel };
  if (transfer.peer && transfer.direction === 'send') line.peer = t('fileToPeer', transfer.peer.name);
  if (transfer.peer) line.cancelName = t('fileCancelName', transfer.peer.name);
  const end = endText(transfer);
  if (end !== undefined) line.end = end;
  else if (transfer.state === 'offered') line.waiting = t('fileWaiting');
  return line;
}

export function fileCard(msg: MessageView, file: FileView): FileCard {
  const transfers = msg.transfers ?? [];
  const barLabel = t('fileProgressLabel', file.name);
  if (msg.own) {
    const sends = transfers.filter((x) => x.direction === 'send');
    return {
      state: sends.at(-1)?.state ?? 'offered',
      status: t('fileOffered'),
      ...(sends.length === 0 ? { empty: t('fileNobodyYet') } : {}),
      lines: sends.map((x) => transferLine(x, barLabel)),
      actions: [],
    };
  }
  const mine = transfers.find((x) => x.direction === 'receive');
  const state = mine?.state ?? 'offered';
  if (!mine || state === 'offered') return { state, lines: [], actions: ['accept', 'saveAs', 'decline'] };
  return {
    state,
    lines: [transferLine(mine, barLabel)],
    actions: state === 'done' && mine.saved ? ['open', 'reveal'] : [],
  };
}

/** An image's travel under its row: a received image still arriving (its placeholder row), or my own being sent;
 *  nothing once it is done (the thumbnail says it all). */
export function imageTravel(msg: MessageView): { caption?: string; lines: TransferLine[] } | undefined {
  const shown = (msg.transfers ?? []).filter((x) => x.kind === 'image' && (msg.arriving || x.state !== 'done'));
  if (shown.length === 0) return undefined;
  const label = msg.own ? t('imageSending') : t('imageArriving', msg.from.name);
  return { ...(msg.arriving ? { caption: label } : {}), lines: shown.map((x) => transferLine(x, label)) };
}

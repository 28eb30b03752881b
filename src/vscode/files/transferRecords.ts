// What the host remembers of one session's transfers: the latest progress of each, grouped by the message (file
// offer or image) it belongs to, so a card rebuilt from history (a snapshot, a reopened panel) shows where its
// transfers stand, and so the panel's Open / Reveal find the saved file by message id (never a path from the
// webview). Pure (no 'vscode'), bounded, unit-tested.
import type { TransferProgress } from '../../chat';

/** Messages whose transfers are remembered; the oldest are forgotten first (the history keeps 10,000 entries, but
 *  files are a small part of it). */
export const TRANSFER_MESSAGE_LIMIT = 2000;

export const FINAL_STATES: ReadonlySet<TransferProgress['state']> = new Set([
  'done',
  'declined',
  'cancelled',
  'failed',
]);

export class TransferRecords {
  private readonly byMessage = new Map<string, Map<string, TransferProgress>>();

  /** Records one 'transfer' event; returns true when it is the first heard of its message. */
  record(progress: TransferProgress): boolean {
    let transfers = this.byMessage.get(progress.messageId);
    const first = transfers === undefined;
    if (!transfers) {
      transfers = new Map();
      this.byMessage.set(progress.messageId, transfers);
      if (this.byMessage.size > TRANSFER_MESSAGE_LIMIT) {
        const oldest = this.byMessage.keys().next().value;
        if (oldest !== undefined) this.byMessage.delete(oldest);
      }
    }
    transfers.set(progress.id, { ...progress });
    return first;
  }

  /** The transfers of a message, in the order they started. */
  of(messageId: string): TransferProgress[] {
    return [...(this.byMessage.get(messageId)?.values() ?? [])];
  }

  /** Where the file of message `messageId` was saved on this side, if it was. */
  savedPath(messageId: string): string | undefined {
    return this.of(messageId).find((t) => t.direction === 'receive' && t.state === 'done' && t.savedPath)?.savedPath;
  }

  /** The transfer with this id, wherever it belongs. */
  find(transferId: string): TransferProgress | undefined {
    for (const transfers of this.byMessage.values()) {
      const found = transfers.get(transferId);
      if (found) return found;
    }
    return undefined;
  }

  /** Transfers of a message still offered or moving. */
  unfinished(messageId: string): TransferProgress[] {
    return this.of(messageId).filter((t) => !FINAL_STATES.has(t.state));
  }

  clear(): void {
    this.byMessage.clear();
  }
}

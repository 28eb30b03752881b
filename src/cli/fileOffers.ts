// File offers as the CLI shows them: each offer someone makes gets a number, printed with how to answer
//   [12:00:01] [file 3] alice offers report.pdf (2.0 MB) — /accept 3 or /decline 3
// and `/accept [N]` / `/decline [N]` answer offer N, or the latest one still waiting. Accepted files are saved in
// the session's files area (under the log folder) under a name the engine derives, never the sender's path.
import {
  clock,
  errorMessage,
  escapeControl,
  formatBytes,
  type ChatMessage,
  type Notice,
  type TransferProgress,
} from '../chat';
import type { ChatSession } from '../chat';

interface Waiting {
  messageId: string;
  name: string;
}

export class FileOffers {
  /** Offers not answered yet, by the number shown beside them (in the order they came). */
  private readonly waiting = new Map<number, Waiting>();
  private counter = 0;

  constructor(
    private readonly session: ChatSession,
    /** An error or info line the CLI shows (and logs). */
    private readonly say: (level: Notice['level'], text: string, code?: string) => void,
    /** --accept-files: the session saves every offer without asking; the line says so instead of asking. */
    private readonly autoAccept = false,
  ) {}

  /** The line for a message that offers a file: mine as it is, someone else's numbered (and remembered). */
  line(message: ChatMessage): string {
    const offer = message.file;
    if (!offer) throw new Error('line() needs a file offer');
    const to = message.own && message.to ? ` to ${message.to.name}` : '';
    const what = `[${clock(message.at)}] ${escapeControl(`${message.from.name} offers ${offer.name}${to}`)} (${formatBytes(offer.size)})`;
    if (message.own) return what;
    if (this.autoAccept) return `${what} — saving it (--accept-files)`;
    const number = ++this.counter;
    this.waiting.set(number, { messageId: message.id, name: offer.name });
    return what.replace('] ', `] [file ${number}] `) + ` — /accept ${number} or /decline ${number}`;
  }

  /** An offer accepted, declined or ended some other way (the sender cancelled it) is no longer waiting. */
  transfer(progress: TransferProgress): void {
    if (progress.kind !== 'file' || progress.direction !== 'receive' || progress.state === 'offered') return;
    for (const [number, offer] of this.waiting) if (offer.messageId === progress.messageId) this.waiting.delete(number);
  }

  /** `/accept [N]` or `/decline [N]`. */
  answer(kind: 'accept' | 'decline', number?: number): void {
    const chosen = number ?? [...this.waiting.keys()].pop();
    const offer = chosen === undefined ? undefined : this.waiting.get(chosen);
    if (!offer) {
      const none = number === undefined ? 'No file offer is waiting' : `No file offer ${number} is waiting`;
      const list = [...this.waiting.keys()].join(', ');
      return this.say('error', `${none}${list ? ` (waiting: ${list})` : ''}.`, 'unknown-file');
    }
    try {
      if (kind === 'accept') this.session.acceptFile(offer.messageId);
      else this.session.declineFile(offer.messageId);
      this.waiting.delete(chosen as number); // the engine's 'transfer' event says how it went (the progress line)
    } catch (error) {
      this.say('error', `${offer.name}: ${errorMessage(error)}`, 'unknown-file');
    }
  }
}

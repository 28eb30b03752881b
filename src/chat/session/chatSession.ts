// ChatSession: the one subscriber of an endpoint's events. It logs each event (saving images), keeps a bounded
// history for panels that open late, and re-emits the same events, so the CLI and the extension never touch the
// raw endpoint and never disagree about what happened.
import { commandHelp, parseInput, TOPIC_HOST_ONLY, type ParsedInput } from '../core/chatInput';
import { parseHostCommand, type HostActions } from './hostCommands';
import type { ChatEndpoint, ChatEvents, ChatMessage, ImageData, Notice, OutgoingMessage, Peer } from '../core/events';
import { ChatError, errorMessage } from '../core/errors';
import { TypedEmitter } from '../core/typedEmitter';
import { RecentList } from '../core/recentList';
import type { Transcript } from './transcript';
import { FileTransfers } from './fileTransfers';
import { diagnose } from '../core/diagnostics';
import { readImageSize, type ImageSize } from '../core/imageSize';

/**
 * A message as history keeps it: image bytes are always dropped (empty); `size` and the width and height the image
 * declares remain. A panel shows a saved image from its file; an unsaved one (no log, or the save failed) cannot
 * be shown again, and keeping its bytes would let a peer grow our memory by 25 MiB per image for 10,000 entries.
 */
export interface HistoryMessage extends ChatMessage {
  image?: ImageData & { size: number } & Partial<ImageSize>;
}

export type HistoryEntry = { kind: 'message'; message: HistoryMessage } | { kind: 'notice'; notice: Notice };

export interface ChatSessionOptions {
  transcript?: Transcript;
  /** Entries kept in `history`; the oldest are dropped first. Default 10000. */
  historyLimit?: number;
  /** The host's controls (the server's session): then `/admit`, `/kick`, `/ban` and `/topic` typed here act. */
  host?: HostActions;
  /** Accept every file offer into the files area under the log's folder (needs a transcript). Default off. */
  autoAcceptFiles?: boolean;
}

export const DEFAULT_HISTORY_LIMIT = 10000;
const NO_BYTES = Buffer.alloc(0);

export class ChatSession extends TypedEmitter<ChatEvents> {
  readonly endpoint: ChatEndpoint;
  readonly transcript: Transcript | undefined;
  private readonly host: HostActions | undefined;
  private readonly entries: RecentList<HistoryEntry>;
  /** The log error last reported in the current failure streak, so a full disk is one notice, not thousands. */
  private lastLogError: string | undefined;
  private closing: Promise<void> | undefined;
  private readonly listeners: { [K in keyof ChatEvents]: (...args: ChatEvents[K]) => void } = {
    message: (message) => this.onMessage(message),
    notice: (notice) => this.addNotice(notice),
    roster: (roster) => this.emit('roster', roster),
    queue: (position) => this.emit('queue', position),
    state: (state) => this.emit('state', state),
    transfer: (progress) => (this.files.transfer(progress), this.emit('transfer', progress)),
  };
  private readonly files: FileTransfers;

  constructor(endpoint: ChatEndpoint, options: ChatSessionOptions = {}) {
    super();
    this.endpoint = endpoint;
    this.transcript = options.transcript;
    this.entries = new RecentList(Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT));
    this.host = options.host;
    this.files = new FileTransfers(endpoint, this.transcript, options.autoAcceptFiles === true, {
      log: (text) => this.logLine(text),
      error: (text, code) => this.notice('error', text, code),
    });
    this.subscribe(true);
  }

  /** Messages and notices in the order they happened (a copy; at most historyLimit entries). */
  get history(): readonly HistoryEntry[] {
    return this.entries.recent().slice();
  }

  /**
   * Acts on one typed line: text, `/msg` and `/me` are sent, `/name` renames, `/away` and `/back` change my status,
   * `/who` and `/help` answer with an info notice, the host's `/topic`, `/admit`, `/kick` and `/ban` act (with
   * `host`), mistakes become error notices. `/image`, `/file`, `/accept`, `/decline` and `/quit` are left to the
   * caller (CLI, panel: it knows the files and which offer a number means), which gets the parsed line back. Never
   * rejects for a failed send: the failure is already shown as an error notice.
   */
  async input(line: string): Promise<ParsedInput> {
    const hostAction = this.host && this.hostCommand(line, this.host);
    if (hostAction) return hostAction;
    const parsed = parseInput(line);
    switch (parsed.kind) {
      case 'text':
        await this.send({ text: parsed.text }).catch(() => undefined);
        break;
      case 'msg':
        await this.send({ to: parsed.to, text: parsed.text }).catch(() => undefined);
        break;
      case 'me':
        await this.send({ text: parsed.text, action: true }).catch(() => undefined);
        break;
      case 'name':
        this.endpoint.rename(parsed.name);
        break;
      case 'away':
      case 'back':
        this.endpoint.setAway(parsed.kind === 'away' ? parsed.reason : undefined);
        break;
      case 'topic':
        if (this.host) this.host.setTopic(parsed.topic);
        else this.notice('error', TOPIC_HOST_ONLY, 'host-only');
        break;
      case 'who':
        this.notice('info', describeRoster(this.endpoint));
        break;
      case 'help':
        this.notice('info', commandHelp(this.host ? 'host' : 'member'));
        break;
      case 'error':
        this.notice('error', parsed.message, 'bad-command');
        break;
      case 'image':
      case 'file':
      case 'accept':
      case 'decline':
      case 'quit':
      case 'empty':
        break;
    }
    return parsed;
  }

  /**
   * `/admit`, `/kick`, `/ban`: undefined when the line is not one of them; else 'empty' when done, or the mistake
   * (also shown as an error notice).
   */
  private hostCommand(line: string, host: HostActions): ParsedInput | undefined {
    const command = parseHostCommand(line, this.endpoint.roster);
    if (!command) return undefined;
    let problem = command.kind === 'error' ? command.message : undefined;
    try {
      if (command.kind === 'admit') host.admit(command.peer?.id);
      if (command.kind === 'kick') host.kick(command.peer.id, command.reason);
      if (command.kind === 'ban') host.ban(command.peer.id, command.reason);
    } catch (error) {
      problem = errorMessage(error); // e.g. they left a moment ago
    }
    if (problem === undefined) return { kind: 'empty' };
    this.notice('error', problem, 'bad-command');
    return { kind: 'error', message: problem };
  }

  /** Sends through the endpoint; a failure is shown as an error notice and the promise rejects with it. */
  async send(message: OutgoingMessage): Promise<void> {
    try {
      await this.endpoint.send(message);
    } catch (error) {
      const code = error instanceof ChatError ? error.code : 'send-failed';
      const text = errorMessage(error);
      this.notice('error', text, code);
      throw error;
    }
  }

  /**
   * Accepts a file offer: saved in this session's files area (`<log folder>/files/`) under a name the engine
   * derives, or at `saveAs` when the user chose a path. Throws ChatError without a log and without `saveAs`.
   */
  acceptFile(messageId: string, saveAs?: string): void {
    this.files.accept(messageId, saveAs);
  }

  /** Where accepted files go without Save As (undefined when this session keeps no log). */
  get filesFolder(): string | undefined {
    return this.files.folder;
  }

  declineFile(messageId: string): void {
    this.endpoint.declineFile(messageId);
  }

  cancelTransfer(transferId: string): void {
    this.endpoint.cancelTransfer(transferId);
  }

  /** Closes the endpoint (its last events are still logged), then stops listening and closes the log. Idempotent. */
  close(reason?: string): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.endpoint.close(reason);
      } finally {
        this.subscribe(false);
        this.transcript?.close();
      }
    })();
    return this.closing;
  }

  private subscribe(on: boolean): void {
    for (const event of Object.keys(this.listeners) as (keyof ChatEvents)[]) {
      const listener = this.listeners[event] as (...args: unknown[]) => void;
      if (on) this.endpoint.on(event, listener);
      else this.endpoint.off(event, listener);
    }
  }

  private onMessage(message: ChatMessage): void {
    // A history message was said before we got our seat: whoever was there logged it; ours is not the place.
    // A file offer's line is the files' own (fileTransfers.ts): an offer has no text of its own to log.
    const log = !message.history && !message.file;
    const follow = log ? this.record(() => this.transcript?.recordMessage(message)) : undefined;
    this.remember({ kind: 'message', message: forHistory(message) });
    this.emit('message', message);
    if (follow) this.addNotice(follow, follow.level !== 'error');
    this.files.offered(message);
  }

  /** A line in the chat log only (no notice): what happened to a file. */
  private logLine(text: string): void {
    const follow = this.record(() => this.transcript?.recordNotice({ at: Date.now(), level: 'system', text }));
    if (follow) this.addNotice(follow, follow.level !== 'error');
  }

  private notice(level: Notice['level'], text: string, code?: string): void {
    this.addNotice({ at: Date.now(), level, text, ...(code ? { code } : {}) });
  }

  /** Logs (unless it is the log's own failure), remembers and re-emits a notice. */
  private addNotice(notice: Notice, log = true): void {
    const follow = log && !notice.history ? this.record(() => this.transcript?.recordNotice(notice)) : undefined;
    this.remember({ kind: 'notice', notice });
    this.emit('notice', notice);
    if (follow) this.addNotice(follow, follow.level !== 'error');
  }

  /** Runs one transcript write; returns the notice to show after the event: a new log error, or "log resumed". */
  private record(write: () => void): Notice | undefined {
    try {
      write();
    } catch (error) {
      const text = errorMessage(error);
      // The image quota is not a broken log (its line was written): no "being written again" after it.
      if (error instanceof ChatError && error.code === 'log-quota')
        return { at: Date.now(), level: 'error', text, code: error.code };
      if (text === this.lastLogError) return undefined;
      this.lastLogError = text;
      diagnose('session', `chat log write failed: ${text}`);
      return { at: Date.now(), level: 'error', text, code: error instanceof ChatError ? error.code : 'log-failed' };
    }
    if (this.lastLogError !== undefined && this.transcript) {
      this.lastLogError = undefined;
      diagnose('session', `chat log written again: ${this.transcript.logFile}`);
      return { at: Date.now(), level: 'info', text: `The chat log is being written again: ${this.transcript.logFile}` };
    }
    return undefined;
  }

  private remember(entry: HistoryEntry): void {
    this.entries.push(entry);
  }
}

/** The history copy of a message: saved images keep path, type, size and declared dimensions, not their bytes. */
function forHistory(message: ChatMessage): HistoryMessage {
  const image = message.image;
  if (!image) return message as HistoryMessage;
  const dimensions = readImageSize(image.bytes, image.mime);
  return { ...message, image: { ...image, bytes: NO_BYTES, size: image.bytes.length, ...dimensions } };
}

/** `/who`: who chats and who waits, in order. */
function describeRoster(endpoint: ChatEndpoint): string {
  const { active, waiting, seats, topic } = endpoint.roster;
  const away = (p: Peer) => (p.away === undefined ? '' : p.away ? ` [away: ${p.away}]` : ' [away]');
  // In a room that speaks TLS every member is marked: 🔒 encrypted, or (plain) — not encrypted.
  const tls = [...active, ...waiting].some((p) => p.encrypted);
  const lock = (p: Peer) => (!tls || p.kind === 'host' ? '' : p.encrypted ? ' 🔒' : ' (plain)');
  const names = (peers: Peer[]) =>
    peers.map((p) => `${p.name}${p.id === endpoint.self?.id ? ' (you)' : ''}${lock(p)}${away(p)}`);
  const seatText = seats === 0 ? 'no seat limit' : `${seats} seat${seats === 1 ? '' : 's'}`;
  const lines = topic ? [`Topic: ${topic}`] : [];
  lines.push(`Chatting (${active.length}, ${seatText}): ${names(active).join(', ') || 'nobody'}`);
  lines.push(
    waiting.length === 0
      ? 'Waiting: nobody'
      : `Waiting (${waiting.length}): ${names(waiting)
          .map((n, i) => `#${i + 1} ${n}`)
          .join(', ')}`,
  );
  return lines.join('\n');
}

// ChatClient: one user's side of a room. It keeps who I am, the roster and my place in line, sends text and
// images, and reconnects with backoff when asked. Each TCP connection (greeting detection, handshake,
// heartbeat) is a ServerConnection; native vs plain-text servers are told apart there, automatically. What goes
// out is built in outgoingMessages.ts, what comes in is put together in incomingMessages.ts, images' frames are
// handled in imageFrames.ts.
import { resolveClientOptions, type ChatClientOptions, type ResolvedClientOptions } from './options';
import { hostPort } from '../core/address';
import { diagnose } from '../core/diagnostics';
import { escapeControl } from '../core/format';
import type {
  ChatEndpoint,
  ChatEvents,
  EndpointState,
  Notice,
  NoticeLevel,
  OutgoingMessage,
  Peer,
  Roster,
} from '../core/events';
import { ChatError } from '../core/errors';
import type { FileTarget } from '../core/files';
import { ImageTransfers } from '../core/imageTransfers';
import { TypedEmitter } from '../core/typedEmitter';
import { NO_RETRY } from './connection/handshake';
import { ClientFiles } from './files/clientFiles';
import { ImageFrames } from './imageFrames';
import { IncomingMessages } from './incomingMessages';
import { cannotSend, outgoingLimits, ownMessage, sendAway, sendMessage, type OwnMessage } from './outgoingMessages';
import { FrameType, type Frame } from '../wire/frames';
import { Reconnector } from './connection/reconnect';
import { joinedText, leftText, renamedHereText } from './roomNotices';
import { RosterPacer } from './rosterState';
import { ServerConnection, type ConnectionHooks, type Joined, type Lost } from './connection/serverConnection';

export type { ChatClientOptions } from './options';

const EMPTY_ROSTER: Roster = { seats: 0, active: [], waiting: [], connections: 0 };

export class ChatClient extends TypedEmitter<ChatEvents> implements ChatEndpoint {
  readonly role = 'client' as const;
  readonly options: ResolvedClientOptions;
  private readonly where: string;
  private readonly reconnector: Reconnector | undefined;
  private readonly incoming: IncomingMessages;
  private readonly imageFrames: ImageFrames;
  private readonly files: ClientFiles;
  /**
   * The name to ask for: what the user chose (option or /name), not the server's suffixed copy ("ann (2)"),
   * so a reconnect comes back as "ann" when that name is free again.
   */
  private name: string;
  private connection: ServerConnection | undefined;
  private currentState: EndpointState = 'idle';
  private me: Peer | undefined;
  private room = '';
  private currentRoster: Roster = EMPTY_ROSTER;
  /** The 'roster' event, at most every ROSTER_EVENT_GAP_MS (a join storm is not one re-render per join). */
  private readonly rosterEvents = new RosterPacer((roster) => this.emit('roster', roster));
  private position: number | null = null;
  /** The last Welcome's resume token: a reconnect presents it to get the same seat back. */
  private resumeToken: string | undefined;
  private started = false;
  private closing: Promise<void> | undefined;
  private counter = 0;

  constructor(options: ChatClientOptions) {
    super();
    this.options = resolveClientOptions(options);
    this.name = this.options.name;
    this.where = hostPort(this.options.host, this.options.port);
    const images = new ImageTransfers((progress) => this.emit('transfer', progress));
    this.incoming = new IncomingMessages(
      this.options.maxImageBytes,
      () => this.serverPeer(),
      () => this.nextId(),
      {
        message: (message) => this.emit('message', message),
        notice: (level, text, code) => this.notice(level, text, code),
        offer: (message, ref) => this.files.offered(message, ref),
      },
      this.options.maxImagePixels,
      images,
    );
    this.imageFrames = new ImageFrames(this.incoming, images, () => this.connection);
    this.files = new ClientFiles({
      connection: () => this.connection,
      self: () => this.me,
      maxFileBytes: this.options.maxFileBytes,
      nextRef: () => ++this.counter,
      nextMessageId: () => this.nextId(),
      message: (message) => this.emit('message', message),
      transfer: (progress) => this.emit('transfer', progress),
    });
    const policy = this.options.reconnect;
    this.reconnector =
      policy &&
      new Reconnector(policy, this.where, {
        attempt: () => this.attempt(),
        cancelled: () => this.closing !== undefined,
        final: (error) => NO_RETRY.has(error.code ?? ''),
        notice: (level, text, code) => this.notice(level, text, code),
        state: (state) => this.setState(state),
      });
  }

  get self(): Peer | undefined {
    return this.me;
  }
  get roster(): Roster {
    return this.currentRoster;
  }
  get state(): EndpointState {
    return this.currentState;
  }
  /** My place in the waiting queue (1 = next), or null when I have a seat (or am not connected). */
  get queuePosition(): number | null {
    return this.position;
  }
  /** The room's name from the greeting (for a plain-text server: its address). */
  get roomName(): string {
    return this.room;
  }
  /** The room certificate's fingerprint (`AB:CD:…`) while connected inside TLS; undefined: not encrypted. */
  get fingerprint(): string | undefined {
    return this.connection?.fingerprint;
  }
  /** True when the server speaks plain text (no images, no private messages). */
  get plainText(): boolean {
    return this.connection?.mode === 'plain';
  }

  /** Resolves once we are in the room (seated or waiting); rejects with a ChatError a user can read. */
  async connect(): Promise<void> {
    if (this.closing) throw new ChatError('closed', 'This client was closed; make a new one to connect again.');
    if (this.started)
      throw new ChatError(
        'already-connected',
        'This client is already connected; make a new one for another connection.',
      );
    this.started = true;
    try {
      await this.attempt();
    } catch (error) {
      const chatError = error instanceof ChatError ? error : new ChatError('internal', String(error));
      if (!this.closing) {
        this.notice('error', chatError.message, chatError.code);
        this.setState('closed');
      }
      throw chatError;
    }
  }

  async send(message: OutgoingMessage): Promise<void> {
    const connection = this.connection;
    if (!connection?.usable || this.currentState !== 'active')
      throw cannotSend(this.currentState, this.position, this.where);
    if (message.file) return this.files.offer(message.file, message.to, this.currentRoster);
    sendMessage(connection, message, {
      roster: this.currentRoster,
      limits: outgoingLimits(this.options, connection.challenge, this.maxQueuedBytes()),
      nextRef: () => ++this.counter,
      own: (parts) => this.emitOwn(parts),
      sendingImage: (ref, start) => this.imageFrames.sending(connection, ref, start),
    });
  }

  /** `/away [reason]` or `/back` (undefined): the server tells the room and shows it in the roster. */
  setAway(reason: string | undefined): void {
    const refused = sendAway(this.connection, reason);
    if (refused) this.notice('error', refused.message, refused.code);
  }

  rename(name: string): void {
    const connection = this.connection;
    if (connection?.usable && connection.mode === 'native') {
      // The server answers with the final (sanitised, unique) name in a notice and the next roster.
      this.name = name;
      connection.send({ type: FrameType.Rename, body: { name } });
    } else if (connection?.usable && connection.mode === 'plain' && this.me) {
      this.name = name;
      this.me = { ...this.me, name };
      this.notice('system', renamedHereText(name));
    } else {
      this.notice('error', 'Not connected: the name cannot be changed right now.', 'not-connected');
    }
  }

  /** Outgoing bytes not yet handed to the kernel (image chunks waiting in the bulk lane, mostly). */
  get pendingBytes(): number {
    return this.connection?.writer.pendingBytes ?? 0;
  }

  /** Resolves when everything queued (image chunks included) has been handed to the kernel. */
  async flushed(timeoutMs = 60_000): Promise<void> {
    await this.connection?.writer.flushed(timeoutMs);
  }

  // Files (client/files/): offers we make and get, and their transfers.
  acceptFile(messageId: string, target: FileTarget): void {
    this.files.accept(messageId, target);
  }
  declineFile(messageId: string): void {
    this.files.decline(messageId);
  }
  cancelTransfer(transferId: string): void {
    this.files.cancel(transferId);
  }

  close(reason = 'Client left'): Promise<void> {
    this.closing ??= (async () => {
      diagnose('client', `leaving ${this.where}: ${escapeControl(reason)}`);
      const wasIn = this.connection?.usable === true;
      this.reconnector?.stop();
      this.imageFrames.leaving(this.connection?.writer.pendingBytes === 0);
      await this.connection?.end(reason).catch(() => undefined);
      this.connectionEnded();
      if (wasIn) this.notice('system', leftText(this.room, this.where));
      this.setState('closed');
    })();
    return this.closing;
  }

  // ------------------------------------------------------------------------------------------ one connection

  private attempt(): Promise<void> {
    this.setState('connecting');
    this.incoming.clear();
    const token = this.resumeToken;
    const resume = token === undefined ? undefined : { resume: token, seen: this.incoming.lastRef };
    const hooks: ConnectionHooks = {
      handshaking: () => this.setState('handshaking'),
      joined: (joined) => this.onJoined(joined),
      frame: (frame) => this.onFrame(frame),
      line: (from, text) => this.emit('message', { id: this.nextId(), at: Date.now(), from, text, own: false }),
      notice: (level, text, code) => this.notice(level, text, code),
      lost: (lost) => this.onLost(connection, lost),
    };
    const connection = new ServerConnection(this.options, this.name, this.maxQueuedBytes(), hooks, resume);
    this.connection = connection;
    return connection.joinedRoom();
  }

  private onJoined(joined: Joined): void {
    // A reconnect must meet the same certificate, and TLS again (no downgrade), even without known hosts.
    const fingerprint = this.connection?.fingerprint;
    if (this.options.tls && fingerprint) this.options.tls.fingerprint ??= fingerprint;
    if (joined.kind === 'plain') {
      this.room = this.where;
      this.enterRoom(joined.self, null, { seats: 0, active: [joined.self], waiting: [], connections: 1 });
    } else {
      const { you, seats, position, resume } = joined.welcome;
      this.room = joined.welcome.room || joined.room;
      this.resumeToken = resume;
      this.enterRoom(you, position, { seats, active: [], waiting: [], connections: 0 });
    }
    this.notice('system', joinedText(joined, this.room, this.where));
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case FrameType.Message:
        return this.incoming.header(frame.body);
      case FrameType.ImageChunk:
      case FrameType.ImageAbort:
      case FrameType.ImageAck:
        return this.imageFrames.frame(frame);
      case FrameType.FileOpen:
      case FrameType.FileChunk:
      case FrameType.FileAck:
      case FrameType.FileCancel:
        return this.files.frame(frame);
      case FrameType.Notice:
        return this.notice(frame.body.level, frame.body.text, frame.body.code, frame.body.history);
      case FrameType.Error:
        return this.notice('error', frame.body.message, frame.body.code);
      case FrameType.Roster:
        return this.setRoster(frame.body);
      case FrameType.Queue:
        return this.setQueue(frame.body.position);
      case FrameType.Welcome: // a later Welcome (our server sends none after the first) only updates who I am
        this.me = frame.body.you;
        this.resumeToken = frame.body.resume ?? this.resumeToken;
        return;
    }
  }

  private onLost(connection: ServerConnection, lost: Lost): void {
    if (connection !== this.connection || this.closing) return;
    this.imageFrames.lost();
    this.connectionEnded();
    this.notice(lost.error ? 'error' : 'system', lost.text, 'disconnected');
    if (this.reconnector && !lost.final) this.reconnector.start();
    else this.setState('closed');
  }

  /** What one connection held is gone (we left, or it was lost): the roster event due, half-received messages. */
  private connectionEnded(): void {
    this.rosterEvents.flush();
    this.incoming.clear();
    this.files.connectionLost();
    this.position = null;
  }

  private enterRoom(self: Peer, position: number | null, roster: Roster): void {
    this.me = self;
    this.currentRoster = roster;
    this.setQueue(position);
  }

  // ------------------------------------------------------------------------------------------ small helpers

  private setRoster(roster: Roster): void {
    this.currentRoster = roster;
    const me = this.me && [...roster.active, ...roster.waiting].find((peer) => peer.id === this.me!.id);
    if (me) this.me = me;
    this.rosterEvents.push(roster);
  }

  private setQueue(position: number | null): void {
    this.position = position;
    this.setState(position === null ? 'active' : 'waiting');
    this.emit('queue', position);
  }

  private setState(state: EndpointState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private notice(level: NoticeLevel, text: string, code?: string, history?: boolean): void {
    const notice: Notice = code ? { at: Date.now(), level, text, code } : { at: Date.now(), level, text };
    if (history === true) notice.history = true;
    this.emit('notice', notice);
  }

  /** Emits my own message; returns its id. */
  private emitOwn(parts: OwnMessage): string {
    const message = ownMessage(this.nextId(), this.me!, parts);
    this.emit('message', message);
    return message.id;
  }

  /** Who a message without a sender is from: the server itself. */
  private serverPeer(): Peer {
    return { id: 0, name: this.room || this.where, address: this.where, kind: 'host' };
  }

  /** Outgoing bytes we queue before refusing another image: a few images' worth. */
  private maxQueuedBytes(): number {
    return 4 * this.options.maxImageBytes;
  }

  private nextId(): string {
    return `c${++this.counter}`;
  }
}

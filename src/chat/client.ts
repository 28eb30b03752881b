// ChatClient: one user's side of a room. Connects, tells a native TCP Chat server (greeting line) from a
// plain-text one (ncat --chat, seed 000: no greeting, or some other first line), handshakes, sends text and
// images, keeps the roster and queue position, answers heartbeats and reconnects with backoff when asked.
import { connect as netConnect, type Socket } from 'node:net';
import { resolveClientOptions, type ChatClientOptions, type ResolvedClientOptions } from './clientOptions';
import { describeConnectError, hostPort } from './connectErrors';
import {
  ChatError,
  TypedEmitter,
  type ChatEndpoint,
  type ChatEvents,
  type ChatMessage,
  type EndpointState,
  type NoticeLevel,
  type OutgoingMessage,
  type Peer,
  type Roster,
} from './events';
import { FrameWriter } from './frameWriter';
import { checkImage, formatBytes } from './images';
import { IncomingMessages } from './incomingMessages';
import { PlainServerLink } from './plainServerLink';
import {
  authProof,
  CLIENT_PREAMBLE,
  encodeFrame,
  FrameDecoder,
  FrameType,
  HARD_MAX_FRAME_BYTES,
  MAX_IMAGE_CHUNK,
  PROTOCOL_VERSION,
  ProtocolError,
  type ChallengeBody,
  type Frame,
  type MessageBody,
  type UnknownFrame,
} from './protocol';
import { formatDelay, Reconnector } from './reconnect';
import { classifyGreeting } from './serverGreeting';

export type { ChatClientOptions } from './clientOptions';

/** Errors after which trying again cannot help, so reconnecting stops. */
const NO_RETRY = new Set(['bad-password', 'password-required', 'version', 'bad-version', 'kicked']);
const CLIENT_ID = `tcp-chat-node/${PROTOCOL_VERSION}`;

/** One TCP connection attempt; a reconnect makes a fresh one. */
interface Link {
  socket: Socket;
  writer: FrameWriter;
  mode: 'detecting' | 'native' | 'plain';
  /** Bytes received while still deciding native vs plain. */
  head: Buffer;
  decoder?: FrameDecoder;
  plain?: PlainServerLink;
  challenge?: ChallengeBody;
  incoming: IncomingMessages;
  /** Set until we are in the room; settling clears it. */
  settle?: { resolve: () => void; reject: (error: ChatError) => void };
  timer?: NodeJS.Timeout;
  heartbeat?: NodeJS.Timeout;
  missedPongs: number;
  lastError?: NodeJS.ErrnoException;
  /** The server's Bye reason. */
  goodbye?: string;
  /** The server refused us for good (fatal Error frame, or removed by the host). */
  fatal?: ChatError;
}

export class ChatClient extends TypedEmitter<ChatEvents> implements ChatEndpoint {
  readonly role = 'client' as const;
  readonly options: ResolvedClientOptions;
  private readonly where: string;
  private readonly reconnector: Reconnector | undefined;
  private name: string;
  private link: Link | undefined;
  private currentState: EndpointState = 'idle';
  private me: Peer | undefined;
  private room = '';
  private currentRoster: Roster = { seats: 0, active: [], waiting: [], connections: 0 };
  private position: number | null = null;
  private started = false;
  private closing: Promise<void> | undefined;
  private counter = 0;

  constructor(options: ChatClientOptions) {
    super();
    this.options = resolveClientOptions(options);
    this.name = this.options.name;
    this.where = hostPort(this.options.host, this.options.port);
    const policy = this.options.reconnect;
    this.reconnector = policy && new Reconnector(policy, this.where, {
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
  /** True when the server speaks plain text (no images, no private messages). */
  get plainText(): boolean {
    return this.link?.mode === 'plain';
  }

  /** Resolves once we are in the room (seated or waiting); rejects with a ChatError a user can read. */
  async connect(): Promise<void> {
    if (this.closing) throw new ChatError('closed', 'This client was closed; make a new one to connect again.');
    if (this.started) throw new ChatError('already-connected', 'This client is already connected; make a new one for another connection.');
    this.started = true;
    try {
      await this.attempt();
    } catch (error) {
      const chatError = asChatError(error);
      if (!this.closing) {
        this.notice('error', chatError.message, chatError.code);
        this.setState('closed');
      }
      throw chatError;
    }
  }

  async send(message: OutgoingMessage): Promise<void> {
    const link = this.link;
    if (this.currentState === 'waiting') {
      throw new ChatError('not-admitted', `You are #${this.position ?? '?'} in line; you can chat once you're admitted.`);
    }
    if (!link || this.currentState !== 'active') throw this.notConnected();
    const text = message.text ?? '';
    const image = message.image;
    if (text === '' && !image) throw new ChatError('empty-message', 'Nothing to send: type a message or pick an image.');
    if (link.mode === 'plain') {
      if (image) throw new ChatError('plain-text-server', "This server speaks plain text: images can't be sent.");
      if (message.to) throw new ChatError('plain-text-server', "This server speaks plain text: private messages can't be sent.");
      link.plain!.sendText(text);
      return this.emitOwn({ text, code: message.code });
    }
    const to = message.to === undefined ? undefined : this.findPeer(message.to);
    const mime = image ? checkImage(image, Math.min(this.options.maxImageBytes, link.challenge?.maxImageBytes ?? Infinity)) : undefined;
    if (image && link.writer.pendingBytes + image.length > this.maxQueuedBytes()) {
      throw new ChatError('busy', `Still sending earlier images (${formatBytes(link.writer.pendingBytes)} queued); try again when they are through.`);
    }
    const ref = ++this.counter;
    const body: MessageBody = { ref, text };
    if (message.code) body.code = message.code;
    if (image && mime) body.image = { mime, size: image.length };
    if (to) body.to = to.name;
    const header = encodeFrame({ type: FrameType.Message, body });
    const maxFrame = link.challenge?.maxFrameBytes ?? HARD_MAX_FRAME_BYTES;
    if (header.length - 4 > maxFrame) {
      throw new ChatError('too-long', `The message is too long (${formatBytes(header.length)}); the server takes up to ${formatBytes(maxFrame)}.`);
    }
    link.writer.urgent(header);
    // Chunks wait in the bulk lane, so a text sent meanwhile overtakes them.
    for (let offset = 0; image && offset < image.length; offset += MAX_IMAGE_CHUNK) {
      link.writer.queue(encodeFrame({ type: FrameType.ImageChunk, ref, bytes: image.subarray(offset, offset + MAX_IMAGE_CHUNK) }));
    }
    this.emitOwn({ text, code: message.code, to, image: image && mime ? { mime, bytes: image } : undefined });
  }

  rename(name: string): void {
    const link = this.link;
    if (link?.mode === 'native' && !link.settle && !link.socket.destroyed) {
      // The server answers with the final (sanitised, unique) name in a notice and the next roster.
      link.writer.urgent(encodeFrame({ type: FrameType.Rename, body: { name } }));
    } else if (link?.mode === 'plain' && this.me) {
      this.name = name;
      this.me = { ...this.me, name };
      this.notice('system', `You are now ${name} on this side; a plain-text server does not know names, so others still see the label it gave you.`);
    } else {
      this.notice('error', 'Not connected: the name cannot be changed right now.', 'not-connected');
    }
  }

  /** Resolves when everything queued (image chunks included) has been handed to the kernel. */
  async flushed(timeoutMs = 60_000): Promise<void> {
    await this.link?.writer.flushed(timeoutMs);
  }

  close(reason = 'Client left'): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  // ------------------------------------------------------------------------------------------ connecting

  private attempt(): Promise<void> {
    const { host, port, connectTimeoutMs, greetingTimeoutMs } = this.options;
    return new Promise<void>((resolve, reject) => {
      this.setState('connecting');
      const socket = netConnect({ host, port });
      const link: Link = {
        socket,
        writer: new FrameWriter(socket, {
          maxPendingBytes: this.maxQueuedBytes() + HARD_MAX_FRAME_BYTES,
          onOverflow: (pending) => {
            this.notice('error', `${formatBytes(pending)} could not be sent to ${this.where} (it stopped reading); dropping the connection.`, 'output-cap');
            socket.destroy();
          },
        }),
        mode: 'detecting',
        head: Buffer.alloc(0),
        incoming: new IncomingMessages(this.options.maxImageBytes, () => this.serverPeer(), () => this.nextId(), {
          message: (message) => this.emit('message', message),
          notice: (level, text, code) => this.notice(level, text, code),
        }),
        missedPongs: 0,
      };
      const done = () => {
        link.settle = undefined;
        clearTimeout(link.timer);
      };
      link.settle = {
        resolve: () => (done(), resolve()),
        reject: (error) => (done(), socket.destroy(), reject(error)),
      };
      this.link = link;
      const timedOut = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
      link.timer = setTimeout(() => link.settle?.reject(describeConnectError(timedOut, host, port, connectTimeoutMs)), connectTimeoutMs);
      socket.once('connect', () => {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 15_000);
        this.setState('handshaking');
        clearTimeout(link.timer);
        // Plain-text servers (ncat, seed 000) often say nothing at all: silence means plain text.
        link.timer = setTimeout(() => this.startPlain(link), greetingTimeoutMs);
      });
      socket.on('data', (chunk: Buffer) => this.onData(link, chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => (link.lastError = error));
      socket.on('close', () => this.onClose(link));
    });
  }

  private onData(link: Link, chunk: Buffer): void {
    if (link !== this.link) return;
    link.missedPongs = 0;
    if (link.mode === 'native') return this.onFrameBytes(link, chunk);
    if (link.mode === 'plain') return link.plain!.push(chunk);
    link.head = Buffer.concat([link.head, chunk]);
    const verdict = classifyGreeting(link.head);
    if (verdict.kind === 'plain') return this.startPlain(link);
    if (verdict.kind === 'undecided') return;
    clearTimeout(link.timer);
    if (verdict.version !== PROTOCOL_VERSION) {
      const problem = `The server speaks TCP Chat protocol version ${verdict.version}; this client speaks version ${PROTOCOL_VERSION}. Update the older side.`;
      return link.settle?.reject(new ChatError('version', problem));
    }
    link.mode = 'native';
    link.head = Buffer.alloc(0);
    this.room = verdict.room;
    link.decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES);
    link.writer.urgent(CLIENT_PREAMBLE);
    const timeout = this.options.connectTimeoutMs;
    link.timer = setTimeout(() => {
      link.settle?.reject(new ChatError('handshake-timeout', `${this.where} greeted us but did not let us in within ${formatDelay(timeout)}.`));
    }, timeout);
    if (verdict.rest.length > 0) this.onFrameBytes(link, verdict.rest);
  }

  /** No greeting (in time) or another first line: a plain-text server. What it sent so far becomes messages. */
  private startPlain(link: Link): void {
    if (link !== this.link || link.mode !== 'detecting' || !link.settle) return;
    clearTimeout(link.timer);
    link.mode = 'plain';
    this.room = this.where;
    const self: Peer = { id: 1, name: this.name, address: hostPort(link.socket.localAddress ?? '?', link.socket.localPort ?? 0), kind: 'plain' };
    link.plain = new PlainServerLink(link.socket, this.where, this.options.plainPauseMs, {
      message: (from, text) => this.emit('message', { id: this.nextId(), at: Date.now(), from, text, own: false }),
      notice: (text) => this.notice('system', text),
    });
    this.enterRoom(self, null, { seats: 0, active: [self], waiting: [], connections: 1 });
    this.notice('system', `Connected to ${this.where}, a plain-text chat server: your lines are sent as typed; images and private messages are not available.`);
    link.settle.resolve();
    const head = link.head;
    link.head = Buffer.alloc(0);
    if (head.length > 0) link.plain.push(head);
  }

  private onFrameBytes(link: Link, chunk: Buffer): void {
    let frames: Array<Frame | UnknownFrame>;
    try {
      frames = link.decoder!.push(chunk);
    } catch (error) {
      const detail = error instanceof ProtocolError ? error.message : String(error);
      const problem = new ChatError('protocol', `The server sent data this client cannot read (${detail.replace(/\.$/, '')}); disconnecting.`);
      if (link.settle) return link.settle.reject(problem);
      this.notice('error', problem.message, problem.code);
      link.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (link !== this.link || link.socket.destroyed) return;
      if (frame.type !== 'unknown') this.onFrame(link, frame); // unknown types: skipped (forward compatible)
    }
  }

  private onFrame(link: Link, frame: Frame): void {
    switch (frame.type) {
      case FrameType.Challenge:
        return this.answerChallenge(link, frame.body);
      case FrameType.Welcome:
        return this.onWelcome(link, frame.body.you, frame.body.position, frame.body.seats);
      case FrameType.Error: {
        const error = new ChatError(frame.body.code, frame.body.message);
        if (frame.body.fatal) link.fatal = error;
        if (link.settle && frame.body.fatal) return link.settle.reject(error);
        return this.notice('error', error.message, error.code);
      }
      case FrameType.Message:
        return link.incoming.header(frame.body);
      case FrameType.ImageChunk:
        return link.incoming.chunk(frame.ref, frame.bytes);
      case FrameType.ImageAbort:
        return link.incoming.abort(frame.ref);
      case FrameType.Notice:
        // Removed by the host: the server closes next, and coming straight back would undo the host's decision.
        if (frame.body.code === 'kicked') link.fatal = new ChatError('kicked', frame.body.text);
        return this.notice(frame.body.level, frame.body.text, frame.body.code);
      case FrameType.Roster:
        return this.setRoster(frame.body);
      case FrameType.Queue:
        return this.setQueue(frame.body.position);
      case FrameType.Ping:
        link.writer.urgent(encodeFrame({ type: FrameType.Pong, payload: frame.payload }));
        return;
      case FrameType.Bye:
        link.goodbye = frame.body.reason || 'goodbye';
        return;
      default:
        return; // Pong (any frame already counts as a sign of life), and frames only a server should receive.
    }
  }

  private answerChallenge(link: Link, challenge: ChallengeBody): void {
    if (link.challenge || !link.settle) return;
    link.challenge = challenge;
    let proof: string | undefined;
    if (challenge.auth === 'hmac-sha256') {
      const password = this.options.password;
      if (!password) return link.settle.reject(new ChatError('password-required', `The room "${challenge.room}" needs a password; connect again with one.`));
      proof = authProof(password, challenge.nonce);
    }
    link.writer.urgent(encodeFrame({ type: FrameType.Hello, body: { v: PROTOCOL_VERSION, name: this.name, client: CLIENT_ID, proof } }));
  }

  private onWelcome(link: Link, you: Peer, position: number | null, seats: number): void {
    if (!link.settle) {
      this.me = you;
      this.name = you.name;
      return;
    }
    this.enterRoom(you, position, { seats, active: [], waiting: [], connections: 0 });
    this.notice('system', `Connected to ${this.room ? `"${this.room}" at ` : ''}${this.where} as ${you.name}.`);
    link.heartbeat = setInterval(() => this.beat(link), this.options.heartbeatIntervalMs);
    link.heartbeat.unref();
    link.settle.resolve();
  }

  private enterRoom(self: Peer, position: number | null, roster: Roster): void {
    this.me = self;
    this.name = self.name;
    this.currentRoster = roster;
    this.setQueue(position);
  }

  /** Any bytes from the server count as an answer; 2 intervals of silence after our Pings mean it is gone. */
  private beat(link: Link): void {
    if (link.missedPongs >= 2) {
      this.notice('error', `${this.where} stopped answering (2 heartbeats without a reply); dropping the connection.`, 'heartbeat');
      link.socket.destroy();
      return;
    }
    link.missedPongs++;
    link.writer.urgent(encodeFrame({ type: FrameType.Ping, payload: Buffer.alloc(0) }));
  }

  // ------------------------------------------------------------------------------------------ losing the server

  private onClose(link: Link): void {
    clearInterval(link.heartbeat);
    clearTimeout(link.timer);
    link.writer.dispose();
    link.incoming.clear();
    link.plain?.finish();
    if (link !== this.link) return;
    const { host, port, connectTimeoutMs } = this.options;
    const socketError = link.lastError && describeConnectError(link.lastError, host, port, connectTimeoutMs);
    if (link.settle) {
      const early = `${this.where} closed the connection before letting us in${link.goodbye ? ` (${link.goodbye})` : ''}.`;
      return link.settle.reject(link.fatal ?? socketError ?? new ChatError('closed-early', early));
    }
    if (this.closing) return;
    this.position = null;
    const why = link.fatal?.message ?? (link.goodbye ? `the server said: ${link.goodbye}` : socketError?.message ?? 'the server closed the connection');
    this.notice(link.fatal || socketError ? 'error' : 'system', `Disconnected from ${this.where} — ${why.replace(/\.$/, '')}.`, 'disconnected');
    if (this.reconnector && !(link.fatal && NO_RETRY.has(link.fatal.code))) this.reconnector.start();
    else this.setState('closed');
  }

  private async shutdown(reason: string): Promise<void> {
    this.reconnector?.stop();
    const link = this.link;
    if (link?.settle) link.settle.reject(new ChatError('closed', 'The connection was closed before the chat started.'));
    if (link && !link.socket.destroyed) {
      clearInterval(link.heartbeat);
      // Bye goes in the bulk lane, behind image chunks still being sent, so they arrive first.
      if (link.mode === 'native') link.writer.queue(encodeFrame({ type: FrameType.Bye, body: { reason } }));
      await link.writer.flushed(5000);
      await endSocket(link.socket, 2000);
    }
    this.position = null;
    this.setState('closed');
  }

  // ------------------------------------------------------------------------------------------ small helpers

  private setRoster(roster: Roster): void {
    this.currentRoster = roster;
    const me = this.me && [...roster.active, ...roster.waiting].find((peer) => peer.id === this.me!.id);
    if (me) {
      this.me = me;
      this.name = me.name;
    }
    this.emit('roster', roster);
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

  private notice(level: NoticeLevel, text: string, code?: string): void {
    this.emit('notice', code ? { at: Date.now(), level, text, code } : { at: Date.now(), level, text });
  }

  /** The private recipient by name: exact match first, then a unique case-insensitive one (as the server matches). */
  private findPeer(name: string): Peer {
    const everyone = [...this.currentRoster.active, ...this.currentRoster.waiting];
    const exact = everyone.find((peer) => peer.name === name);
    if (exact) return exact;
    const folded = everyone.filter((peer) => peer.name.toLowerCase() === name.toLowerCase());
    if (folded.length === 1) return folded[0];
    throw new ChatError('unknown-recipient', `Nobody called "${name}" is in the room (/who lists who is here).`);
  }

  private emitOwn(parts: Pick<ChatMessage, 'text' | 'code' | 'to' | 'image'>): void {
    const message: ChatMessage = { id: this.nextId(), at: Date.now(), from: this.me!, text: parts.text, own: true };
    if (parts.code) message.code = parts.code;
    if (parts.to) message.to = parts.to;
    if (parts.image) message.image = parts.image;
    this.emit('message', message);
  }

  private notConnected(): ChatError {
    switch (this.currentState) {
      case 'reconnecting':
        return new ChatError('not-connected', `The connection to ${this.where} was lost; reconnecting — try again in a moment.`);
      case 'connecting':
      case 'handshaking':
        return new ChatError('not-connected', `Still connecting to ${this.where}; try again in a moment.`);
      default:
        return new ChatError('not-connected', 'Not connected to a server.');
    }
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

/** Half-closes, waits for the server to close its side (bounded), then makes sure the socket is gone. */
function endSocket(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}

function asChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  return new ChatError('internal', error instanceof Error ? error.message : String(error));
}

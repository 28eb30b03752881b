// ChatClient: one user's side of a room. Connects, tells a native TCP Chat server (greeting line) from a
// plain-text one (ncat --chat, seed 000: no greeting, or some other first line), handshakes, sends text and
// images, keeps the roster and queue position, answers heartbeats and reconnects with backoff when asked.
import { connect as netConnect, type Socket } from 'node:net';
import { describeConnectError, formatSeconds, hostPort } from './connectErrors';
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
import { ImageAssembler } from './imageAssembler';
import { checkImage, DEFAULT_MAX_IMAGE_BYTES, formatBytes } from './images';
import { PlainServerLink } from './plainServerLink';
import {
  authProof,
  CLIENT_PREAMBLE,
  encodeFrame,
  FrameDecoder,
  FrameType,
  GREETING_PREFIX,
  HARD_MAX_FRAME_BYTES,
  MAX_IMAGE_CHUNK,
  parseGreeting,
  PROTOCOL_VERSION,
  ProtocolError,
  type ChallengeBody,
  type Frame,
  type MessageBody,
  type UnknownFrame,
} from './protocol';
import { backoffDelay, reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from './reconnect';

export interface ChatClientOptions {
  host: string;
  port: number;
  /** The name we ask for; the server may add a suffix to keep names unique. */
  name: string;
  password?: string;
  /** Off by default; `{}` turns it on with 1 s, 2 s, 4 s … up to 30 s, forever. */
  reconnect?: false | ReconnectOptions;
  connectTimeoutMs?: number;
  /** How long to wait for a native server's greeting line before treating the server as plain text. */
  greetingTimeoutMs?: number;
  maxImageBytes?: number;
  heartbeatIntervalMs?: number;
  /** A plain-text server's bytes followed by this much silence count as a line (seed 000 sends no newline). */
  plainPauseMs?: number;
}

/** Errors after which trying again cannot help, so reconnecting stops. */
const NO_RETRY = new Set(['bad-password', 'password-required', 'version', 'kicked', 'banned']);
/** Longest first line we wait for before deciding the server is not one of ours. */
const MAX_GREETING_BYTES = 4096;
const GREETING_BYTES = Buffer.from(GREETING_PREFIX, 'ascii');
const CLIENT_ID = `tcp-chat-node/${PROTOCOL_VERSION}`;

/** One TCP connection attempt; a reconnect makes a fresh one. */
interface Link {
  socket: Socket;
  writer: FrameWriter;
  mode: 'detecting' | 'native' | 'plain';
  head: Buffer;
  decoder?: FrameDecoder;
  plain?: PlainServerLink;
  challenge?: ChallengeBody;
  images: ImageAssembler;
  /** Set until the room is joined; settling clears it. */
  settle?: { resolve: () => void; reject: (error: ChatError) => void };
  timer?: NodeJS.Timeout;
  heartbeat?: NodeJS.Timeout;
  missedPongs: number;
  lastError?: NodeJS.ErrnoException;
  /** The server told us why it is closing (Bye) or refused us for good (fatal Error). */
  goodbye?: string;
  fatal?: ChatError;
}

// A mapped copy of ChatEvents: an interface has no index signature, so it does not meet TypedEmitter's constraint.
type ClientEvents = { [K in keyof ChatEvents]: ChatEvents[K] };

export class ChatClient extends TypedEmitter<ClientEvents> implements ChatEndpoint {
  readonly role = 'client' as const;
  private readonly host: string;
  private readonly port: number;
  private readonly where: string;
  private readonly policy: ReconnectPolicy | undefined;
  private readonly connectTimeoutMs: number;
  private readonly greetingTimeoutMs: number;
  private readonly maxImageBytes: number;
  private readonly heartbeatIntervalMs: number;
  private readonly plainPauseMs: number;
  private name: string;
  private link: Link | undefined;
  private currentState: EndpointState = 'idle';
  private me: Peer | undefined;
  private room = '';
  private currentRoster: Roster = { seats: 0, active: [], waiting: [], connections: 0 };
  private position: number | null = null;
  private started = false;
  private closing: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private counter = 0;

  constructor(private readonly options: ChatClientOptions) {
    super();
    this.host = options.host;
    this.port = options.port;
    this.name = options.name;
    this.where = hostPort(options.host, options.port);
    this.policy = reconnectPolicy(options.reconnect);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.greetingTimeoutMs = options.greetingTimeoutMs ?? 1500;
    this.maxImageBytes = options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 15_000;
    this.plainPauseMs = options.plainPauseMs ?? 250;
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
  /** The room's name from the server's greeting (plain-text servers: their address). */
  get roomName(): string {
    return this.room;
  }
  /** True when the server speaks plain text (no images, no private messages). */
  get plainText(): boolean {
    return this.link?.mode === 'plain';
  }

  /** Resolves once we are in the room (seated or waiting); rejects with a ChatError a user can read. */
  async connect(): Promise<void> {
    if (this.started) throw new ChatError('already-connected', 'This client is already connected (or was closed); make a new one.');
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
    if (!link || this.currentState !== 'active') {
      throw this.currentState === 'reconnecting' || this.currentState === 'connecting' || this.currentState === 'handshaking'
        ? new ChatError('not-connected', 'Not connected right now (reconnecting); try again in a moment.')
        : new ChatError('not-connected', 'Not connected to a server.');
    }
    const text = message.text ?? '';
    const image = message.image;
    if (text === '' && !image) throw new ChatError('empty-message', 'Nothing to send: type a message or pick an image.');
    if (link.mode === 'plain') {
      if (image) throw new ChatError('plain-text-server', "This server speaks plain text: images can't be sent.");
      if (message.to) throw new ChatError('plain-text-server', "This server speaks plain text: private messages can't be sent.");
      link.plain!.sendText(text);
      this.emitOwn({ text, code: message.code });
      return;
    }
    const to = message.to === undefined ? undefined : this.findPeer(message.to);
    const limit = Math.min(this.maxImageBytes, link.challenge?.maxImageBytes ?? Infinity);
    const mime = image ? checkImage(image, limit) : undefined;
    if (image && link.writer.pendingBytes + image.length > this.maxPendingBytes()) {
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
    if (image) {
      // Chunks wait in the bulk lane, so a text sent meanwhile overtakes them.
      for (let offset = 0; offset < image.length; offset += MAX_IMAGE_CHUNK) {
        link.writer.queue(encodeFrame({ type: FrameType.ImageChunk, ref, bytes: image.subarray(offset, offset + MAX_IMAGE_CHUNK) }));
      }
    }
    this.emitOwn({ text, code: message.code, to, image: image && mime ? { mime, bytes: image } : undefined });
  }

  rename(name: string): void {
    const link = this.link;
    if (link?.mode === 'native' && !link.settle) {
      link.writer.urgent(encodeFrame({ type: FrameType.Rename, body: { name } }));
      this.name = name;
    } else if (link?.mode === 'plain' && this.me) {
      this.name = name;
      this.me = { ...this.me, name };
      this.notice('system', `You are now ${name} on this side; a plain-text server does not know names, so others still see the label it gave you.`);
    } else {
      this.notice('error', 'Not connected: the name cannot be changed right now.', 'not-connected');
    }
  }

  /** Resolves when everything queued (image chunks included) has been handed to the kernel. */
  async flushed(timeoutMs = 30_000): Promise<void> {
    await this.link?.writer.flushed(timeoutMs);
  }

  close(reason = 'Client left'): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  // ------------------------------------------------------------------------------------------ connecting

  private attempt(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.setState('connecting');
      const socket = netConnect({ host: this.host, port: this.port });
      const link: Link = {
        socket,
        writer: new FrameWriter(socket, {
          maxPendingBytes: this.maxPendingBytes() + HARD_MAX_FRAME_BYTES,
          onOverflow: () => socket.destroy(),
        }),
        mode: 'detecting',
        head: Buffer.alloc(0),
        images: new ImageAssembler(this.maxImageBytes),
        missedPongs: 0,
      };
      link.settle = {
        resolve: () => {
          link.settle = undefined;
          clearTimeout(link.timer);
          resolve();
        },
        reject: (error) => {
          link.settle = undefined;
          clearTimeout(link.timer);
          socket.destroy();
          reject(error);
        },
      };
      this.link = link;
      link.timer = setTimeout(() => {
        link.settle?.reject(describeConnectError(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), this.host, this.port, this.connectTimeoutMs));
      }, this.connectTimeoutMs);
      socket.once('connect', () => {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 15_000);
        this.setState('handshaking');
        clearTimeout(link.timer);
        link.timer = setTimeout(() => this.startPlain(link), this.greetingTimeoutMs);
      });
      socket.on('data', (chunk: Buffer) => this.onData(link, chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => {
        link.lastError = error;
      });
      socket.on('close', () => this.onClose(link));
    });
  }

  private onData(link: Link, chunk: Buffer): void {
    if (link !== this.link) return;
    link.missedPongs = 0;
    if (link.mode === 'native') return this.onFrameBytes(link, chunk);
    if (link.mode === 'plain') return link.plain!.push(chunk);
    link.head = Buffer.concat([link.head, chunk]);
    const compared = Math.min(link.head.length, GREETING_BYTES.length);
    if (!link.head.subarray(0, compared).equals(GREETING_BYTES.subarray(0, compared))) return this.startPlain(link);
    const newline = link.head.indexOf(0x0a);
    if (newline < 0) {
      if (link.head.length > MAX_GREETING_BYTES) this.startPlain(link);
      return;
    }
    const greeting = parseGreeting(link.head.subarray(0, newline + 1).toString('utf8'));
    if (!greeting) return this.startPlain(link);
    clearTimeout(link.timer);
    if (greeting.version !== PROTOCOL_VERSION) {
      link.settle?.reject(new ChatError('version', `The server speaks TCP Chat protocol version ${greeting.version}; this client speaks version ${PROTOCOL_VERSION}. Update the older side.`));
      return;
    }
    link.mode = 'native';
    this.room = greeting.room;
    link.decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES);
    link.writer.urgent(CLIENT_PREAMBLE);
    link.timer = setTimeout(() => {
      link.settle?.reject(new ChatError('handshake-timeout', `${this.where} greeted us but did not finish the handshake within ${formatSeconds(this.connectTimeoutMs)}.`));
    }, this.connectTimeoutMs);
    const rest = link.head.subarray(newline + 1);
    link.head = Buffer.alloc(0);
    if (rest.length > 0) this.onFrameBytes(link, rest);
  }

  /** No greeting (in time) or another first line: a plain-text server. What it sent so far becomes messages. */
  private startPlain(link: Link): void {
    if (link !== this.link || link.mode !== 'detecting' || !link.settle) return;
    clearTimeout(link.timer);
    link.mode = 'plain';
    this.room = this.where;
    const self: Peer = { id: 1, name: this.name, address: hostPort(link.socket.localAddress ?? '?', link.socket.localPort ?? 0), kind: 'plain' };
    link.plain = new PlainServerLink(link.socket, this.where, this.plainPauseMs, {
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
      const problem = new ChatError('protocol', `The server sent data this client cannot read (${detail}); disconnecting.`);
      if (link.settle) return link.settle.reject(problem);
      this.notice('error', problem.message, problem.code);
      link.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (link !== this.link || link.socket.destroyed) return;
      if (frame.type !== 'unknown') this.onFrame(link, frame);
    }
  }

  private onFrame(link: Link, frame: Frame): void {
    switch (frame.type) {
      case FrameType.Challenge:
        return this.answerChallenge(link, frame.body);
      case FrameType.Welcome: {
        const { you, room, seats, position } = frame.body;
        this.room = room;
        if (!link.settle) {
          this.me = you;
          this.name = you.name;
          return;
        }
        this.enterRoom(you, position, { seats, active: [], waiting: [], connections: 0 });
        this.startHeartbeat(link);
        link.settle.resolve();
        return;
      }
      case FrameType.Error: {
        const error = new ChatError(frame.body.code, frame.body.message);
        if (frame.body.fatal) link.fatal = error;
        if (link.settle && frame.body.fatal) return link.settle.reject(error);
        this.notice('error', error.message, error.code);
        return;
      }
      case FrameType.Message:
        return this.onMessage(link, frame.body);
      case FrameType.ImageChunk: {
        const result = link.images.chunk(frame.ref, frame.bytes);
        if (result.kind === 'complete') this.emitReceived(result.header, { mime: result.mime, bytes: result.bytes });
        if (result.kind === 'failed') this.imageFailed(result.header, result.reason);
        return;
      }
      case FrameType.ImageAbort: {
        const header = link.images.abort(frame.ref);
        if (header) this.imageFailed(header, 'the sender stopped sending it', 'system');
        return;
      }
      case FrameType.Notice:
        return this.notice(frame.body.level, frame.body.text, frame.body.code);
      case FrameType.Roster:
        return this.setRoster(frame.body);
      case FrameType.Queue:
        return this.setQueue(frame.body.position);
      case FrameType.Ping:
        link.writer.urgent(encodeFrame({ type: FrameType.Pong, payload: frame.payload }));
        return;
      case FrameType.Bye:
        link.goodbye = frame.body.reason || 'the server said goodbye';
        return;
      default:
        return; // Pong (already counted as a sign of life), and frames only a server should receive.
    }
  }

  private answerChallenge(link: Link, challenge: ChallengeBody): void {
    if (link.challenge || !link.settle) return;
    link.challenge = challenge;
    let proof: string | undefined;
    if (challenge.auth === 'hmac-sha256') {
      if (!this.options.password) {
        return link.settle.reject(new ChatError('password-required', `The room "${challenge.room}" needs a password; connect again with one.`));
      }
      proof = authProof(this.options.password, challenge.nonce);
    }
    link.writer.urgent(encodeFrame({ type: FrameType.Hello, body: { v: PROTOCOL_VERSION, name: this.name, client: CLIENT_ID, proof } }));
  }

  private enterRoom(self: Peer, position: number | null, roster: Roster): void {
    this.me = self;
    this.name = self.name;
    this.currentRoster = roster;
    this.setQueue(position);
  }

  private startHeartbeat(link: Link): void {
    link.heartbeat = setInterval(() => {
      if (link.missedPongs >= 2) {
        this.notice('error', `${this.where} stopped answering (2 heartbeats without a reply); dropping the connection.`, 'heartbeat');
        link.socket.destroy();
        return;
      }
      link.missedPongs++;
      link.writer.urgent(encodeFrame({ type: FrameType.Ping, payload: Buffer.from(String(Date.now())) }));
    }, this.heartbeatIntervalMs);
    link.heartbeat.unref();
  }

  // ------------------------------------------------------------------------------------------ receiving

  private onMessage(link: Link, body: MessageBody): void {
    if (!body.image) return this.emitReceived(body);
    const result = link.images.start(body);
    if (result.kind === 'failed') this.imageFailed(result.header, result.reason);
  }

  private emitReceived(body: MessageBody, image?: ChatMessage['image']): void {
    const from = body.from ?? { id: 0, name: this.room || this.where, address: this.where, kind: 'host' as const };
    const message: ChatMessage = { id: this.nextId(), at: Date.now(), from, text: body.text, own: false };
    if (body.code) message.code = body.code;
    if (typeof body.to === 'object') message.to = body.to;
    if (image) message.image = image;
    this.emit('message', message);
  }

  /** The image is dropped with a notice; any text that came with it is still shown. */
  private imageFailed(header: MessageBody, reason: string, level: NoticeLevel = 'error'): void {
    const who = header.from?.name ?? 'The server';
    this.notice(level, `${who}'s image was not received: ${reason}.`, level === 'error' ? 'image-dropped' : undefined);
    if (header.text !== '' || header.code) this.emitReceived({ ...header, image: undefined });
  }

  // ------------------------------------------------------------------------------------------ losing the server

  private onClose(link: Link): void {
    clearInterval(link.heartbeat);
    clearTimeout(link.timer);
    link.writer.dispose();
    link.images.clear();
    link.plain?.finish();
    if (link !== this.link) return;
    if (link.settle) {
      const error = link.fatal
        ?? (link.lastError ? describeConnectError(link.lastError, this.host, this.port, this.connectTimeoutMs)
        : new ChatError('closed-early', `${this.where} closed the connection before the chat started${link.goodbye ? ` (${link.goodbye})` : ''}.`));
      link.settle.reject(error);
      return;
    }
    if (this.closing) return;
    this.position = null;
    const why = link.goodbye ? `the server said: ${link.goodbye}` : link.lastError ? describeConnectError(link.lastError, this.host, this.port, this.connectTimeoutMs).message : 'the server closed the connection';
    this.notice(link.fatal || link.lastError ? 'error' : 'system', `Disconnected from ${this.where} — ${why.replace(/\.$/, '')}.`, 'disconnected');
    if (this.policy && !(link.fatal && NO_RETRY.has(link.fatal.code))) this.scheduleReconnect(1);
    else this.setState('closed');
  }

  private scheduleReconnect(attempt: number, failure?: ChatError): void {
    const policy = this.policy!;
    if (attempt > policy.maxAttempts) {
      this.notice('error', `Gave up reconnecting to ${this.where} after ${policy.maxAttempts} attempt${policy.maxAttempts === 1 ? '' : 's'}.`, 'reconnect-failed');
      this.setState('closed');
      return;
    }
    const delay = backoffDelay(attempt, policy);
    this.setState('reconnecting');
    const lead = failure ? `Reconnect failed (${failure.message.replace(/\.$/, '')})` : 'Connection lost';
    this.notice('system', `${lead} — reconnecting in ${formatSeconds(delay)} (attempt ${attempt})`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.attempt().then(
        () => this.notice('system', `Reconnected to ${this.where} as ${this.me?.name ?? this.name}.`),
        (error) => {
          if (this.closing) return;
          const chatError = asChatError(error);
          if (NO_RETRY.has(chatError.code)) {
            this.notice('error', chatError.message, chatError.code);
            this.setState('closed');
          } else {
            this.scheduleReconnect(attempt + 1, chatError);
          }
        },
      );
    }, delay);
  }

  private async shutdown(reason: string): Promise<void> {
    clearTimeout(this.reconnectTimer);
    const link = this.link;
    if (link?.settle) link.settle.reject(new ChatError('closed', 'The connection was closed before the chat started.'));
    if (link && !link.socket.destroyed) {
      clearInterval(link.heartbeat);
      // Bye goes in the bulk lane, behind image chunks still being sent, so they arrive first.
      if (link.mode === 'native') link.writer.queue(encodeFrame({ type: FrameType.Bye, body: { reason } }));
      await link.writer.flushed(5000);
      link.socket.end();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          link.socket.destroy();
          resolve();
        }, 2000);
        link.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        if (link.socket.destroyed) link.socket.emit('close');
      });
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

  /** The private recipient by name: exact match first, then a unique case-insensitive one. */
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

  /** Queued outgoing bytes we accept before refusing another image: a few images' worth. */
  private maxPendingBytes(): number {
    return 4 * this.maxImageBytes;
  }

  private nextId(): string {
    return `c${++this.counter}`;
  }
}

function asChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  return new ChatError('internal', error instanceof Error ? error.message : String(error));
}

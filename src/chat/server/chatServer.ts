// ChatServer: one port for native and plain-text peers. This file is the sockets' side — listening, handshakes,
// relaying what members say (labelled by us, never by them), the host speaking, heartbeats, shutdown. Who is in
// the room and what everyone is told about it live in serverRoom.ts; bytes ↔ frames/lines in peerConnection.ts;
// image streaming in imageRelay.ts; the seat rules in seats.ts.
import { createServer, type Server, type Socket } from 'node:net';
import { COMMAND_HELP, parseInput } from '../core/chatInput';
import {
  ChatError,
  type ChatEndpoint,
  type ChatMessage,
  type CodeInfo,
  type ImageMime,
  type OutgoingMessage,
  type Peer,
} from '../core/events';
import { checkImage } from '../core/images';
import { Outgoing, PeerConnection, type PeerHandlers } from './peerConnection';
import { plainBytes, plainMessage, plainNotice } from '../wire/plainText';
import {
  CLIENT_PREAMBLE,
  encodeFrame,
  FrameType,
  greetingLine,
  imageChunkHeader,
  MAX_IMAGE_CHUNK,
  newNonce,
  PROTOCOL_VERSION,
  verifyProof,
  type Frame,
  type HelloBody,
  type MessageBody,
} from '../wire/protocol';
import { resolveServerOptions, type ServerOptions } from './options';
import { HOST_ID, ServerRoom } from './room';
import { connectionRefusal, listenError, socketAddress } from './wording';
import { errorMessage } from '../core/errors';
import { formatBytes, formatDuration } from '../core/units';

export type { ServerOptions } from './options';

/** What a member asked to say, from a native Message frame or a plain-text line. */
interface Said {
  text: string;
  code?: CodeInfo;
  image?: { mime: ImageMime; size: number };
  to?: string;
  clientRef: number;
}

/** Connections refused at the limit that may linger (to say why) before further ones are just dropped. */
const MAX_REFUSING = 64;

export class ChatServer extends ServerRoom implements ChatEndpoint {
  readonly role = 'server' as const;
  private tcp: Server | undefined;
  private bound: { host: string; port: number } | undefined;
  private readonly greeting: Buffer;
  private nextConnId = 1;
  private nextRef = 1;
  private refusing = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: ServerOptions = {}) {
    super(resolveServerOptions(options));
    this.greeting = Buffer.from(
      greetingLine(this.options.room, this.options.handshakeTimeoutMs, this.options.password !== undefined),
      'utf8',
    );
  }

  /** Where we listen, once listening. */
  address(): { host: string; port: number } | undefined {
    return this.bound;
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.closing) return Promise.reject(new ChatError('closed', 'This server was closed; start a new one.'));
    if (this.tcp) return Promise.reject(new ChatError('already-listening', 'This server was already started.'));
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const tcp = createServer((socket) => this.onConnection(socket));
      const failed = (error: NodeJS.ErrnoException) => {
        this.tcp = undefined;
        reject(listenError(error, host, port));
      };
      tcp.once('error', failed);
      this.tcp = tcp;
      tcp.listen({ host, port }, () => {
        tcp.off('error', failed);
        tcp.on('error', (error) => this.hostNotice('error', `Server socket error: ${error.message}`, 'server-error'));
        const address = tcp.address();
        this.bound = { host, port: typeof address === 'object' && address ? address.port : port };
        this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
        this.heartbeat.unref();
        this.setState('listening');
        this.scheduleRoster(); // the first roster: the host alone
        this.hostNotice(
          'system',
          `Listening on ${host}:${this.bound.port} as ${this.hostPeer.name} (room "${this.options.room}", ${this.seatsText()}).`,
        );
        resolve(this.bound);
      });
    });
  }

  /** The host speaks: to every active member, or privately with `to` (any connected peer, even one waiting). */
  async send(message: OutgoingMessage): Promise<void> {
    if (this.currentState !== 'listening') throw new ChatError('not-listening', 'The server is not running.');
    const text = message.text ?? '';
    if (text === '' && !message.image)
      throw new ChatError('empty-message', 'Nothing to send: type a message or pick an image.');
    if (text.length > this.options.maxTextChars) {
      throw new ChatError(
        'text-too-long',
        `Message is ${text.length} characters; the limit is ${this.options.maxTextChars}.`,
      );
    }
    const mime = message.image ? checkImage(message.image, this.options.maxImageBytes) : undefined;
    let target: PeerConnection | undefined;
    if (message.to !== undefined) {
      target = this.findByName(message.to);
      if (!target) throw new ChatError('unknown-recipient', `No one named ${message.to} is here.`);
    }
    const recipients = target ? [target] : this.activeConns();
    const at = Date.now();
    const ref = this.nextRef++;
    const from = this.hostPeer;
    const to = target?.peer;
    const image = message.image && mime ? { mime, size: message.image.length } : undefined;
    const out = new Outgoing(
      () => ({ type: FrameType.Message, body: { ref, text, code: message.code, image, from, to, at } }),
      () => plainMessage({ at, from, to, own: false, text, code: message.code, image }),
    );
    for (const conn of recipients) conn.deliver(out);
    if (message.image) this.streamImage(ref, message.image, recipients);
    this.emit('message', {
      id: this.messageId(),
      at,
      from,
      text,
      code: message.code,
      to,
      image: message.image && mime ? { mime, bytes: message.image } : undefined,
      own: true,
    });
  }

  /** Tells every peer goodbye, closes every socket, stops listening. Idempotent. */
  close(reason = 'The server is shutting down.'): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  // ------------------------------------------------------------------------------------------ connections

  private readonly handlers: PeerHandlers = {
    onNative: (conn) => {
      conn.nonce = newNonce();
      const o = this.options;
      const auth = o.password ? 'hmac-sha256' : 'none';
      conn.sendFrame({
        type: FrameType.Challenge,
        body: {
          v: PROTOCOL_VERSION,
          room: o.room,
          auth,
          nonce: conn.nonce,
          maxFrameBytes: o.maxFrameBytes,
          maxImageBytes: o.maxImageBytes,
          acks: true,
        },
      });
    },
    onPlain: (conn) => {
      if (!this.options.password) return;
      conn.close(
        'password required',
        plainBytes('This room needs a password; use the TCP Chat extension or `tcp-chat connect --password`.'),
      );
      this.hostNotice(
        'error',
        `Turned away ${conn.address}: a plain-text connection cannot give the room password.`,
        'password-required',
      );
    },
    onFrame: (conn, frame) => this.onFrame(conn, frame),
    onLine: (conn, line) => this.onLine(conn, line),
    onOverlongLine: (conn, max) =>
      this.noticeTo(
        conn,
        'error',
        `Your line was longer than ${formatBytes(max)}; the rest of it was cut.`,
        'line-too-long',
      ),
    onProtocolError: (conn, error) => this.fatal(conn, error.code, error.message),
    onOverflow: (conn, pending) => {
      conn.destroy('stalled');
      this.hostNotice(
        'error',
        `Disconnected ${this.who(conn)}: ${formatBytes(pending)} of output was waiting for it (limit ${formatBytes(this.options.maxPendingOutputBytes)}); it stopped reading.`,
        'output-cap',
      );
      this.leaveRoom(conn, `${conn.peer?.name ?? conn.address} was disconnected (stopped reading).`);
    },
    onInternalError: (conn, error) => {
      const text = errorMessage(error);
      this.hostNotice(
        'error',
        `Internal error while serving ${this.who(conn)}: ${text}; that connection was closed.`,
        'internal',
      );
    },
    onClose: (conn) => {
      this.relay.senderGone(conn);
      this.relay.recipientGone(conn);
      this.conns.delete(conn.id);
      if (this.closing) return;
      // Our client, asked for a password it does not have, hangs up at the challenge without a Hello.
      if (this.options.password && conn.kind === 'native' && !conn.peer && (conn.closeReason ?? 'left') === 'left') {
        this.hostNotice(
          'error',
          `Turned away ${conn.address}: it left at the password challenge (no password given?).`,
          'password-required',
        );
      }
      const reason = conn.closeReason && conn.closeReason !== 'left' ? ` (${conn.closeReason})` : '';
      if (conn.peer) this.leaveRoom(conn, `${conn.peer.name} left${reason}.`);
      this.scheduleRoster();
    },
  };

  private onConnection(socket: Socket): void {
    socket.on('error', () => undefined);
    if (this.closing) return void socket.destroy();
    const address = socketAddress(socket);
    if (this.conns.size >= this.options.maxConnections) return this.refuseConnection(socket, address);
    const conn = new PeerConnection(this.nextConnId++, socket, address, this.options, this.handlers);
    this.conns.set(conn.id, conn);
    conn.write(this.greeting);
    conn.startHandshakeTimer(() => {
      const seconds = formatDuration(this.options.handshakeTimeoutMs);
      if (conn.kind === 'native') {
        conn.sendFrame({
          type: FrameType.Error,
          body: { code: 'handshake-timeout', message: `No Hello within ${seconds}.`, fatal: true },
        });
        conn.close('handshake timeout');
      } else {
        conn.close('handshake timeout', plainBytes(`No name received within ${seconds}; goodbye.`));
      }
      this.hostNotice(
        'error',
        `Disconnected ${address}: it did not identify itself within ${seconds}.`,
        'handshake-timeout',
      );
    });
    this.scheduleRoster();
  }

  /** Over maxConnections: say so in the peer's own language (Error frame or text line), then close. */
  private refuseConnection(socket: Socket, address: string): void {
    this.hostNotice(
      'error',
      `Refused ${address}: the server is at its limit of ${this.options.maxConnections} connections.`,
      'connection-limit',
    );
    if (this.refusing >= MAX_REFUSING) return void socket.destroy();
    this.refusing++;
    socket.on('close', () => this.refusing--);
    socket.write(this.greeting);
    const answer = (first: Buffer | undefined) => {
      clearTimeout(timer);
      socket.off('data', answer);
      const native =
        first !== undefined && first.subarray(0, 4).equals(CLIENT_PREAMBLE.subarray(0, Math.min(4, first.length)));
      socket.end(connectionRefusal(native, this.options.maxConnections));
      setTimeout(() => socket.destroy(), 2000).unref();
    };
    const timer = setTimeout(() => answer(undefined), 1000);
    timer.unref();
    socket.once('data', answer);
  }

  private onFrame(conn: PeerConnection, frame: Frame): void {
    switch (frame.type) {
      case FrameType.Ping:
        return conn.sendFrame({ type: FrameType.Pong, payload: frame.payload });
      case FrameType.Pong:
        return;
      case FrameType.Bye:
        return conn.close(frame.body.reason ? `said: ${frame.body.reason.slice(0, 200)}` : 'left');
    }
    if (!conn.peer) {
      if (frame.type === FrameType.Hello) return this.onHello(conn, frame.body);
      return this.fatal(conn, 'bad-handshake', `Expected a Hello frame, got type 0x${frame.type.toString(16)}.`);
    }
    switch (frame.type) {
      case FrameType.Message:
        return this.onSaid(conn, messageToSaid(frame.body));
      case FrameType.ImageChunk:
        this.relay.chunk(conn, frame.ref, frame.bytes);
        return conn.write(
          conn.imageAcks.received(frame.ref, frame.bytes.length, !this.relay.isCollecting(conn, frame.ref)),
        );
      case FrameType.ImageAbort:
        this.relay.abort(conn, frame.ref);
        return conn.write(conn.imageAcks.finish(frame.ref));
      case FrameType.ImageAck:
        return conn.writer.ack(frame.ref, frame.received);
      case FrameType.Rename:
        return this.renamePeer(conn, frame.body.name);
      // Hello again or server-only frames from a client mean nothing here: ignored.
    }
  }

  private onHello(conn: PeerConnection, hello: HelloBody): void {
    if (hello.v !== PROTOCOL_VERSION) {
      return this.fatal(
        conn,
        'bad-version',
        `This server speaks protocol version ${PROTOCOL_VERSION}, the client ${hello.v}; update TCP Chat.`,
      );
    }
    if (this.options.password && hello.proof === undefined) {
      conn.sendFrame({
        type: FrameType.Error,
        body: {
          code: 'password-required',
          message: 'This room needs a password; connect again with one.',
          fatal: true,
        },
      });
      conn.close('no password');
      return this.hostNotice(
        'error',
        `Turned away ${conn.address}: it gave no password (this room needs one).`,
        'password-required',
      );
    }
    if (this.options.password && !verifyProof(this.options.password, conn.nonce, hello.proof)) {
      conn.sendFrame({
        type: FrameType.Error,
        body: { code: 'bad-password', message: 'Wrong password for this room.', fatal: true },
      });
      conn.close('wrong password');
      return this.hostNotice('error', `Turned away ${conn.address}: wrong password.`, 'bad-password');
    }
    // A client that acknowledges image bytes gets them through the ack window (text is not stuck behind them).
    if (hello.acks === true) conn.writer.enableAckWindow();
    this.join(conn, hello.name);
  }

  private onLine(conn: PeerConnection, line: string): void {
    const input = parseInput(line);
    if (!conn.peer) {
      // The first line is the name ("/name Bob" works too); /quit and /help are understood before joining.
      if (input.kind === 'quit') return conn.close('left', plainBytes('Goodbye!'));
      if (input.kind === 'help')
        return void conn.write(plainBytes('Type your name and press Enter to join; then /help lists the commands.'));
      return this.join(conn, input.kind === 'name' ? input.name : line);
    }
    switch (input.kind) {
      case 'text':
        return this.onSaid(conn, { text: input.text, clientRef: 0 });
      case 'msg':
        return this.onSaid(conn, { text: input.text, to: input.to, clientRef: 0 });
      case 'name':
        return this.renamePeer(conn, input.name);
      case 'who':
        return this.noticeTo(conn, 'info', this.whoText());
      case 'quit':
        return conn.close('left', plainBytes('Goodbye!'));
      case 'help':
        return this.noticeTo(conn, 'info', `Commands:\n${COMMAND_HELP.replace(/^\/image.*\n/m, '')}`);
      case 'image':
        return this.noticeTo(
          conn,
          'error',
          'Images cannot be sent from a plain-text connection; use the TCP Chat extension or `tcp-chat connect`.',
          'no-images',
        );
      case 'error':
        return this.noticeTo(conn, 'error', input.message, 'bad-command');
      case 'empty':
        return;
    }
  }

  // ------------------------------------------------------------------------------------------ relay

  private onSaid(conn: PeerConnection, said: Said): void {
    const peer = conn.peer as Peer;
    const position = this.seatQueue.position(peer.id);
    if (position !== null) {
      return this.noticeTo(conn, 'info', `You are #${position} in line; you can chat once you have a seat.`, 'waiting');
    }
    if (!this.withinRate(conn)) return;
    if (said.text.length > this.options.maxTextChars) {
      return this.refuse(
        conn,
        'text-too-long',
        `Message not sent: it is ${said.text.length} characters; the limit is ${this.options.maxTextChars}.`,
      );
    }
    if (said.text === '' && !said.image && !said.code) return;
    let target: PeerConnection | undefined;
    let toHost = false;
    if (said.to !== undefined) {
      toHost = this.names.get(said.to.toLowerCase()) === HOST_ID;
      target = toHost ? undefined : this.findByName(said.to);
      if (!toHost && !target) return this.refuse(conn, 'unknown-recipient', `No one named ${said.to} is here.`, false);
      if (target === conn)
        return this.refuse(conn, 'unknown-recipient', 'That is you: private messages go to someone else.', false);
      if (target && this.seatQueue.stateOf(target.id) !== 'active') {
        return this.refuse(
          conn,
          'recipient-waiting',
          `${target.peer?.name} is waiting in line and cannot receive messages yet.`,
          false,
        );
      }
    }
    if (said.image && said.image.size > this.options.maxImageBytes) {
      return this.refuse(
        conn,
        'image-too-large',
        `Image refused: it is ${formatBytes(said.image.size)}; the limit is ${formatBytes(this.options.maxImageBytes)}.`,
      );
    }
    // Refused like an oversized image: no flight is registered, so the chunks that follow are dropped unread.
    if (said.image && !this.withinImageBudget(conn, said.image.size)) return;
    const recipients = said.to !== undefined ? (target ? [target] : []) : this.activeConns().filter((c) => c !== conn);
    const hostGets = said.to === undefined || toHost;
    const at = Date.now();
    const ref = this.nextRef++;
    const to = said.to === undefined ? undefined : toHost ? this.hostPeer : target?.peer;
    const { text, code, image } = said;
    const out = new Outgoing(
      () => ({ type: FrameType.Message, body: { ref, text, code, image, from: peer, to, at } }),
      () => plainMessage({ at, from: peer, to, own: false, text, code, image }),
    );
    const message = (bytes?: Buffer): ChatMessage => ({
      id: this.messageId(),
      at,
      from: peer,
      text,
      code,
      to,
      own: false,
      image: image && bytes ? { mime: image.mime, bytes } : undefined,
    });
    if (!image) {
      for (const c of recipients) c.deliver(out);
      if (hostGets) this.emit('message', message());
      return;
    }
    this.relay.start({
      sender: conn,
      clientRef: said.clientRef,
      serverRef: ref,
      mime: image.mime,
      size: image.size,
      header: out,
      recipients,
      keepForHost: hostGets,
      onComplete: (bytes) => {
        for (const c of recipients) if (c.kind === 'plain') c.deliver(out);
        if (hostGets && bytes) this.emit('message', message(bytes));
      },
    });
  }

  /** The host's image: one Message header, then chunks queued behind each recipient's text. */
  private streamImage(ref: number, bytes: Buffer, recipients: PeerConnection[]): void {
    const natives = recipients.filter((c) => c.kind === 'native');
    if (natives.length === 0) return;
    for (let offset = 0; offset < bytes.length; offset += MAX_IMAGE_CHUNK) {
      const chunk = bytes.subarray(offset, offset + MAX_IMAGE_CHUNK);
      const header = imageChunkHeader(ref, chunk.length);
      for (const conn of natives) conn.queueImageChunk(header, chunk);
    }
  }

  private beat(): void {
    // An image with no bytes for two heartbeats is given up (30 s by default), releasing what it reserved.
    this.relay.sweep(Date.now(), 2 * this.options.heartbeatIntervalMs);
    let ping: Buffer | undefined;
    for (const conn of this.conns.values()) {
      if (conn.kind !== 'native' || !conn.peer || conn.isClosed) continue;
      conn.liveness.beat();
      if (conn.liveness.isSilent()) {
        conn.destroy('stopped answering');
        this.hostNotice('error', `Disconnected ${this.who(conn)}: no answer to 2 heartbeats.`, 'heartbeat');
        continue;
      }
      ping ??= encodeFrame({ type: FrameType.Ping, payload: Buffer.alloc(0) });
      conn.write(ping);
    }
  }

  private async shutdown(reason: string): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.stopBackgroundWork();
    const closed: Promise<void>[] = [];
    const bye = new Outgoing(
      () => ({ type: FrameType.Bye, body: { reason } }),
      () => plainNotice({ at: Date.now(), level: 'system', text: `The server closed: ${reason}` }),
    );
    for (const conn of this.conns.values()) {
      closed.push(
        new Promise((resolve) => (conn.socket.destroyed ? resolve() : conn.socket.once('close', () => resolve()))),
      );
      if (conn.kind !== 'unknown') conn.deliver(bye);
      conn.close('server closed');
    }
    const tcp = this.tcp;
    if (tcp) closed.push(new Promise((resolve) => tcp.close(() => resolve())));
    await Promise.all(closed);
    this.conns.clear();
    if (this.currentState === 'listening') this.hostNotice('system', `Server stopped: ${reason}`);
    this.setState('closed');
  }
}

function messageToSaid(body: MessageBody): Said {
  // `from`, `at` and a Peer-shaped `to` from a client are ignored: the server labels every message itself.
  return {
    text: body.text,
    code: body.code,
    image: body.image,
    to: typeof body.to === 'string' ? body.to : undefined,
    clientRef: body.ref,
  };
}

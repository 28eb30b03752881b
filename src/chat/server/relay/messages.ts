// What is said in the room, by members (native frames, plain-text lines and their slash commands) and by the
// host: checked (seat, rate limit, size, recipient, image budget), labelled by the server — never by the sender —
// and delivered to each recipient in its own language. Images stream through the ImageRelay.
import { commandHelp, parseInput, TOPIC_HOST_ONLY } from '../../core/chatInput';
import { ChatError } from '../../core/errors';
import { type ChatMessage, type CodeInfo, type OutgoingMessage, type Peer } from '../../core/events';
import { type ImageMime } from '../../core/images';
import { checkImage } from '../../core/images';
import { formatBytes } from '../../core/units';
import { plainBytes, plainMessageLine } from '../../wire/plainText';
import { FrameType, MAX_IMAGE_CHUNK, type Frame, type MessageBody } from '../../wire/frames';
import { imageChunkHeader, imageChunkParts, imageChunkSize } from '../../wire/codec';
import type { AddressLimits } from '../limits/addressLimits';
import type { ImageRelay } from './imageRelay';
import type { ImageTransfers } from '../../core/imageTransfers';
import type { FileOffer } from '../../core/files';
import type { ServerFiles } from '../files/serverFiles';
import type { Presence } from '../room/presence';
import type { Notices } from '../room/notices';
import type { ResolvedServerOptions } from '../options';
import type { PeerConnection } from '../connection/peerConnection';
import { Outgoing } from '../connection/peerOutput';
import { MemberLimits } from '../limits/memberLimits';
import type { Room } from '../room/room';
import type { SaidRecord } from '../history/roomHistory';

/** What a member asked to say, from a native Message frame or a plain-text line. */
interface Said {
  text: string;
  code?: CodeInfo;
  image?: { mime: ImageMime; size: number };
  to?: string;
  clientRef: number;
  action?: boolean;
  file?: FileOffer;
}

export interface MessagesContext {
  options: ResolvedServerOptions;
  room: Room;
  notices: Notices;
  relay: ImageRelay;
  files: ServerFiles;
  /** Away statuses (and their automatic replies) and the topic. */
  presence: Presence;
  /** Limits per IP address (messages from all of an address's connections together). */
  addresses: AddressLimits;
  /** The host's message event (its transcript and UI). */
  emit(message: ChatMessage): void;
  /** A message was relayed (a text at once, an image once complete): the room remembers it (history/). */
  said(record: SaidRecord): void;
  /** The host's image progress ('transfer' events): its own images going out, members' images arriving. */
  images: ImageTransfers;
}

export class Messages {
  private readonly limits: MemberLimits;
  private nextRef = 1;
  private nextMessageId = 1;

  constructor(private readonly context: MessagesContext) {
    this.limits = new MemberLimits(context);
  }

  /** A native frame from a member (after its Welcome). */
  memberFrame(conn: PeerConnection, frame: Frame): void {
    const relay = this.context.relay;
    switch (frame.type) {
      case FrameType.Message:
        return this.fromMember(conn, messageToSaid(frame.body));
      case FrameType.ImageChunk:
        relay.chunk(conn, frame.ref, imageChunkParts(frame));
        return conn.write(
          conn.imageAcks.received(frame.ref, imageChunkSize(frame), !relay.isCollecting(conn, frame.ref)),
        );
      case FrameType.ImageAbort:
        relay.abort(conn, frame.ref);
        return conn.write(conn.imageAcks.finish(frame.ref));
      case FrameType.ImageAck:
        this.context.images.acknowledged(`send ${frame.ref}`, conn, frame.received);
        return conn.writer.ack(frame.ref, frame.received);
      case FrameType.FileAccept:
      case FrameType.FileChunk:
      case FrameType.FileAck:
      case FrameType.FileCancel:
        return this.context.files.frame(conn, frame);
      case FrameType.Rename:
        return this.rename(conn, frame.body.name);
      case FrameType.Away:
        return this.away(conn, frame.body.reason ?? undefined);
      // Hello again or server-only frames from a client mean nothing here: ignored.
    }
  }

  /** A plain-text line from a member (after its name line): a message or a slash command. */
  memberLine(conn: PeerConnection, line: string): void {
    const { room, notices } = this.context;
    const input = parseInput(line);
    switch (input.kind) {
      case 'text':
        return this.fromMember(conn, { text: input.text, clientRef: 0 });
      case 'msg':
        return this.fromMember(conn, { text: input.text, to: input.to, clientRef: 0 });
      case 'me':
        return this.fromMember(conn, { text: input.text, clientRef: 0, action: true });
      case 'name':
        return this.rename(conn, input.name);
      case 'away':
        return this.away(conn, input.reason);
      case 'back':
        return this.away(conn, undefined);
      case 'topic':
        return notices.tell(conn, 'error', TOPIC_HOST_ONLY, 'host-only');
      case 'who':
        // Answered like a message is relayed (within the rate limit): a flood of /who must not flood back.
        return this.limits.withinRate(conn) ? notices.tell(conn, 'info', room.whoText()) : undefined;
      case 'quit':
        return conn.close('left', plainBytes('Goodbye!'));
      case 'help':
        // Within the rate limit like /who: a flood of /help must not flood back.
        return this.limits.withinRate(conn) ? notices.tell(conn, 'info', commandHelp('plain')) : undefined;
      case 'image':
        return notices.tell(
          conn,
          'error',
          'Images cannot be sent from a plain-text connection; use the TCP Chat extension or `tcp-chat connect`.',
          'no-images',
        );
      case 'file':
      case 'accept':
      case 'decline':
        return notices.tell(
          conn,
          'error',
          'Files cannot be sent or received from a plain-text connection; use the TCP Chat extension or `tcp-chat connect`.',
          'no-files',
        );
      case 'error':
        return notices.tell(conn, 'error', input.message, 'bad-command');
      case 'empty':
        return;
    }
  }

  /** The host speaks: to every member with a seat, or privately with `to` (any member, even one waiting). */
  fromHost(message: OutgoingMessage): void {
    const { options, room } = this.context;
    const text = message.text ?? '';
    if (text === '' && !message.image)
      throw new ChatError('empty-message', 'Nothing to send: type a message or pick an image.');
    if (text.length > options.maxTextChars) {
      throw new ChatError(
        'text-too-long',
        `Message is ${text.length} characters; the limit is ${options.maxTextChars}.`,
      );
    }
    const mime = message.image ? checkImage(message.image, options.maxImageBytes, options.maxImagePixels) : undefined;
    let target: PeerConnection | undefined;
    if (message.to !== undefined) {
      target = room.findByName(message.to);
      if (!target) throw new ChatError('unknown-recipient', `No one named ${message.to} is here.`);
    }
    const recipients = target ? [target] : room.seated();
    const at = Date.now();
    const ref = this.nextRef++;
    const from = room.host;
    const to = target?.peer;
    const image = message.image && mime ? { mime, size: message.image.length } : undefined;
    const action = message.action === true && !message.image ? true : undefined;
    const out = new Outgoing(
      () => ({ type: FrameType.Message, body: { ref, text, code: message.code, image, from, to, at, action } }),
      () => plainMessageLine({ at, from, to, own: false, text, code: message.code, image, action }),
    );
    for (const conn of recipients) conn.deliver(out);
    if (message.image) streamImage(ref, message.image, recipients);
    const away = to && this.context.presence.awayReply(to, from.id);
    this.context.said({ ref, at, from, to, text, code: message.code, image, action });
    const id = this.messageId();
    this.context.emit({
      id,
      at,
      from,
      text,
      code: message.code,
      to,
      image: message.image && mime ? { mime, bytes: message.image } : undefined,
      own: true,
      ...(action ? { action } : {}),
    });
    if (image) {
      // Done once every member it went to (those using TCP Chat: plain-text ones get no image) acknowledged it all.
      const natives = recipients.filter((c) => c.kind === 'native');
      const start = { messageId: id, direction: 'send', total: image.size, peer: to } as const;
      this.context.images.start(`send ${ref}`, start, natives);
    }
    if (away) this.context.notices.log('info', away);
  }

  private fromMember(conn: PeerConnection, said: Said): void {
    const { options, room, notices } = this.context;
    const peer = conn.peer as Peer;
    const position = room.positionOf(conn);
    if (position !== null) {
      return notices.tell(conn, 'info', `You are #${position} in line; you can chat once you have a seat.`, 'waiting');
    }
    if (!this.limits.withinRate(conn)) return;
    if (said.text.length > options.maxTextChars) {
      return notices.refuse(
        conn,
        'text-too-long',
        `Message not sent: it is ${said.text.length} characters; the limit is ${options.maxTextChars}.`,
      );
    }
    if (said.text === '' && !said.image && !said.code && !said.file) return;
    let target: PeerConnection | undefined;
    let toHost = false;
    if (said.to !== undefined) {
      toHost = room.isHostName(said.to);
      target = toHost ? undefined : room.findByName(said.to);
      if (!toHost && !target)
        return notices.refuse(conn, 'unknown-recipient', `No one named ${said.to} is here.`, false);
      if (target === conn)
        return notices.refuse(conn, 'unknown-recipient', 'That is you: private messages go to someone else.', false);
      if (target && !room.hasSeat(target)) {
        return notices.refuse(
          conn,
          'recipient-waiting',
          `${target.peer?.name} is waiting in line and cannot receive messages yet.`,
          false,
        );
      }
    }
    if (said.image && said.image.size > options.maxImageBytes) {
      return notices.refuse(
        conn,
        'image-too-large',
        `Image refused: it is ${formatBytes(said.image.size)}; the limit is ${formatBytes(options.maxImageBytes)}.`,
      );
    }
    // Refused like an oversized image: no flight is registered, so the chunks that follow are dropped unread.
    if (said.image && !this.limits.withinImageBudget(conn, said.image.size)) return;
    // Everyone seated but the sender (skipped in the loops below: no copy of the room's list per message).
    const recipients = said.to !== undefined ? (target ? [target] : []) : room.seated();
    const hostGets = said.to === undefined || toHost;
    const at = Date.now();
    const ref = this.nextRef++;
    const to = said.to === undefined ? undefined : toHost ? room.host : target?.peer;
    const { text, code, image } = said;
    const action = said.action === true && !image ? true : undefined;
    if (said.file) {
      const offer = { conn, peer, clientRef: said.clientRef, file: said.file, recipients, hostGets, toPeer: to };
      return this.context.files.fromMember({ ...offer, to: toHost ? 'host' : target }, ref, at);
    }
    const out = new Outgoing(
      () => ({ type: FrameType.Message, body: { ref, text, code, image, from: peer, to, at, action } }),
      () => plainMessageLine({ at, from: peer, to, own: false, text, code, image, action }),
    );
    const away = to && this.context.presence.awayReply(to, peer.id);
    if (away) notices.tell(conn, 'info', away, 'away');
    const message = (bytes?: Buffer, id = this.messageId()): ChatMessage => ({
      id,
      at,
      from: peer,
      text,
      code,
      to,
      own: false,
      image: image && bytes ? { mime: image.mime, bytes } : undefined,
      ...(action ? { action } : {}),
    });
    if (!image) {
      for (const c of recipients) if (c !== conn) c.deliver(out);
      if (hostGets) this.context.emit(message());
      return this.context.said({ ref, at, from: peer, to, text, code, action });
    }
    // The host's copy: its message id is given now, so its progress events and the message share it.
    const key = `receive ${ref}`;
    const id = hostGets ? this.messageId() : '';
    const images = this.context.images;
    const started = this.context.relay.start({
      sender: conn,
      clientRef: said.clientRef,
      serverRef: ref,
      mime: image.mime,
      size: image.size,
      header: out,
      recipients: recipients.filter((c) => c !== conn), // the relay's own list (members leaving are taken out)
      keepForHost: hostGets,
      onProgress: (received) => images.moved(key, received),
      onEnd: (state, reason) => images.end(key, state, reason),
      onComplete: (bytes) => {
        for (const c of recipients) if (c !== conn && c.kind === 'plain') c.deliver(out);
        images.end(key, 'done');
        if (hostGets && bytes) this.context.emit(message(bytes, id));
        this.context.said({ ref, at, from: peer, to, text, code, image });
      },
    });
    if (started && hostGets) images.start(key, { messageId: id, direction: 'receive', total: image.size, peer });
  }

  /** `/away [reason]` or `/back` (undefined): told to everyone, so within the rate limit like a rename. */
  private away(conn: PeerConnection, reason: string | undefined): void {
    if (this.limits.withinRate(conn)) this.context.presence.memberAway(conn, reason);
  }

  private rename(conn: PeerConnection, requested: string): void {
    if (!this.limits.withinRate(conn)) return; // each rename is announced to everyone: no free amplification
    this.context.room.renameMember(conn, requested);
  }

  /** A fresh server ref for a relayed message (file offers are messages too). */
  newRef(): number {
    return this.nextRef++;
  }

  messageId(): string {
    return `s${this.nextMessageId++}`;
  }
}

/** The host's image: one Message header (already sent), then chunks queued behind each recipient's text. */
function streamImage(ref: number, bytes: Buffer, recipients: readonly PeerConnection[]): void {
  const natives = recipients.filter((c) => c.kind === 'native');
  if (natives.length === 0) return;
  for (let offset = 0; offset < bytes.length; offset += MAX_IMAGE_CHUNK) {
    const chunk = bytes.subarray(offset, offset + MAX_IMAGE_CHUNK);
    const header = imageChunkHeader(ref, chunk.length);
    for (const conn of natives) conn.queueImageChunk(header, chunk);
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
    action: body.action === true,
    file: body.file && !body.image ? { name: body.file.name, size: body.file.size, mime: body.file.mime } : undefined,
  };
}

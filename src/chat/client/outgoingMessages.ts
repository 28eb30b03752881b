// What ChatClient sends (a plain-text server gets lines, without images or private messages), and the refusals
// before anything is sent. To a TCP Chat server a text goes out at once; an image message (header + chunks) waits in the writer's bulk lane behind earlier images, so the server sees one
// image after another from us and a text sent meanwhile overtakes them (the ack window that keeps the bulk lane
// from flooding the server is the writer's, see wire/frameWriter.ts). Every limit is checked before a byte is
// queued: the image's type and size, the bytes still queued, the server's largest frame.
import { diagnose } from '../core/diagnostics';
import { ChatError } from '../core/errors';
import {
  type ChatMessage,
  type CodeInfo,
  type EndpointState,
  type OutgoingMessage,
  type Peer,
  type Roster,
} from '../core/events';
import type { ImageTransferStart } from '../core/imageTransfers';
import { type ImageMime } from '../core/images';
import { checkImage } from '../core/images';
import { formatBytes } from '../core/units';
import type { FrameWriter } from '../wire/frameWriter';
import { encodeFrame, imageChunkHeader } from '../wire/codec';
import { FrameType, HARD_MAX_FRAME_BYTES, MAX_IMAGE_CHUNK, type ChallengeBody, type MessageBody } from '../wire/frames';
import type { ServerConnection } from './connection/serverConnection';

export interface NativeMessage {
  text: string;
  code?: CodeInfo;
  to?: Peer;
  image?: Buffer;
  action?: boolean;
}

export interface OutgoingLimits {
  /** Ours or the server's (from its Challenge), whichever is smaller. */
  maxImageBytes: number;
  /** Ours: the most pixels an image may declare. */
  maxImagePixels: number;
  /** Bytes we let wait in the writer before refusing another image. */
  maxQueuedBytes: number;
  /** The server's largest frame (from its Challenge). */
  maxFrameBytes: number;
}

/** My own copy of a message I sent, as ChatClient shows it. */
export type OwnMessage = Pick<ChatMessage, 'text' | 'code' | 'to' | 'image' | 'action'>;

/** What `sendMessage` needs from the client around it. */
export interface SendContext {
  roster: Roster;
  limits: OutgoingLimits;
  nextRef: () => number;
  /** Emits my own copy of the message; returns its id. */
  own: (parts: OwnMessage) => string;
  /** My image is on its way: its progress starts. */
  sendingImage: (ref: number, start: ImageTransferStart) => void;
}

/** My own copy of a message I sent, from `self`. */
export function ownMessage(id: string, self: Peer, parts: OwnMessage): ChatMessage {
  const message: ChatMessage = { id, at: Date.now(), from: self, text: parts.text, own: true };
  if (parts.action) message.action = true;
  if (parts.code) message.code = parts.code;
  if (parts.to) message.to = parts.to;
  if (parts.image) message.image = parts.image;
  return message;
}

/**
 * A text or an image (not a file) to the server we are in the room of, native or plain-text; my own copy is
 * emitted once it is queued. Throws a ChatError a user can read when it cannot be sent; then nothing was sent.
 */
export function sendMessage(connection: ServerConnection, message: OutgoingMessage, context: SendContext): void {
  const text = message.text ?? '';
  const image = message.image;
  if (text === '' && !image) throw new ChatError('empty-message', 'Nothing to send: type a message or pick an image.');
  const action = message.action === true && !image ? true : undefined;
  if (connection.mode === 'plain') {
    if (image) throw new ChatError('plain-text-server', "This server speaks plain text: images can't be sent.");
    if (message.to)
      throw new ChatError('plain-text-server', "This server speaks plain text: private messages can't be sent.");
    connection.sendLines(action ? `* ${text}` : text); // how an action reads on a plain-text room
    context.own({ text, code: message.code, action });
    return;
  }
  const to = message.to === undefined ? undefined : findRecipient(context.roster, message.to);
  let ref = 0;
  const mime = sendNativeMessage(
    connection.writer,
    { text, code: message.code, to, image, action },
    context.limits,
    () => (ref = context.nextRef()),
  );
  const sent = image && mime ? { mime, bytes: image } : undefined;
  const messageId = context.own({ text, code: message.code, to, image: sent, action });
  if (image) context.sendingImage(ref, { messageId, direction: 'send', total: image.length, peer: to });
}

/**
 * Queues one message on `writer` under a fresh `ref` (the image chunks carry it). Returns the image's type, for
 * our own copy of the message. Throws a ChatError a user can read when a limit is hit; then nothing was queued.
 */
export function sendNativeMessage(
  writer: FrameWriter,
  message: NativeMessage,
  limits: OutgoingLimits,
  nextRef: () => number,
): ImageMime | undefined {
  const { text, image } = message;
  const mime = image ? refuseOnError(() => checkImage(image, limits.maxImageBytes, limits.maxImagePixels)) : undefined;
  if (image && writer.pendingBytes + image.length > limits.maxQueuedBytes) {
    throw refused(
      new ChatError(
        'busy',
        `Still sending earlier images (${formatBytes(writer.pendingBytes)} queued); try again when they are through.`,
      ),
    );
  }
  const ref = nextRef();
  const body: MessageBody = { ref, text };
  if (message.code) body.code = message.code;
  if (image && mime) body.image = { mime, size: image.length };
  if (message.to) body.to = message.to.name;
  if (message.action) body.action = true;
  const header = encodeFrame({ type: FrameType.Message, body });
  if (header.length - 4 > limits.maxFrameBytes) {
    const sizes = `${formatBytes(header.length)}); the server takes up to ${formatBytes(limits.maxFrameBytes)}`;
    throw refused(new ChatError('too-long', `The message is too long (${sizes}.`));
  }
  if (image) writer.queue(header);
  else writer.urgent(header);
  for (let offset = 0; image && offset < image.length; offset += MAX_IMAGE_CHUNK) {
    const bytes = image.subarray(offset, offset + MAX_IMAGE_CHUNK);
    writer.queueChunk(imageChunkHeader(ref, bytes.length), bytes); // the bytes follow as they are: no copy per chunk
  }
  return mime;
}

/** `/away [reason]` or `/back` (undefined) to a native server; otherwise why not, for an error notice. */
export function sendAway(connection: ServerConnection | undefined, reason: string | undefined): ChatError | undefined {
  if (connection?.usable && connection.mode === 'native') {
    connection.send({ type: FrameType.Away, body: { reason: reason ?? null } });
    return undefined;
  }
  return connection?.usable
    ? new ChatError('plain-text-server', 'This server speaks plain text: it cannot show that you are away.')
    : new ChatError('not-connected', 'Not connected: your status cannot be changed right now.');
}

/** The private recipient by name: exact match first, then a unique case-insensitive one (as the server matches). */
export function findRecipient(roster: Roster, name: string): Peer {
  const everyone = [...roster.active, ...roster.waiting];
  const exact = everyone.find((peer) => peer.name === name);
  if (exact) return exact;
  const folded = everyone.filter((peer) => peer.name.toLowerCase() === name.toLowerCase());
  if (folded.length === 1) return folded[0];
  throw new ChatError('unknown-recipient', `Nobody called "${name}" is in the room (/who lists who is here).`);
}

/** Ours and the server's limits (its Challenge), whichever is smaller. */
export function outgoingLimits(
  options: { maxImageBytes: number; maxImagePixels: number },
  challenge: ChallengeBody | undefined,
  maxQueuedBytes: number,
): OutgoingLimits {
  return {
    maxImageBytes: Math.min(options.maxImageBytes, challenge?.maxImageBytes ?? Infinity),
    maxImagePixels: options.maxImagePixels,
    maxQueuedBytes,
    maxFrameBytes: challenge?.maxFrameBytes ?? HARD_MAX_FRAME_BYTES,
  };
}

/** Why we cannot send right now: waiting in line (at `position`), or not connected. */
export function cannotSend(state: EndpointState, position: number | null, where: string): ChatError {
  if (state === 'waiting')
    return new ChatError('not-admitted', `You are #${position ?? '?'} in line; you can chat once you're admitted.`);
  return notConnected(state, where);
}

/** Why we cannot send right now, by connection state. */
export function notConnected(state: EndpointState, where: string): ChatError {
  switch (state) {
    case 'reconnecting':
      return new ChatError(
        'not-connected',
        `The connection to ${where} was lost; reconnecting — try again in a moment.`,
      );
    case 'connecting':
    case 'handshaking':
      return new ChatError('not-connected', `Still connecting to ${where}; try again in a moment.`);
    default:
      return new ChatError('not-connected', 'Not connected to a server.');
  }
}

function refuseOnError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw refused(error as ChatError);
  }
}

/** A limit we hit on our side: worth a diagnostic line, since the server never sees the attempt. */
function refused(error: ChatError): ChatError {
  diagnose('client', `not sent: ${error.code} (${error.message})`);
  return error;
}

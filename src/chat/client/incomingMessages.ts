// Message, ImageChunk and ImageAbort frames from the server → ChatMessage events. A message with an image is
// held until its last chunk arrives and the bytes are a real image; a refused or abandoned image becomes a
// notice, and any text that came with it is still shown.
import { diagnose } from '../core/diagnostics';
import type { ChatMessage, NoticeLevel, Peer } from '../core/events';
import { escapeControl } from '../core/format';
import { ImageAssembler, type AssemblyResult } from './imageAssembler';
import type { ImageTransfers } from '../core/imageTransfers';
import type { MessageBody } from '../wire/frames';

export interface IncomingSink {
  message(message: ChatMessage): void;
  notice(level: NoticeLevel, text: string, code?: string): void;
  /** A file offer (Message with `file`) under the server's `ref`: told before its message event. */
  offer(message: ChatMessage, ref: number): void;
}

export class IncomingMessages {
  private readonly images: ImageAssembler;
  private highestRef = 0;

  constructor(
    maxImageBytes: number,
    /** Who a message without `from` is from (the server itself). */
    private readonly server: () => Peer,
    private readonly nextId: () => string,
    private readonly sink: IncomingSink,
    maxImagePixels?: number,
    /** Progress of the images arriving ('transfer' events), under the key `receive REF`. */
    private readonly progress?: ImageTransfers,
  ) {
    this.images = new ImageAssembler(maxImageBytes, undefined, maxImagePixels);
  }

  /** The highest server ref of a message received (a resuming Hello's `seen`: later ones were missed). */
  get lastRef(): number {
    return this.highestRef;
  }

  header(body: MessageBody): void {
    if (!body.image) return this.emit(body);
    const result = this.images.start(body);
    // The message's id is given now, so the progress events and the message (once complete) share it.
    if (result.kind === 'pending') {
      const start = {
        messageId: this.nextId(),
        direction: 'receive',
        total: body.image.size,
        peer: body.from,
      } as const;
      this.progress?.start(receiving(body.ref), start);
    }
    this.settle(result);
  }

  chunk(ref: number, bytes: Buffer | readonly Buffer[]): void {
    if (this.images.isCollecting(ref)) this.progress?.add(receiving(ref), byteCount(bytes));
    this.settle(this.images.chunk(ref, bytes));
  }

  /** Is image `ref` still arriving? (Once not, its remaining bytes are acknowledged.) */
  isCollecting(ref: number): boolean {
    return this.images.isCollecting(ref);
  }

  abort(ref: number): void {
    const id = this.progress?.messageId(receiving(ref));
    const header = this.images.abort(ref);
    this.progress?.end(receiving(ref), 'cancelled', 'the sender stopped sending it');
    if (header) this.failed(header, 'the sender stopped sending it', 'system', id);
  }

  /** The connection is gone: half-received images are dropped. */
  clear(): void {
    this.images.clear();
  }

  private settle(result: AssemblyResult): void {
    if (result.kind === 'pending') return;
    const key = receiving(result.header.ref);
    const id = this.progress?.messageId(key);
    this.progress?.end(
      key,
      result.kind === 'complete' ? 'done' : 'failed',
      result.kind === 'failed' ? result.reason : undefined,
    );
    if (result.kind === 'complete') this.emit(result.header, { mime: result.mime, bytes: result.bytes }, id);
    if (result.kind === 'failed') this.failed(result.header, result.reason, 'error', id);
  }

  private emit(body: MessageBody, image?: ChatMessage['image'], id = this.nextId()): void {
    // `at` is when we received it (the ChatMessage contract), not the server's clock.
    const message: ChatMessage = {
      id,
      at: Date.now(),
      from: body.from ?? this.server(),
      text: body.text,
      own: false,
    };
    if (body.code) message.code = body.code;
    if (typeof body.to === 'object') message.to = body.to;
    if (body.action === true) message.action = true;
    if (image) message.image = image;
    if (body.history === true) message.history = true;
    if (body.file && !image) {
      message.file = { name: body.file.name, size: body.file.size, mime: body.file.mime };
      this.sink.offer(message, body.ref);
    }
    this.highestRef = Math.max(this.highestRef, body.ref);
    this.sink.message(message);
  }

  /** `id`: the message id its progress events had (the text that came with the image keeps it). */
  private failed(header: MessageBody, reason: string, level: NoticeLevel = 'error', id?: string): void {
    const who = header.from?.name ?? 'The server';
    diagnose('client', `image ${header.ref} from ${escapeControl(who)} dropped: ${escapeControl(reason)}`);
    this.sink.notice(
      level,
      `${who}'s image was not received: ${reason}.`,
      level === 'error' ? 'image-dropped' : undefined,
    );
    if (header.text !== '' || header.code) this.emit({ ...header, image: undefined }, undefined, id);
  }
}

/** The progress key of an image arriving under the server's `ref`. */
function receiving(ref: number): string {
  return `receive ${ref}`;
}

function byteCount(bytes: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(bytes)) return bytes.length;
  let size = 0;
  for (const part of bytes) size += part.length;
  return size;
}

// The image frames between ChatClient and the server: chunks and aborts of images arriving (put together by
// incomingMessages.ts, each chunk's bytes acknowledged back), the server's acks of my images going out, and the
// progress of mine. The message headers themselves go to incomingMessages.ts; what we send, to outgoingMessages.ts.
import type { ImageTransfers, ImageTransferStart } from '../core/imageTransfers';
import { imageChunkParts, imageChunkSize } from '../wire/codec';
import { FrameType, type Frame } from '../wire/frames';
import type { ServerConnection } from './connection/serverConnection';
import type { IncomingMessages } from './incomingMessages';

/** The frames this file handles. */
export type ImageFrame = Extract<Frame, { type: FrameType.ImageChunk | FrameType.ImageAbort | FrameType.ImageAck }>;

export class ImageFrames {
  constructor(
    private readonly incoming: IncomingMessages,
    /** Progress of my images on their way out (`send REF`) and of images arriving (`receive REF`). */
    private readonly images: ImageTransfers,
    /** The client's current connection (a reconnect makes a new one). */
    private readonly connection: () => ServerConnection | undefined,
  ) {}

  /** An ImageChunk, ImageAbort or ImageAck frame from the server. */
  frame(frame: ImageFrame): void {
    switch (frame.type) {
      case FrameType.ImageChunk:
        this.incoming.chunk(frame.ref, imageChunkParts(frame));
        return this.sendAck(
          this.connection()?.imageAcks.received(
            frame.ref,
            imageChunkSize(frame),
            !this.incoming.isCollecting(frame.ref),
          ),
        );
      case FrameType.ImageAbort:
        this.incoming.abort(frame.ref);
        return this.sendAck(this.connection()?.imageAcks.finish(frame.ref));
      case FrameType.ImageAck:
        this.images.acknowledged(`send ${frame.ref}`, this.connection(), frame.received);
        return this.connection()?.writer.ack(frame.ref, frame.received);
    }
  }

  /** An image's progress counts the bytes the server acknowledged; a server that sends no acks: those handed on. */
  sending(connection: ServerConnection, ref: number, start: ImageTransferStart): void {
    this.images.start(`send ${ref}`, start, [connection]);
    if (connection.challenge?.acks === true) return;
    void connection.writer.flushed(60_000).then(() => this.images.acknowledged(`send ${ref}`, connection, start.total));
  }

  /** We leave: images still arriving are cancelled; mine are done if everything was `handedOn` to the kernel. */
  leaving(handedOn: boolean): void {
    // Leaving once everything was handed on (the CLI flushes first): my images went out, only their acks are owed.
    this.images.endAll(handedOn ? 'done' : 'cancelled', 'you left the chat', 'send ');
    this.images.endAll('cancelled', 'you left the chat');
  }

  /** The connection was lost: every image on its way, out or in, failed. */
  lost(): void {
    this.images.endAll('failed', 'the connection was lost');
  }

  private sendAck(ack: Buffer | undefined): void {
    if (ack) this.connection()?.writer.urgent(ack);
  }
}

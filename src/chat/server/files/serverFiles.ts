// The server's files: members' file frames go to the relay (fileRelay.ts), and the host takes part like a member
// — it offers files (streamed from its disk to each member that accepts) and accepts offers (the server pulls the
// bytes and writes them). The host's side of each transfer is a TransferReport ('transfer' events, ids like 't3').
import { ChatError } from '../../core/errors';
import type { ChatMessage, OutgoingMessage, Peer } from '../../core/events';
import type { FileOffer, FileTarget, TransferProgress } from '../../core/files';
import { ackDue } from '../../files/fileAcks';
import { FileDownload } from '../../files/fileDownload';
import { describeFile } from '../../files/fileOffer';
import { Uploads } from '../../files/fileUpload';
import { TransferReport } from '../../core/transferReport';
import { encodeFrame, imageChunkParts, imageChunkSize } from '../../wire/codec';
import { FrameType, type Frame } from '../../wire/frames';
import type { Notices } from '../room/notices';
import type { PeerConnection } from '../connection/peerConnection';
import type { Room } from '../room/room';
import { FileRelay, type FileEnd, type HostFileEnd, type RelayedTransfer } from './fileRelay';

export interface ServerFilesContext {
  room: Room;
  notices: Notices;
  maxFileBytes: number;
  /** The next server ref of a relayed message (shared with messages.ts). */
  nextRef(): number;
  nextMessageId(): string;
  message(message: ChatMessage): void;
  transfer(progress: TransferProgress): void;
}

/** A member's offer, as messages.ts checked it (seat, rate, recipient). */
export interface MemberOffer {
  conn: PeerConnection;
  peer: Peer;
  clientRef: number;
  file: FileOffer;
  recipients: readonly PeerConnection[];
  /** A private offer's recipient (the host: 'host'). */
  to?: FileEnd;
  toPeer?: Peer;
  hostGets: boolean;
}

interface HostTransfer {
  report: TransferReport;
  relayed?: RelayedTransfer;
  download?: FileDownload;
  acked: number;
}

type FileFrame = Extract<
  Frame,
  { type: FrameType.FileAccept | FrameType.FileChunk | FrameType.FileAck | FrameType.FileCancel }
>;

export class ServerFiles implements HostFileEnd {
  readonly relay: FileRelay;
  private readonly uploads = new Uploads();
  /** The host's own offers (server ref → file on disk) and the offers it was given (message id → server ref). */
  private readonly hostOffers = new Map<number, { path: string; messageId: string }>();
  private readonly offersToHost = new Map<string, number>();
  /** Accepted by the host (where to, and the offer's message id), until the relay opens the transfer. */
  private pending: { target: FileTarget; messageId: string } | undefined;
  private readonly byTransfer = new Map<number, HostTransfer>();
  private readonly byId = new Map<string, number>();
  private counter = 0;

  constructor(private readonly context: ServerFilesContext) {
    this.relay = new FileRelay(
      context.notices,
      () => context.room.host,
      () => context.maxFileBytes,
    );
    this.relay.host = this;
  }

  /** A member's FileAccept, FileChunk, FileAck or FileCancel. */
  frame(conn: PeerConnection, frame: FileFrame): void {
    switch (frame.type) {
      case FrameType.FileAccept:
        return this.relay.accept(conn, frame.body.ref);
      case FrameType.FileChunk:
        return this.relay.chunk(conn, frame.transfer, imageChunkParts(frame), imageChunkSize(frame));
      case FrameType.FileAck:
        return this.relay.ack(conn, frame.transfer, frame.received);
      case FrameType.FileCancel:
        return this.relay.cancel(conn, frame.body);
    }
  }

  /** A member offers a file: relayed (or refused over the cap); the host's own copy is a message event. */
  fromMember(offer: MemberOffer, ref: number, at: number): void {
    const { conn, peer, file, toPeer } = offer;
    const header = encodeFrame({
      type: FrameType.Message,
      body: { ref, text: '', file, from: peer, at, ...(toPeer ? { to: toPeer } : {}) },
    });
    const relayed = this.relay.offer(
      { from: conn, fromPeer: peer, senderRef: offer.clientRef, file, to: offer.to },
      ref,
      offer.recipients,
      header,
    );
    if (!relayed || !offer.hostGets) return;
    const message: ChatMessage = { id: this.context.nextMessageId(), at, from: peer, text: '', own: false, file };
    if (toPeer) message.to = toPeer;
    this.offersToHost.set(message.id, ref);
    this.context.message(message);
  }

  /** The host offers a file (to one member with `to`). */
  async fromHost(message: OutgoingMessage & { file: NonNullable<OutgoingMessage['file']> }): Promise<void> {
    const { room } = this.context;
    const file = await describeFile(message.file, this.context.maxFileBytes);
    const target = message.to === undefined ? undefined : room.findByName(message.to);
    if (message.to !== undefined && !target)
      throw new ChatError('unknown-recipient', `No one named ${message.to} is here.`);
    const ref = this.context.nextRef();
    const at = Date.now();
    const from = room.host;
    const header = encodeFrame({
      type: FrameType.Message,
      body: { ref, text: '', file, from, at, ...(target?.peer ? { to: target.peer } : {}) },
    });
    this.relay.offer(
      { from: 'host', fromPeer: from, senderRef: ref, file, to: target },
      ref,
      target ? [target] : room.seated(),
      header,
    );
    const own: ChatMessage = { id: this.context.nextMessageId(), at, from, text: '', own: true, file };
    if (target?.peer) own.to = target.peer;
    this.hostOffers.set(ref, { path: message.file.path, messageId: own.id });
    this.context.message(own);
  }

  accept(messageId: string, target: FileTarget): void {
    const ref = this.offersToHost.get(messageId);
    const offer = ref === undefined ? undefined : this.relay.offerByRef(ref);
    if (ref === undefined || !offer)
      throw new ChatError('unknown-file', 'That file offer is not here any more (it was answered or ended).');
    this.offersToHost.delete(messageId);
    this.pending = { target, messageId };
    this.relay.accept('host', ref); // synchronously calls startReceiving
    this.pending = undefined;
  }

  decline(messageId: string): void {
    const ref = this.offersToHost.get(messageId);
    const offer = ref === undefined ? undefined : this.relay.offerByRef(ref);
    if (ref === undefined || !offer)
      throw new ChatError('unknown-file', 'That file offer is not here any more (it was answered or ended).');
    this.offersToHost.delete(messageId);
    this.report(messageId, 'receive', offer.file, offer.fromPeer).end('declined', { reason: 'declined' });
  }

  cancel(transferId: string): void {
    const id = this.byId.get(transferId);
    if (id === undefined) throw new ChatError('unknown-file', `No transfer ${transferId} is running.`);
    this.relay.cancel('host', { transfer: id });
    this.ended(this.byTransfer.get(id)!.relayed!, 'cancelled', 'you cancelled it');
  }

  /** A member left: its transfers end, its offers expire. */
  gone(conn: PeerConnection): void {
    this.relay.gone(conn, conn.peer?.name ?? conn.address);
  }

  /** The server stops: every transfer of the host ends. */
  stop(): void {
    this.uploads.stopAll();
    for (const transfer of [...this.byTransfer.values()])
      if (transfer.relayed) this.ended(transfer.relayed, 'failed', 'the server stopped');
  }

  // ------------------------------------------------------------------------------------------ HostFileEnd

  startSending(relayed: RelayedTransfer): void {
    const own = this.hostOffers.get(relayed.offer.ref);
    const receiver = relayed.receiver;
    if (!own || receiver === 'host') return;
    const transfer = this.track(relayed, this.report(own.messageId, 'send', relayed.offer.file, relayed.receiverPeer));
    transfer.report.progress(0);
    this.uploads.start({
      transfer: relayed.id,
      path: own.path,
      size: relayed.offer.file.size,
      sink: {
        queueChunk: (_header, bytes) => {
          this.relay.chunk('host', relayed.id, [bytes], bytes.length);
          return this.byTransfer.has(relayed.id) && !receiver.isClosed;
        },
        whenBulkBelow: (bytes) => receiver.writer.whenBulkBelow(bytes),
      },
      failed: (reason) => {
        this.relay.cancel('host', { transfer: relayed.id, reason, failed: true });
        this.ended(relayed, 'failed', reason);
      },
    });
    if (relayed.offer.file.size === 0) this.acked(relayed, 0);
  }

  startReceiving(relayed: RelayedTransfer): void {
    if (!this.pending) return;
    const { target, messageId } = this.pending;
    const offer = relayed.offer;
    const transfer = this.track(relayed, this.report(messageId, 'receive', offer.file, offer.fromPeer));
    transfer.report.progress(0);
    transfer.download = new FileDownload(target, offer.file.name, offer.file.size, {
      written: (total) => {
        if (ackDue(transfer.acked, total, offer.file.size)) {
          transfer.acked = total;
          this.relay.ack('host', relayed.id, total);
        }
        transfer.report.progress(total);
      },
      done: (savedPath) => this.finish(relayed.id, { savedPath, bytes: offer.file.size }),
      failed: (reason) => {
        this.relay.cancel('host', { transfer: relayed.id, reason, failed: true });
        this.ended(relayed, 'failed', reason);
      },
    });
  }

  chunk(relayed: RelayedTransfer, parts: readonly Buffer[]): void {
    this.byTransfer.get(relayed.id)?.download?.push(parts);
  }

  acked(relayed: RelayedTransfer, bytes: number): void {
    const transfer = this.byTransfer.get(relayed.id);
    if (!transfer) return;
    if (bytes >= relayed.offer.file.size) this.finish(relayed.id, { bytes });
    else transfer.report.progress(bytes);
  }

  ended(relayed: RelayedTransfer, state: 'cancelled' | 'failed', reason: string): void {
    const transfer = this.byTransfer.get(relayed.id);
    if (!transfer) return;
    this.uploads.stop(relayed.id);
    transfer.download?.abort();
    this.untrack(relayed.id, transfer);
    transfer.report.end(state, { reason });
  }

  // ------------------------------------------------------------------------------------------ helpers

  private finish(id: number, details: { savedPath?: string; bytes: number }): void {
    const transfer = this.byTransfer.get(id);
    if (!transfer) return;
    this.untrack(id, transfer);
    transfer.report.end('done', details);
  }

  private track(relayed: RelayedTransfer, report: TransferReport): HostTransfer {
    const transfer: HostTransfer = { report, relayed, acked: 0 };
    this.byTransfer.set(relayed.id, transfer);
    this.byId.set(report.id, relayed.id);
    return transfer;
  }

  private untrack(id: number, transfer: HostTransfer): void {
    this.byTransfer.delete(id);
    this.byId.delete(transfer.report.id);
  }

  private report(messageId: string, direction: 'send' | 'receive', file: FileOffer, peer: Peer): TransferReport {
    return new TransferReport(`t${++this.counter}`, messageId, direction, file, peer, (p) => this.context.transfer(p));
  }
}

// A ChatClient's files: offers it makes (their bytes streamed from disk when someone accepts, one copy per
// receiver) and offers it gets (written to disk only after Accept). Each side of a transfer is a TransferReport
// ('transfer' events with a local id like 't7'); the wire's transfer ids are the server's (FileOpen).
// Acknowledgements run end to end: the receiver acknowledges what it wrote, the server passes that on to the
// sender, so a slow disk or a slow receiver slows the sender instead of filling the server's memory.
import { ChatError } from '../../core/errors';
import type { ChatMessage, Peer, Roster } from '../../core/events';
import type { FileOffer, FileTarget, OutgoingFile, TransferProgress } from '../../core/files';
import { formatBytes } from '../../core/units';
import { FileDownload } from '../../files/fileDownload';
import { describeFile } from '../../files/fileOffer';
import { Uploads } from '../../files/fileUpload';
import { TransferReport } from '../../core/transferReport';
import { LateChunks, ackDue } from '../../files/fileAcks';
import { encodeFrame, imageChunkParts, imageChunkSize } from '../../wire/codec';
import { fileAckBytes } from '../../wire/fileFrames';
import { FrameType, type Frame, type FileOpenBody } from '../../wire/frames';
import { findRecipient } from '../outgoingMessages';
import type { ServerConnection } from '../connection/serverConnection';

export interface ClientFilesContext {
  connection(): ServerConnection | undefined;
  self(): Peer | undefined;
  maxFileBytes: number;
  nextRef(): number;
  nextMessageId(): string;
  message(message: ChatMessage): void;
  transfer(progress: TransferProgress): void;
}

interface SentOffer {
  offer: FileOffer;
  path: string;
  messageId: string;
}
interface ReceivedOffer {
  ref: number;
  offer: FileOffer;
  from: Peer;
}
interface Send {
  report: TransferReport;
  size: number;
  acked: number;
  lastAck: number;
}
interface Receive {
  report: TransferReport;
  download: FileDownload | undefined;
  offer: ReceivedOffer;
  target: FileTarget;
  acked: number;
  /** The wire's id, once the server's FileOpen named it. */
  wire?: number;
  cancelled?: boolean;
}

type ClientFileFrame = Extract<
  Frame,
  { type: FrameType.FileOpen | FrameType.FileChunk | FrameType.FileAck | FrameType.FileCancel }
>;

export class ClientFiles {
  private readonly uploads = new Uploads();
  private readonly sentOffers = new Map<number, SentOffer>();
  private readonly offers = new Map<string, ReceivedOffer>();
  private readonly sends = new Map<number, Send>();
  /** Accepted offers by the server's ref, until the FileOpen names their transfer. */
  private readonly accepted = new Map<number, Receive>();
  private readonly receives = new Map<number, Receive>();
  /** Local transfer id → the transfer. */
  private readonly byId = new Map<string, Send | Receive>();
  private readonly late = new LateChunks();
  private counter = 0;

  constructor(private readonly context: ClientFilesContext) {}

  /** Offers a file (to the member named `toName` alone, when set): only the offer goes out now. */
  async offer(file: OutgoingFile, toName: string | undefined, roster: Roster): Promise<void> {
    const to = toName === undefined ? undefined : findRecipient(roster, toName);
    const connection = this.usableConnection();
    const offer = await describeFile(file, this.context.maxFileBytes);
    const ref = this.context.nextRef();
    connection.writer.urgent(
      encodeFrame({ type: FrameType.Message, body: { ref, text: '', file: offer, ...(to ? { to: to.name } : {}) } }),
    );
    const messageId = this.context.nextMessageId();
    this.sentOffers.set(ref, { offer, path: file.path, messageId });
    const message: ChatMessage = { id: messageId, at: Date.now(), from: this.context.self()!, text: '', own: true };
    if (to) message.to = to;
    message.file = offer;
    this.context.message(message);
  }

  /** An offer arrived (the message event follows with `file`). */
  offered(message: ChatMessage, ref: number): void {
    if (message.file) this.offers.set(message.id, { ref, offer: message.file, from: message.from });
  }

  accept(messageId: string, target: FileTarget): void {
    const offer = this.offers.get(messageId);
    if (!offer) throw new ChatError('unknown-file', 'That file offer is not here any more (it was answered or ended).');
    const max = this.context.maxFileBytes;
    if (offer.offer.size > max) {
      throw new ChatError(
        'file-refused',
        `${offer.offer.name} is ${formatBytes(offer.offer.size)}; this client accepts files of up to ${formatBytes(max)}.`,
      );
    }
    const connection = this.usableConnection();
    this.offers.delete(messageId);
    const receive: Receive = {
      report: this.report(messageId, 'receive', offer),
      download: undefined,
      offer,
      target,
      acked: 0,
    };
    this.accepted.set(offer.ref, receive);
    this.byId.set(receive.report.id, receive);
    connection.send({ type: FrameType.FileAccept, body: { ref: offer.ref } });
    receive.report.progress(0);
  }

  decline(messageId: string): void {
    const offer = this.offers.get(messageId);
    if (!offer) throw new ChatError('unknown-file', 'That file offer is not here any more (it was answered or ended).');
    this.offers.delete(messageId);
    this.report(messageId, 'receive', offer).end('declined', { reason: 'declined' });
  }

  cancel(transferId: string): void {
    const transfer = this.byId.get(transferId);
    if (!transfer) throw new ChatError('unknown-file', `No transfer ${transferId} is running.`);
    if ('download' in transfer) {
      transfer.cancelled = true;
      if (transfer.wire !== undefined) this.sendCancel(transfer.wire);
      this.endReceive(transfer, 'cancelled', 'you cancelled it');
    } else {
      const wire = this.wireOf(transfer);
      if (wire !== undefined) this.sendCancel(wire);
      this.endSend(transfer, wire, 'cancelled', 'you cancelled it');
    }
  }

  frame(frame: ClientFileFrame): void {
    switch (frame.type) {
      case FrameType.FileOpen:
        return frame.body.to ? this.openSend(frame.body, frame.body.to) : this.openReceive(frame.body);
      case FrameType.FileChunk:
        return this.chunk(frame.transfer, imageChunkParts(frame), imageChunkSize(frame));
      case FrameType.FileAck:
        return this.acked(frame.transfer, frame.received);
      case FrameType.FileCancel: {
        const state = frame.body.failed ? 'failed' : 'cancelled';
        const reason = frame.body.reason ?? state;
        const wire = frame.body.transfer;
        const send = this.sends.get(wire);
        if (send) this.endSend(send, wire, state, reason);
        const receive = this.receives.get(wire);
        if (receive) this.endReceive(receive, state, reason);
      }
    }
  }

  /** The connection is gone: every transfer fails, every offer (ours and theirs) ends with it. */
  connectionLost(): void {
    const reason = 'the connection to the server was lost';
    for (const [wire, send] of [...this.sends]) this.endSend(send, wire, 'failed', reason);
    for (const receive of [...this.accepted.values(), ...this.receives.values()])
      this.endReceive(receive, 'failed', reason);
    this.uploads.stopAll();
    this.sentOffers.clear();
    this.offers.clear();
    this.late.clear();
  }

  // ------------------------------------------------------------------------------------------ sending

  private openSend(body: FileOpenBody, to: Peer): void {
    const sent = this.sentOffers.get(body.ref);
    if (!sent) return this.sendCancel(body.transfer, 'that offer is no longer available', true);
    const send: Send = {
      report: this.report(sent.messageId, 'send', { ref: body.ref, offer: sent.offer, from: to }),
      size: sent.offer.size,
      acked: 0,
      lastAck: 0,
    };
    this.sends.set(body.transfer, send);
    this.byId.set(send.report.id, send);
    send.report.progress(0);
    const writer = this.context.connection()?.writer;
    if (!writer) return;
    this.uploads.start({
      transfer: body.transfer,
      path: sent.path,
      size: sent.offer.size,
      sink: writer,
      failed: (reason) => {
        this.sendCancel(body.transfer, reason, true);
        this.endSend(send, body.transfer, 'failed', reason);
      },
    });
    if (send.size === 0) this.acked(body.transfer, 0);
  }

  private acked(transfer: number, received: number): void {
    this.context.connection()?.writer.ackFile(transfer, received);
    const send = this.sends.get(transfer);
    if (!send) return;
    send.acked += (received - send.lastAck + 2 ** 32) % 2 ** 32;
    send.lastAck = received;
    if (send.acked >= send.size) this.endSend(send, transfer, 'done', undefined);
    else send.report.progress(send.acked);
  }

  private endSend(send: Send, wire: number | undefined, state: 'done' | 'cancelled' | 'failed', reason?: string): void {
    if (wire !== undefined) {
      this.sends.delete(wire);
      this.uploads.stop(wire);
    }
    this.byId.delete(send.report.id);
    send.report.end(state, state === 'done' ? { bytes: send.size } : { reason });
  }

  // ------------------------------------------------------------------------------------------ receiving

  private openReceive(body: FileOpenBody): void {
    const receive = this.accepted.get(body.ref);
    if (!receive || receive.cancelled) return this.sendCancel(body.transfer, 'not accepted');
    this.accepted.delete(body.ref);
    receive.wire = body.transfer;
    this.receives.set(body.transfer, receive);
    receive.download = new FileDownload(receive.target, receive.offer.offer.name, receive.offer.offer.size, {
      written: (total) => {
        if (ackDue(receive.acked, total, receive.offer.offer.size)) this.ack(receive, total);
        receive.report.progress(total);
      },
      done: (savedPath) => {
        this.receives.delete(body.transfer);
        this.byId.delete(receive.report.id);
        receive.report.end('done', { savedPath, bytes: receive.offer.offer.size });
      },
      failed: (reason) => {
        this.sendCancel(body.transfer, reason, true);
        this.endReceive(receive, 'failed', reason);
      },
    });
  }

  private chunk(transfer: number, parts: readonly Buffer[], size: number): void {
    const receive = this.receives.get(transfer);
    if (receive?.download) return receive.download.push(parts);
    // A chunk already on its way when the transfer ended: acknowledged, so the server's window stays open.
    this.context.connection()?.writer.urgent(this.late.received(transfer, size));
  }

  private ack(receive: Receive, total: number): void {
    receive.acked = total;
    if (receive.wire !== undefined) this.context.connection()?.writer.urgent(fileAckBytes(receive.wire, total));
  }

  private endReceive(receive: Receive, state: 'cancelled' | 'failed', reason: string): void {
    this.accepted.delete(receive.offer.ref);
    this.byId.delete(receive.report.id);
    if (receive.wire !== undefined && this.receives.delete(receive.wire)) {
      // Whatever arrived is acknowledged (the server's window), and later chunks are counted on from there.
      const arrived = receive.download?.bytes ?? 0;
      this.late.ended(receive.wire, arrived);
      if (arrived > receive.acked) this.ack(receive, arrived);
    }
    receive.download?.abort();
    receive.report.end(state, { reason });
  }

  // ------------------------------------------------------------------------------------------ helpers

  private report(messageId: string, direction: 'send' | 'receive', offer: ReceivedOffer): TransferReport {
    const report = new TransferReport(`t${++this.counter}`, messageId, direction, offer.offer, offer.from, (p) =>
      this.context.transfer(p),
    );
    return report;
  }

  private sendCancel(transfer: number, reason?: string, failed?: boolean): void {
    const body = { transfer, ...(reason ? { reason } : {}), ...(failed ? { failed } : {}) };
    this.context.connection()?.send({ type: FrameType.FileCancel, body });
  }

  private wireOf(send: Send): number | undefined {
    for (const [wire, candidate] of this.sends) if (candidate === send) return wire;
    return undefined;
  }

  private usableConnection(): ServerConnection {
    const connection = this.context.connection();
    if (!connection?.usable) throw new ChatError('not-connected', 'Not connected to a server.');
    if (connection.mode === 'plain')
      throw new ChatError('plain-text-server', "This server speaks plain text: files can't be sent or received.");
    if (connection.challenge?.files !== true)
      throw new ChatError('no-files', 'This server cannot pass files on (it runs an older TCP Chat).');
    return connection;
  }
}

// Files passing through the server, which never stores them: an offer is relayed (under the server's own ref)
// to the members who can take it, and each receiver that accepts pulls its own copy — the server opens a
// transfer (its id on both hops), asks the sender for the bytes and passes each chunk on the moment it arrives.
// Acknowledgements run end to end (the receiver's FileAck goes back to the sender), so at most one ack window of a
// transfer is ever in the server's memory. A cancel from either end, or a party leaving, ends it on both hops.
// The host is an end like a member (server/files/hostFiles.ts streams and saves its files).
import type { Peer } from '../../core/events';
import type { FileOffer } from '../../core/files';
import { offerLabel } from '../../files/fileOffer';
import { LateChunks } from '../../files/fileAcks';
import { formatBytes } from '../../core/units';
import { encodeFrame } from '../../wire/codec';
import { fileAckBytes, fileChunkHeader } from '../../wire/fileFrames';
import { FrameType, type FileCancelBody } from '../../wire/frames';
import { MAX_TRACKED_REFS } from '../../wire/imageAcks';
import { plainBytes } from '../../wire/plainText';
import type { Notices } from '../room/notices';
import type { PeerConnection } from '../connection/peerConnection';

/** Offers one sender keeps open at once; an older one expires when a newer one needs the room. */
export const MAX_OFFERS_PER_SENDER = 64;

/** One end of an offer or a transfer: a member's connection, or the host itself. */
export type FileEnd = PeerConnection | 'host';

export interface RelayedOffer {
  ref: number;
  from: FileEnd;
  fromPeer: Peer;
  /** The sender's own ref (its FileOpen names it). */
  senderRef: number;
  file: FileOffer;
  /** A private offer: the one who may accept it. */
  to?: FileEnd;
  /** The members the offer reached (a waiting member or a later joiner never saw it, so may not accept it). */
  audience?: ReadonlySet<FileEnd>;
}

export interface RelayedTransfer {
  id: number;
  offer: RelayedOffer;
  receiver: FileEnd;
  receiverPeer: Peer;
  /** Bytes the sender sent so far, and bytes the receiver acknowledged (cumulative). */
  sent: number;
  acked: number;
  lastAck: number;
}

/** The host's side of transfers (hostFiles.ts). */
export interface HostFileEnd {
  /** The host must stream `transfer` (its offer) to the receiver. */
  startSending(transfer: RelayedTransfer): void;
  /** The host accepted: `transfer` is open, chunks follow. */
  startReceiving(transfer: RelayedTransfer): void;
  chunk(transfer: RelayedTransfer, parts: readonly Buffer[]): void;
  acked(transfer: RelayedTransfer, bytes: number): void;
  ended(transfer: RelayedTransfer, state: 'cancelled' | 'failed', reason: string): void;
}

export class FileRelay {
  private readonly offers = new Map<number, RelayedOffer>();
  private readonly transfers = new Map<number, RelayedTransfer>();
  /** Ended transfers' senders, so their chunks still on the way are acknowledged, not taken for an attack. */
  private readonly endedSenders = new Map<number, FileEnd>();
  private readonly late = new LateChunks();
  private nextId = 1;
  host: HostFileEnd | undefined;

  constructor(
    private readonly notices: Notices,
    private readonly hostPeer: () => Peer,
    private readonly maxFileBytes: () => number,
  ) {}

  /**
   * A new offer: refused over the cap (false), else relayed as a Message with `file` to each recipient that can
   * take files and as a one-line note to the others. `header(ref)` is the Message frame to relay.
   */
  offer(offer: Omit<RelayedOffer, 'ref'>, ref: number, recipients: readonly PeerConnection[], header: Buffer): boolean {
    if (offer.file.size > this.maxFileBytes()) {
      const text = `File refused: ${offerLabel(offer.file)} is over the ${formatBytes(this.maxFileBytes())} this server passes on.`;
      if (offer.from !== 'host') this.notices.refuse(offer.from, 'file-too-large', text);
      return false;
    }
    this.expireOldest(offer.from);
    const audience = new Set<FileEnd>();
    this.offers.set(ref, { ...offer, ref, audience });
    const label = offerLabel(offer.file);
    const who = offer.fromPeer.name;
    let note: Buffer | undefined;
    let line: Buffer | undefined;
    for (const conn of recipients) {
      if (conn === offer.from) continue;
      if (conn.kind === 'native' && conn.files) {
        conn.write(header);
        audience.add(conn);
      } else if (conn.kind === 'native')
        conn.write(
          (note ??= encodeFrame({
            type: FrameType.Notice,
            body: {
              level: 'info',
              code: 'no-files',
              text: `${who} offers a file: ${label} — this client cannot receive files; the TCP Chat extension or \`tcp-chat connect\` can`,
            },
          })),
        );
      else
        conn.write(
          (line ??= plainBytes(
            `* ${who} offers a file: ${label}; files need the TCP Chat extension or tcp-chat connect`,
          )),
        );
    }
    return true;
  }

  /** `receiver` accepts offer `ref`: a transfer opens on both hops (or the receiver learns it is gone). */
  accept(receiver: FileEnd, ref: number): void {
    const offer = this.offers.get(ref);
    const id = this.nextId++;
    const receiverPeer = receiver === 'host' ? this.hostPeer() : receiver.peer;
    const problem = !offer
      ? 'that file offer is no longer available'
      : offer.from === receiver ||
          (offer.to !== undefined && offer.to !== receiver) ||
          (receiver !== 'host' && !offer.audience?.has(receiver)) ||
          !receiverPeer
        ? 'that file was not offered to you'
        : [...this.transfers.values()].some((t) => t.offer === offer && t.receiver === receiver)
          ? 'you are already receiving that file'
          : undefined;
    if (problem || !offer || !receiverPeer) {
      if (receiver === 'host') return; // hostFiles checked its own offers first
      receiver.sendFrame({ type: FrameType.FileOpen, body: { transfer: id, ref } });
      receiver.sendFrame({ type: FrameType.FileCancel, body: { transfer: id, reason: problem, failed: true } });
      return;
    }
    const transfer: RelayedTransfer = { id, offer, receiver, receiverPeer, sent: 0, acked: 0, lastAck: 0 };
    this.transfers.set(id, transfer);
    if (receiver === 'host') this.host?.startReceiving(transfer);
    else receiver.sendFrame({ type: FrameType.FileOpen, body: { transfer: id, ref } });
    if (offer.from === 'host') this.host?.startSending(transfer);
    else
      offer.from.sendFrame({
        type: FrameType.FileOpen,
        body: { transfer: id, ref: offer.senderRef, to: receiverPeer },
      });
    // An empty file has no byte to acknowledge: both ends finish on FileOpen alone, so the server forgets it now.
    if (offer.file.size === 0) this.forget(transfer);
  }

  /** File bytes from `sender` (a member, or the host streaming its own file). */
  chunk(sender: FileEnd, id: number, parts: readonly Buffer[], size: number): void {
    const transfer = this.transfers.get(id);
    if (!transfer || transfer.offer.from !== sender) {
      if (sender === 'host') return;
      // Still on its way when the transfer ended: acknowledged. Never asked for: a broken (or hostile) peer.
      if (this.endedSenders.get(id) === sender) return sender.write(this.late.received(id, size));
      return this.notices.fatal(
        sender,
        'bad-frame',
        `File chunk for transfer ${id}, which you were not asked to send.`,
      );
    }
    transfer.sent += size;
    if (transfer.sent > transfer.offer.file.size) {
      const reason = `it sent more than the ${transfer.offer.file.size} bytes it announced`;
      return this.end(transfer, undefined, { transfer: id, reason, failed: true });
    }
    const receiver = transfer.receiver;
    if (receiver === 'host') this.host?.chunk(transfer, parts);
    else receiver.queueImageChunk(fileChunkHeader(id, size), parts, sender === 'host' ? undefined : sender);
  }

  /** A FileAck from a transfer's receiver (the member, or the host once its bytes are on disk). */
  ack(from: FileEnd, id: number, received: number): void {
    if (from !== 'host') from.writer.ackFile(id, received);
    const transfer = this.transfers.get(id);
    if (!transfer || transfer.receiver !== from) return;
    transfer.acked += (received - transfer.lastAck + 2 ** 32) % 2 ** 32;
    transfer.lastAck = received;
    const sender = transfer.offer.from;
    if (sender === 'host') this.host?.acked(transfer, transfer.acked);
    else sender.write(fileAckBytes(id, received));
    if (transfer.acked >= transfer.offer.file.size) this.forget(transfer);
  }

  /** A FileCancel from one end (cancelled there, or failed: a read or write error). */
  cancel(from: FileEnd, body: FileCancelBody): void {
    const transfer = this.transfers.get(body.transfer);
    if (!transfer || (transfer.offer.from !== from && transfer.receiver !== from)) return;
    const name = from === 'host' ? this.hostPeer().name : (from.peer?.name ?? 'someone');
    const reason = body.failed ? `${name}: ${body.reason ?? 'failed'}` : `cancelled by ${name}`;
    this.end(transfer, from, { transfer: body.transfer, reason, ...(body.failed ? { failed: true } : {}) });
  }

  /** A member left (or the host stops): its transfers fail on the other hop, its offers expire. */
  gone(conn: FileEnd, name: string): void {
    for (const transfer of [...this.transfers.values()]) {
      if (transfer.offer.from === conn || transfer.receiver === conn)
        this.end(transfer, conn, { transfer: transfer.id, reason: `${name} left`, failed: true });
    }
    for (const [ref, offer] of [...this.offers]) if (offer.from === conn) this.offers.delete(ref);
  }

  /** The offer with this ref, if it is still open (hostFiles: the host's accept). */
  offerByRef(ref: number): RelayedOffer | undefined {
    return this.offers.get(ref);
  }

  /** Open transfers (tests, diagnostics). */
  get openTransfers(): number {
    return this.transfers.size;
  }

  /** Ends `transfer`: both ends but `skip` are told; the sender's window gets back what it sent. */
  private end(transfer: RelayedTransfer, skip: FileEnd | undefined, body: FileCancelBody): void {
    this.forget(transfer);
    const state = body.failed ? 'failed' : 'cancelled';
    for (const end of [transfer.offer.from, transfer.receiver]) {
      if (end === skip) continue;
      if (end === 'host') this.host?.ended(transfer, state, body.reason ?? state);
      else end.sendFrame({ type: FrameType.FileCancel, body });
    }
    const sender = transfer.offer.from;
    if (sender !== 'host' && transfer.sent > transfer.acked) sender.write(fileAckBytes(transfer.id, transfer.sent));
  }

  private forget(transfer: RelayedTransfer): void {
    this.transfers.delete(transfer.id);
    this.late.ended(transfer.id, transfer.sent);
    this.endedSenders.delete(transfer.id);
    if (this.endedSenders.size >= MAX_TRACKED_REFS)
      this.endedSenders.delete(this.endedSenders.keys().next().value as number);
    this.endedSenders.set(transfer.id, transfer.offer.from);
  }

  private expireOldest(from: FileEnd): void {
    const own = [...this.offers.values()].filter((o) => o.from === from);
    if (own.length >= MAX_OFFERS_PER_SENDER) this.offers.delete(own[0].ref);
  }
}

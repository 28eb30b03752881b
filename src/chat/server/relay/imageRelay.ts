// Images passing through the server: each chunk is forwarded the moment it arrives (encoded once, queued to every
// recipient behind their text), and — when the host is a recipient — kept to assemble the host's own copy.
// The header goes out only after the first bytes prove the declared type, so a file lying about being an image
// never reaches anyone; a sender that gives up or vanishes mid-image makes recipients drop the partial image.
// The memory held for the host's copies is bounded in all and per address, and an image must keep arriving at a
// minimum pace: announcing big images and trickling a byte now and then cannot lock honest images out.
import { ChatError, errorMessage } from '../../core/errors';
import { type ImageMime } from '../../core/images';
import { checkImage, checkImageStart, imageLabel, sniffImage } from '../../core/images';
import type { PeerConnection } from '../connection/peerConnection';
import type { Outgoing } from '../connection/peerOutput';
import { encodeFrame, imageChunkHeader } from '../../wire/codec';
import { FrameType } from '../../wire/frames';
import { formatBytes, formatDuration } from '../../core/units';
import { maxHeldImageBytes, type ResolvedServerOptions } from '../options';
/** Enough leading bytes for every magic-number check in images.ts (BMP needs 26) and every declared size but JPEG's. */
const SNIFF_BYTES = 32;
/** Images one sender may have in flight at once; each can hold up to maxImageBytes of server memory. */
export const MAX_IMAGES_IN_FLIGHT = 4;
/** An announced image with no bytes for this long is given up (it would hold its reservation forever). */
export const IMAGE_IDLE_MS = 30_000;

export interface PendingImage {
  sender: PeerConnection;
  /** The sender's ref (its ImageChunk frames carry it). */
  clientRef: number;
  /** Our ref on the relayed frames. */
  serverRef: number;
  mime: ImageMime;
  size: number;
  /** Message header for native recipients, sent once the type is proven. */
  header: Outgoing;
  recipients: PeerConnection[];
  keepForHost: boolean;
  /** Every byte arrived and checked; `bytes` is the whole image when the host keeps a copy. */
  onComplete(bytes: Buffer | undefined): void;
  /** For the host's progress events: the bytes arrived so far, and how it ended when not complete. */
  onProgress?(received: number): void;
  onEnd?(state: 'cancelled' | 'failed', reason: string): void;
}

/** The settings the relay follows (ServerOptions). */
export type ImageRelayOptions = Pick<
  ResolvedServerOptions,
  'maxImageBytes' | 'maxImagePixels' | 'minImageBytesPerSecond' | 'imageRateGraceMs' | 'maxHeldImageBytesPerAddress'
>;

export interface ImageRelayCallbacks {
  /** Tell the sender (and the host's log) why its image was refused. */
  reject(sender: PeerConnection, code: string, text: string): void;
}

interface Flight extends PendingImage {
  received: number;
  released: boolean;
  /** Chunks (each as the slices it arrived in) held until the first bytes prove the declared type. */
  held: Array<readonly Buffer[]>;
  /** The host's copy, allocated once at the announced (capped) size and filled chunk by chunk at its offset. */
  kept: Buffer | undefined;
  keptBytes: number;
  forgotten: boolean;
  startedAt: number;
  lastActivity: number;
  /** The sender's IP address: what its reservation counts against. */
  address: string;
}

export class ImageRelay {
  private readonly bySender = new Map<PeerConnection, Map<number, Flight>>();
  /** Announced bytes of unfinished images the host keeps, in all and per address, and the most we accept. */
  private reserved = 0;
  private readonly reservedByAddress = new Map<string, number>();
  private readonly maxReserved: number;
  private readonly maxImageBytes: number;

  constructor(
    private readonly options: ImageRelayOptions,
    private readonly callbacks: ImageRelayCallbacks,
  ) {
    this.maxImageBytes = options.maxImageBytes;
    this.maxReserved = maxHeldImageBytes(options.maxImageBytes);
  }

  /** Registers an announced image; false (and the sender told) when it cannot be accepted. */
  start(image: PendingImage): boolean {
    let flights = this.bySender.get(image.sender);
    if (!flights) this.bySender.set(image.sender, (flights = new Map()));
    if (flights.has(image.clientRef)) this.abort(image.sender, image.clientRef);
    if (flights.size >= MAX_IMAGES_IN_FLIGHT) {
      this.callbacks.reject(
        image.sender,
        'too-many-images',
        `Image refused: you already have ${MAX_IMAGES_IN_FLIGHT} images on the way; wait for them to finish.`,
      );
      return false;
    }
    const address = addressOf(image.sender);
    if (image.keepForHost && !this.reserve(image, address)) return false;
    const now = Date.now();
    flights.set(image.clientRef, {
      ...image,
      received: 0,
      released: false,
      held: [],
      kept: undefined,
      keptBytes: 0,
      forgotten: false,
      startedAt: now,
      lastActivity: now,
      address,
    });
    return true;
  }

  /** Holds room for the host's copy, or refuses (the sender told); images too slow to deserve theirs go first. */
  private reserve(image: PendingImage, address: string): boolean {
    const fits = () => ({
      address: (this.reservedByAddress.get(address) ?? 0) + image.size <= this.options.maxHeldImageBytesPerAddress,
      total: this.reserved + image.size <= this.maxReserved,
    });
    let room = fits();
    if (!room.address || !room.total) {
      this.giveUpSlow(Date.now());
      room = fits();
    }
    if (!room.address) {
      const held = formatBytes(this.reservedByAddress.get(address) ?? 0);
      const most = formatBytes(this.options.maxHeldImageBytesPerAddress);
      this.callbacks.reject(
        image.sender,
        'server-busy',
        `Image refused: unfinished images from your address (${address}) already hold ${held} of the ${most} one address may hold at once; wait for them to finish.`,
      );
      return false;
    }
    if (!room.total) {
      this.callbacks.reject(
        image.sender,
        'server-busy',
        'Image refused: the server is receiving too many images right now; try again in a moment.',
      );
      return false;
    }
    this.reserved += image.size;
    this.reservedByAddress.set(address, (this.reservedByAddress.get(address) ?? 0) + image.size);
    return true;
  }

  /** One ImageChunk's bytes, as the slices they arrived in (see FrameDecoderOptions.keepImageSlices). */
  chunk(sender: PeerConnection, ref: number, parts: readonly Buffer[]): void {
    const flight = this.bySender.get(sender)?.get(ref);
    if (!flight) return; // a refused or unknown image: its chunks are dropped
    const now = Date.now();
    flight.lastActivity = now;
    for (const part of parts) flight.received += part.length;
    const slow = this.tooSlow(flight, now);
    if (slow) return this.fail(flight, 'image-stalled', slow);
    if (flight.received > flight.size) {
      return this.fail(flight, 'image-size', `Image refused: it sent more than the ${flight.size} bytes it announced.`);
    }
    if (!flight.released) {
      flight.held.push(parts);
      if (flight.received < Math.min(SNIFF_BYTES, flight.size)) return;
      const head = Buffer.concat(flight.held.flat());
      const actual = sniffImage(head);
      if (actual !== flight.mime) {
        const what = actual
          ? `its bytes are ${imageLabel(actual)}`
          : 'its bytes are not a PNG, JPEG, GIF, WebP or BMP image';
        return this.fail(flight, 'image-type', `Image refused: it says ${imageLabel(flight.mime)} but ${what}.`);
      }
      // A declared size over the limit is refused before anyone gets a byte (a JPEG's size may come later).
      try {
        checkImageStart(head, flight.mime, this.options.maxImagePixels);
      } catch (error) {
        return this.fail(flight, refusalCode(error), `Image refused: ${errorMessage(error)}`);
      }
      flight.released = true;
      for (const to of flight.recipients) if (to.kind === 'native') to.deliver(flight.header);
      // Forwarded as they came (not the concatenation): each stays within the chunk size limit.
      for (const held of flight.held) this.forward(flight, held);
      flight.held = [];
    } else {
      this.forward(flight, parts);
    }
    flight.onProgress?.(flight.received);
    if (flight.received === flight.size) this.finish(flight);
  }

  /** Is this sender's image `ref` still arriving? (Once not, the server acknowledges its remaining bytes.) */
  isCollecting(sender: PeerConnection, ref: number): boolean {
    return this.bySender.get(sender)?.has(ref) ?? false;
  }

  /** The sender gave up on one image (ImageAbort). */
  abort(sender: PeerConnection, ref: number): void {
    const flight = this.bySender.get(sender)?.get(ref);
    if (flight) this.drop(flight);
    flight?.onEnd?.('cancelled', 'the sender stopped sending it');
  }

  /** The sender left: every partial image of theirs is aborted and discarded. */
  senderGone(sender: PeerConnection): void {
    const flights = this.bySender.get(sender);
    if (!flights) return;
    for (const flight of [...flights.values()]) {
      this.drop(flight);
      flight.onEnd?.('failed', 'the sender left');
    }
    this.bySender.delete(sender);
  }

  /**
   * Gives up images whose sender stopped sending bytes, or sends them too slowly (called now and then, e.g. on each
   * heartbeat).
   */
  sweep(now = Date.now(), idleMs = IMAGE_IDLE_MS): void {
    for (const flight of this.flights()) {
      const why =
        now - flight.lastActivity >= idleMs
          ? `Image given up: no bytes of it arrived for ${formatDuration(idleMs)}.`
          : this.tooSlow(flight, now);
      if (why) this.giveUp(flight, why);
    }
  }

  /** Gives up every image past its grace period that arrives under the minimum rate. */
  private giveUpSlow(now: number): void {
    for (const flight of this.flights()) {
      const why = this.tooSlow(flight, now);
      if (why) this.giveUp(flight, why);
    }
  }

  /** Why the image is given up for its pace, if it is too slow (on average since its header, after the grace). */
  private tooSlow(flight: Flight, now: number): string | undefined {
    const { minImageBytesPerSecond: rate, imageRateGraceMs: graceMs } = this.options;
    const elapsed = now - flight.startedAt;
    if (rate === false || elapsed < graceMs || flight.received >= (rate * elapsed) / 1000) return undefined;
    return `Image given up: only ${formatBytes(flight.received)} of it arrived in ${formatDuration(elapsed)} (at least ${formatBytes(rate)}/s is needed); send it again when the connection is faster.`;
  }

  /**
   * Gives up an image outside its sender's own chunk (sweep, or room needed): what the server counted of it is
   * acknowledged now, since no further chunk of it may come to carry the ack.
   */
  private giveUp(flight: Flight, why: string): void {
    this.fail(flight, 'image-stalled', why);
    flight.sender.write(flight.sender.imageAcks.finish(flight.clientRef));
  }

  private flights(): Flight[] {
    return [...this.bySender.values()].flatMap((flights) => [...flights.values()]);
  }

  /** A recipient left: stop sending it anything. */
  recipientGone(conn: PeerConnection): void {
    for (const flights of this.bySender.values()) {
      for (const flight of flights.values()) {
        const index = flight.recipients.indexOf(conn);
        if (index >= 0) flight.recipients.splice(index, 1);
      }
    }
  }

  /** Queues one chunk to every native recipient: a new 9-byte header, then the sender's slices as they are. */
  private forward(flight: Flight, parts: readonly Buffer[]): void {
    let size = 0;
    for (const part of parts) size += part.length;
    if (flight.keepForHost) {
      // One copy into place, instead of keeping every chunk and concatenating them all again at the end.
      flight.kept ??= Buffer.allocUnsafe(flight.size);
      for (const part of parts) flight.keptBytes += part.copy(flight.kept, flight.keptBytes);
    }
    let header: Buffer | undefined;
    for (const to of flight.recipients) {
      if (to.kind !== 'native') continue;
      header ??= imageChunkHeader(flight.serverRef, size);
      to.queueImageChunk(header, parts, flight.sender);
    }
  }

  private finish(flight: Flight): void {
    // Every byte is in place: received === size, and each was copied to its offset on the way through.
    const whole = flight.keepForHost ? (flight.kept ?? Buffer.alloc(0)) : undefined;
    this.forget(flight);
    if (whole) {
      try {
        checkImage(whole, this.maxImageBytes, this.options.maxImagePixels);
      } catch (error) {
        this.sendAbort(flight);
        flight.onEnd?.('failed', `Image refused: ${errorMessage(error)}`);
        return this.callbacks.reject(flight.sender, refusalCode(error), `Image refused: ${errorMessage(error)}`);
      }
    }
    flight.onComplete(whole);
  }

  private fail(flight: Flight, code: string, text: string): void {
    this.drop(flight);
    flight.onEnd?.('failed', text);
    this.callbacks.reject(flight.sender, code, text);
  }

  private drop(flight: Flight): void {
    this.forget(flight);
    this.sendAbort(flight);
  }

  private sendAbort(flight: Flight): void {
    if (!flight.released) return; // nobody saw the header
    let frame: Buffer | undefined;
    for (const to of flight.recipients) {
      if (to.kind !== 'native') continue;
      frame ??= encodeFrame({ type: FrameType.ImageAbort, ref: flight.serverRef });
      to.queueBulk(frame); // behind the chunks already queued, so the recipient sees them in order
    }
  }

  private forget(flight: Flight): void {
    if (!flight.forgotten && flight.keepForHost) {
      this.reserved -= flight.size;
      const left = (this.reservedByAddress.get(flight.address) ?? 0) - flight.size;
      if (left > 0) this.reservedByAddress.set(flight.address, left);
      else this.reservedByAddress.delete(flight.address);
    }
    flight.forgotten = true;
    flight.held = [];
    flight.kept = undefined;
    this.bySender.get(flight.sender)?.delete(flight.clientRef);
  }
}

/** The IP address a sender's reservation counts against: its `ip:port` (or `[ipv6]:port`) without the port. */
function addressOf(conn: PeerConnection): string {
  return conn.address.slice(0, conn.address.lastIndexOf(':'));
}

/** The code of checkImage's refusal ('image-too-many-pixels', 'image-unreadable', …) for the sender's notice. */
function refusalCode(error: unknown): string {
  return error instanceof ChatError ? error.code : 'image-type';
}

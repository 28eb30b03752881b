// The native wire protocol (docs/PROTOCOL.md): a greeting line, a client preamble, then length-prefixed frames.
// Pure codec: no sockets. Everything a peer sends passes through decode + validate here, so a hostile byte
// stream can only ever produce a ProtocolError, never a crash.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CodeInfo, ImageMime, NoticeLevel, Peer, Roster } from '../core/events';
import { isImageMime } from '../core/images';

export const PROTOCOL_VERSION = 1;
/** First bytes of the server's greeting line; a client that reads them knows it reached a native server. */
export const GREETING_PREFIX = 'TCPCHAT/';
/** What a native client sends first (after reading the greeting); anything else marks a plain-text peer. */
export const CLIENT_PREAMBLE = Buffer.from(`TCPCHAT/${PROTOCOL_VERSION}\n`, 'ascii');
/** Image bytes travel in chunks of at most this many bytes, so text never waits behind a large image. */
export const MAX_IMAGE_CHUNK = 64 * 1024;
/** Default cap on one frame (type byte + payload). Settable, but never above HARD_MAX_FRAME_BYTES. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
export const HARD_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** A frame's header: u32 big-endian length (of type + payload) then the u8 type. */
export const FRAME_HEADER_BYTES = 5;

export enum FrameType {
  Challenge = 0x01, // S→C after the preamble: version, room, auth scheme, nonce, limits
  Hello = 0x02, //     C→S: name, client, password proof
  Welcome = 0x03, //   S→C: who you are, seat or place in line
  Error = 0x04, //     S→C: a rejection; fatal ones are followed by close
  Message = 0x10, //   both: a message header (text, code, private recipient, image metadata)
  ImageChunk = 0x11, // both: u32 ref + up to 64 KiB of raw image bytes
  ImageAbort = 0x12, // both: u32 ref; the image for that message will not complete
  ImageAck = 0x13, //   both: u32 ref + u32 bytes of that image received so far (flow control, see frameWriter.ts)
  Notice = 0x20, //    S→C: join/leave/admit/rate-limit notices
  Roster = 0x21, //    S→C: active members and the waiting queue
  Queue = 0x22, //     S→C: your place in line (null = you have a seat)
  Rename = 0x30, //    C→S: /name
  Ping = 0x31, //      both: heartbeat; answered by Pong with the same payload
  Pong = 0x32,
  Bye = 0x33, //       both: a graceful goodbye with a reason
}

export interface ChallengeBody {
  v: number;
  room: string;
  auth: 'none' | 'hmac-sha256';
  nonce: string;
  maxFrameBytes: number;
  maxImageBytes: number;
  /** The server acknowledges the image bytes it receives (ImageAck), so the client may window its image bytes. */
  acks?: boolean;
}
export interface HelloBody {
  v: number;
  name: string;
  client?: string;
  /** hex HMAC-SHA256(password, AUTH_CONTEXT + nonce): the password itself never crosses the wire. */
  proof?: string;
  /** The client acknowledges the image bytes it receives (ImageAck), so the server may window them. */
  acks?: boolean;
}
export interface WelcomeBody {
  you: Peer;
  room: string;
  seats: number;
  /** 1-based place in line, or null when admitted at once. */
  position: number | null;
}
export interface ErrorBody {
  code: string;
  message: string;
  fatal: boolean;
}
/** C→S: `ref` is the sender's own id. S→C: `ref` is the server's id and `from`/`at` are set by the server. */
export interface MessageBody {
  ref: number;
  text: string;
  code?: CodeInfo;
  image?: { mime: ImageMime; size: number };
  /** C→S: the recipient's name. S→C: the recipient (private messages only). */
  to?: string | Peer;
  from?: Peer;
  at?: number;
}
export interface NoticeBody {
  level: NoticeLevel;
  text: string;
  code?: string;
}
export interface QueueBody {
  position: number | null;
}
export interface RenameBody {
  name: string;
}
export interface ByeBody {
  reason?: string;
}

export type Frame =
  | { type: FrameType.Challenge; body: ChallengeBody }
  | { type: FrameType.Hello; body: HelloBody }
  | { type: FrameType.Welcome; body: WelcomeBody }
  | { type: FrameType.Error; body: ErrorBody }
  | { type: FrameType.Message; body: MessageBody }
  | { type: FrameType.ImageChunk; ref: number; bytes: Buffer }
  | { type: FrameType.ImageAbort; ref: number }
  | { type: FrameType.ImageAck; ref: number; received: number }
  | { type: FrameType.Notice; body: NoticeBody }
  | { type: FrameType.Roster; body: Roster }
  | { type: FrameType.Queue; body: QueueBody }
  | { type: FrameType.Rename; body: RenameBody }
  | { type: FrameType.Ping; payload: Buffer }
  | { type: FrameType.Pong; payload: Buffer }
  | { type: FrameType.Bye; body: ByeBody };

/** A frame of a type this version does not know: skipped by receivers (forward compatibility). */
export interface UnknownFrame {
  type: 'unknown';
  code: number;
  length: number;
}

export class ProtocolError extends Error {
  /** Frames completed by the same push() before the error: deliver them, then drop the connection. */
  frames: Array<Frame | UnknownFrame> = [];
  constructor(
    readonly code: 'frame-too-large' | 'empty-frame' | 'bad-frame',
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const MAX_PING_PAYLOAD = 64;
/**
 * Most peers in one roster list (active or waiting). Without it only the 16 MiB frame would bound a roster, and a
 * hostile server could make a client render ~100,000 entries; the server's maxConnections stays below it.
 */
export const MAX_ROSTER_PEERS = 10_000;
/** Names on the wire may be long (the server sanitises and shortens them); only the frame limit bounds them. */
const MAX_NAME_FIELD_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------------------------- encoding

/** Encodes one frame. Chunk, abort, ack and ping frames are binary; every other body is UTF-8 JSON. */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.ImageChunk:
      return Buffer.concat([imageChunkHeader(frame.ref, frame.bytes.length), frame.bytes]);
    case FrameType.ImageAbort: {
      const payload = Buffer.allocUnsafe(4);
      payload.writeUInt32BE(frame.ref, 0);
      return frameBytes(frame.type, payload);
    }
    case FrameType.ImageAck: {
      const payload = Buffer.allocUnsafe(8);
      payload.writeUInt32BE(frame.ref, 0);
      payload.writeUInt32BE(frame.received, 4);
      return frameBytes(frame.type, payload);
    }
    case FrameType.Ping:
    case FrameType.Pong:
      return frameBytes(frame.type, frame.payload);
    default:
      return frameBytes(frame.type, Buffer.from(JSON.stringify(frame.body), 'utf8'));
  }
}

/**
 * The 9 bytes in front of an ImageChunk frame's payload (length, type, ref). Senders and the relay write image
 * bytes after this header as they are, so a 20 MB image is not copied once more per chunk.
 */
export function imageChunkHeader(ref: number, size: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 4);
  header.writeUInt32BE(1 + 4 + size, 0);
  header[4] = FrameType.ImageChunk;
  header.writeUInt32BE(ref, FRAME_HEADER_BYTES);
  return header;
}

/** Raw frame bytes for any type code (also used by tests to build unknown or malformed frames). */
export function frameBytes(type: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(1 + payload.length, 0);
  out[4] = type;
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

// ---------------------------------------------------------------------------------------------- decoding

/**
 * Incremental decoder: push() any slice of the byte stream, get back every frame it completes. A frame that
 * arrives whole inside one chunk is decoded in place (no copy); a frame split across chunks is copied once
 * into a buffer of its exact size, allocated when its length is known. So a hostile peer dribbling a frame a
 * byte at a time costs O(n) time and one frame's worth of memory. Throws ProtocolError on an oversized/empty
 * length or a malformed body, carrying the frames completed before it; the caller delivers those, then drops
 * the connection, because the stream can no longer be trusted to be in sync.
 */
export class FrameDecoder {
  private readonly header = Buffer.alloc(4);
  private headerFilled = 0;
  private partial: Buffer | undefined;
  private partialFilled = 0;
  private readonly maxFrameBytes: number;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.maxFrameBytes = Math.min(maxFrameBytes, HARD_MAX_FRAME_BYTES);
  }

  /** Bytes received but not yet part of a complete frame (for memory caps and tests). */
  get bufferedBytes(): number {
    return this.headerFilled + this.partialFilled;
  }

  push(chunk: Buffer): Array<Frame | UnknownFrame> {
    const frames: Array<Frame | UnknownFrame> = [];
    try {
      this.decodeInto(chunk, frames);
    } catch (error) {
      if (error instanceof ProtocolError) error.frames = frames;
      throw error;
    }
    return frames;
  }

  private decodeInto(chunk: Buffer, frames: Array<Frame | UnknownFrame>): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.partial) {
        const copied = chunk.copy(this.partial, this.partialFilled, offset);
        this.partialFilled += copied;
        offset += copied;
        if (this.partialFilled < this.partial.length) return;
        const body = this.partial;
        this.partial = undefined;
        this.partialFilled = 0;
        frames.push(decodeFrameBody(body[0], body.subarray(1)));
        continue;
      }
      let length: number;
      if (this.headerFilled === 0 && chunk.length - offset >= 4) {
        length = chunk.readUInt32BE(offset);
        offset += 4;
      } else {
        const copied = chunk.copy(this.header, this.headerFilled, offset, offset + 4 - this.headerFilled);
        this.headerFilled += copied;
        offset += copied;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        length = this.header.readUInt32BE(0);
      }
      if (length === 0) throw new ProtocolError('empty-frame', 'Received a frame of length 0.');
      if (length > this.maxFrameBytes) {
        throw new ProtocolError(
          'frame-too-large',
          `Received a frame of ${length} bytes; the limit is ${this.maxFrameBytes}.`,
        );
      }
      if (chunk.length - offset >= length) {
        frames.push(decodeFrameBody(chunk[offset], chunk.subarray(offset + 1, offset + length)));
        offset += length;
      } else {
        this.partial = Buffer.allocUnsafe(length);
      }
    }
  }
}

/** Decodes and validates one frame's payload; unknown type codes become UnknownFrame. */
export function decodeFrameBody(type: number, payload: Buffer): Frame | UnknownFrame {
  switch (type) {
    case FrameType.ImageChunk:
      if (payload.length < 5 || payload.length > 4 + MAX_IMAGE_CHUNK) {
        throw new ProtocolError(
          'bad-frame',
          `Image chunk of ${Math.max(0, payload.length - 4)} bytes; chunks carry 1 to ${MAX_IMAGE_CHUNK} bytes.`,
        );
      }
      return { type, ref: payload.readUInt32BE(0), bytes: payload.subarray(4) };
    case FrameType.ImageAbort:
      if (payload.length !== 4)
        throw new ProtocolError('bad-frame', 'Image abort frame must carry exactly a 4-byte reference.');
      return { type, ref: payload.readUInt32BE(0) };
    case FrameType.ImageAck:
      if (payload.length !== 8)
        throw new ProtocolError(
          'bad-frame',
          'Image ack frame must carry exactly a 4-byte reference and a 4-byte count.',
        );
      return { type, ref: payload.readUInt32BE(0), received: payload.readUInt32BE(4) };
    case FrameType.Ping:
    case FrameType.Pong:
      if (payload.length > MAX_PING_PAYLOAD)
        throw new ProtocolError('bad-frame', `Ping payload over ${MAX_PING_PAYLOAD} bytes.`);
      return { type, payload: Buffer.from(payload) };
  }
  const validate = validators[type as FrameType];
  if (!validate) return { type: 'unknown', code: type, length: payload.length + 1 };
  let body: unknown;
  try {
    // Invalid UTF-8 becomes U+FFFD here, as the issue asks: replaced, not rejected.
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new ProtocolError('bad-frame', `Frame type 0x${type.toString(16)} does not carry valid JSON.`);
  }
  const problem = validate(body);
  if (problem) throw new ProtocolError('bad-frame', `Frame type 0x${type.toString(16)}: ${problem}.`);
  return { type, body } as Frame;
}

// ---------------------------------------------------------------------------------------------- validation

type Validator = (body: unknown) => string | undefined;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 1 << 20): v is string => typeof v === 'string' && v.length <= max;
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isLevel = (v: unknown): v is NoticeLevel => v === 'info' || v === 'system' || v === 'error';
function checkPeer(v: unknown): string | undefined {
  if (!isObj(v)) return 'peer is not an object';
  if (!isUint(v.id) || !isStr(v.name, 256) || !isStr(v.address, 256)) return 'peer needs id, name and address';
  if (v.kind !== 'host' && v.kind !== 'native' && v.kind !== 'plain') return 'peer kind is unknown';
  return undefined;
}

function checkPeers(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'expected a list of peers';
  if (v.length > MAX_ROSTER_PEERS) return `a list of ${v.length} peers (the limit is ${MAX_ROSTER_PEERS})`;
  for (const p of v) {
    const problem = checkPeer(p);
    if (problem) return problem;
  }
  return undefined;
}

function checkCode(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v) || !isStr(v.language, 64)) return 'code needs a language';
  if (v.file !== undefined && !isStr(v.file, 1024)) return 'code file must be text';
  if (v.line !== undefined && !isUint(v.line)) return 'code line must be a number';
  return undefined;
}

const validators: Partial<Record<FrameType, Validator>> = {
  [FrameType.Challenge]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isUint(b.v) || !isStr(b.room, 256) || !isStr(b.nonce, 256)
        ? 'needs v, room and nonce'
        : b.auth !== 'none' && b.auth !== 'hmac-sha256'
          ? 'unknown auth scheme'
          : !isUint(b.maxFrameBytes) || !isUint(b.maxImageBytes)
            ? 'needs limits'
            : b.acks !== undefined && typeof b.acks !== 'boolean'
              ? 'acks must be true or false'
              : undefined,
  [FrameType.Hello]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isUint(b.v) || !isStr(b.name, MAX_NAME_FIELD_CHARS)
        ? 'needs v and name'
        : b.client !== undefined && !isStr(b.client, 256)
          ? 'client must be text'
          : b.proof !== undefined && !isStr(b.proof, 256)
            ? 'proof must be text'
            : b.acks !== undefined && typeof b.acks !== 'boolean'
              ? 'acks must be true or false'
              : undefined,
  [FrameType.Welcome]: (b) =>
    !isObj(b)
      ? 'not an object'
      : (checkPeer(b.you) ??
        (!isStr(b.room, 256) || !isUint(b.seats)
          ? 'needs room and seats'
          : b.position !== null && !isUint(b.position)
            ? 'position must be a number or null'
            : undefined)),
  [FrameType.Error]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isStr(b.code, 64) || !isStr(b.message, 4096) || typeof b.fatal !== 'boolean'
        ? 'needs code, message and fatal'
        : undefined,
  [FrameType.Message]: (b) => {
    if (!isObj(b)) return 'not an object';
    if (!isUint(b.ref) || !isStr(b.text)) return 'needs ref and text';
    const codeProblem = checkCode(b.code);
    if (codeProblem) return codeProblem;
    if (b.image !== undefined) {
      if (!isObj(b.image) || !isUint(b.image.size) || b.image.size === 0) return 'image needs a size';
      if (!isImageMime(b.image.mime)) return 'image type is not supported';
    }
    if (b.to !== undefined && !isStr(b.to, 256) && checkPeer(b.to)) return 'to must be a name or a peer';
    if (b.from !== undefined && checkPeer(b.from)) return 'from must be a peer';
    if (b.at !== undefined && typeof b.at !== 'number') return 'at must be a time';
    return undefined;
  },
  [FrameType.Notice]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isLevel(b.level) || !isStr(b.text, 65536)
        ? 'needs level and text'
        : b.code !== undefined && !isStr(b.code, 64)
          ? 'code must be text'
          : undefined,
  [FrameType.Roster]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isUint(b.seats) || !isUint(b.connections)
        ? 'needs seats and connections'
        : (checkPeers(b.active) ?? checkPeers(b.waiting)),
  [FrameType.Queue]: (b) =>
    !isObj(b)
      ? 'not an object'
      : b.position !== null && !isUint(b.position)
        ? 'position must be a number or null'
        : undefined,
  [FrameType.Rename]: (b) => (!isObj(b) || !isStr(b.name, MAX_NAME_FIELD_CHARS) ? 'needs a name' : undefined),
  [FrameType.Bye]: (b) =>
    !isObj(b) || (b.reason !== undefined && !isStr(b.reason, 4096)) ? 'reason must be text' : undefined,
};

// ---------------------------------------------------------------------------------------------- greeting + auth

/**
 * The server's first line, readable by a human at `nc` and recognisable by our client:
 * `TCPCHAT/1 <room> — welcome! Plain-text users: type your name and press Enter within 30 s to join.\r\n`.
 * A room with a password says so instead, up front: a plain-text peer cannot answer the challenge, and should
 * not type a name only to be turned away.
 */
export function greetingLine(room: string, handshakeTimeoutMs: number, passwordRequired = false): string {
  const head = `${GREETING_PREFIX}${PROTOCOL_VERSION} ${room} — `;
  if (passwordRequired) {
    return `${head}this room needs a password: join with the TCP Chat extension or \`tcp-chat connect --password\`; plain-text clients such as nc cannot join.\r\n`;
  }
  const seconds = Math.round(handshakeTimeoutMs / 1000);
  return `${head}welcome! Plain-text users: type your name and press Enter within ${seconds} s to join.\r\n`;
}

/** Parses a greeting line; undefined means "not one of ours" (a plain-text server). */
export function parseGreeting(line: string): { version: number; room: string } | undefined {
  const match = /^TCPCHAT\/(\d+) (.*?)(?: — .*)?\r?\n?$/.exec(line);
  if (!match) return undefined;
  return { version: Number(match[1]), room: match[2] };
}

/** Domain separation for the HMAC, so a proof can't be replayed as some other protocol's MAC. */
const AUTH_CONTEXT = 'tcpchat-auth-v1:';

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function authProof(password: string, nonce: string): string {
  return createHmac('sha256', password)
    .update(AUTH_CONTEXT + nonce)
    .digest('hex');
}

export function verifyProof(password: string, nonce: string, proof: string | undefined): boolean {
  if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/i.test(proof)) return false;
  const expected = Buffer.from(authProof(password, nonce), 'hex');
  const given = Buffer.from(proof, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// What a native frame is (docs/PROTOCOL.md §5): the type codes, the shape of each body, the header layout and the
// limits every receiver enforces. Types and numbers only; codec.ts turns them into bytes and back.
import type { CodeInfo, NoticeLevel, Peer, Roster } from '../core/events';
import type { FileOffer } from '../core/files';
import type { ImageMime } from '../core/images';

/** Image bytes travel in chunks of at most this many bytes, so text never waits behind a large image. */
export const MAX_IMAGE_CHUNK = 64 * 1024;
/** Default cap on one frame (type byte + payload). Settable, but never above HARD_MAX_FRAME_BYTES. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
export const HARD_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** A frame's header: u32 big-endian length (of type + payload) then the u8 type. */
export const FRAME_HEADER_BYTES = 5;
/** Most bytes a Ping or Pong carries. */
export const MAX_PING_PAYLOAD = 64;
/**
 * Most peers in one roster list (active or waiting): a room of 10,000 connections plus the host. Without it only the
 * 16 MiB frame would bound a roster, and a hostile server could make a client render ~100,000 entries; the server's
 * maxConnections stays below it.
 */
export const MAX_ROSTER_PEERS = 10_001;
/** Longest topic and away reason the server sends (it cuts them shorter); a longer one is a bad frame. */
export const MAX_TOPIC_CHARS = 1024;
export const MAX_AWAY_CHARS = 1024;
/** Names on the wire may be long (the server sanitises and shortens them); only the frame limit bounds them. */
export const MAX_NAME_FIELD_CHARS = 64 * 1024;

export enum FrameType {
  Challenge = 0x01, // S→C after the preamble: version, room, auth scheme, nonce, limits
  Hello = 0x02, //     C→S: name, client, password proof
  Welcome = 0x03, //   S→C: who you are, seat or place in line
  Error = 0x04, //     S→C: a rejection; fatal ones are followed by close
  Message = 0x10, //   both: a message header (text, code, private recipient, image metadata)
  ImageChunk = 0x11, // both: u32 ref + up to 64 KiB of raw image bytes
  ImageAbort = 0x12, // both: u32 ref; the image for that message will not complete
  ImageAck = 0x13, //   both: u32 ref + u32 bytes of that image received so far (flow control, see frameWriter.ts)
  FileChunk = 0x14, // both: u32 transfer + up to 64 KiB of a file's bytes (fileFrames.ts)
  FileAck = 0x15, //   both: u32 transfer + u32 bytes of that file received so far (the same ack window as images)
  FileAccept = 0x16, // C→S: accept the file offered in Message `ref` (the server's ref)
  FileOpen = 0x17, //  S→C: a transfer starts: to the sender "send offer `ref` as `transfer` to `to`", to the receiver "it comes as `transfer`"
  FileCancel = 0x18, // both: a transfer stops (cancelled or failed) on every hop
  Notice = 0x20, //    S→C: join/leave/admit/rate-limit notices
  Roster = 0x21, //    S→C: active members and the waiting queue
  Queue = 0x22, //     S→C: your place in line (null = you have a seat)
  RosterDelta = 0x23, // S→C: what changed since the last roster (to clients that offered rosterDelta)
  Rename = 0x30, //    C→S: /name
  Ping = 0x31, //      both: heartbeat; answered by Pong with the same payload
  Pong = 0x32,
  Bye = 0x33, //       both: a graceful goodbye with a reason
  Away = 0x34, //      C→S: /away [reason] or /back
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
  /** The server relays file offers and transfers (FileAccept, FileOpen, FileChunk, FileAck, FileCancel). */
  files?: boolean;
  /** The server can send RosterDelta frames (what changed) instead of a whole Roster on every change. */
  rosterDelta?: boolean;
}
export interface HelloBody {
  v: number;
  name: string;
  client?: string;
  /** hex HMAC-SHA256(password, AUTH_CONTEXT + nonce): the password itself never crosses the wire. */
  proof?: string;
  /** The client acknowledges the image bytes it receives (ImageAck), so the server may window them. */
  acks?: boolean;
  /** Coming back after a lost connection: the resume token of the last Welcome (hex), to get the same peer. */
  resume?: string;
  /** With `resume`: the highest Message `ref` received from this server, so only later missed ones are sent. */
  seen?: number;
  /** The client takes file offers and transfers; without it the server sends a notice instead of an offer. */
  files?: boolean;
  /** The client applies RosterDelta frames (answering a Challenge that offered them). */
  rosterDelta?: boolean;
}
export interface WelcomeBody {
  you: Peer;
  room: string;
  seats: number;
  /** 1-based place in line, or null when admitted at once. */
  position: number | null;
  /** The room's topic, when it has one. */
  topic?: string;
  /** A fresh secret (hex) that gets this peer back after a lost connection (Hello.resume); one per Welcome. */
  resume?: string;
  /** True when the Hello's resume token was accepted: same id, name, seat or place in line. */
  resumed?: boolean;
}
export interface ErrorBody {
  /**
   * Any text of up to 64 characters: a newer peer may send a code this version does not know, so the receiver
   * maps it with errorCodeFromWire() (core/errors.ts) before using it.
   */
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
  /** An action (`/me waves`); a peer that does not know the field shows the text as a plain message. */
  action?: boolean;
  /** S→C: replayed from the room's history (said before this member got its seat), not new. */
  history?: boolean;
  /** A file offer (no bytes follow the header: each receiver that accepts pulls its own copy). */
  file?: FileOffer;
}
export interface NoticeBody {
  level: NoticeLevel;
  text: string;
  /** Any short text, as ErrorBody.code; the client passes it on in Notice.code as it came. */
  code?: string;
  /** The end of a history replay (code 'history-end'). */
  history?: boolean;
}
/**
 * What changed in the roster since the last Roster or RosterDelta this client got, applied in this order: `left`
 * (ids taken out), `changed` (fields of members still here), `moved` (each taken out of where it is and put at
 * `index` of its list), `joined` (each put at `index` of its list, in order), then seats, topic and connections.
 * `waiting: true` means the waiting queue, otherwise the active list (the host is always active[0]).
 */
export interface RosterDeltaBody {
  left?: number[];
  /** away null: back; encrypted false: no longer. */
  changed?: Array<{ id: number; name?: string; address?: string; away?: string | null; encrypted?: boolean }>;
  moved?: Array<{ id: number; waiting?: boolean; index: number }>;
  joined?: Array<{ peer: Peer; waiting?: boolean; index: number }>;
  seats?: number;
  /** '' when the topic was cleared. */
  topic?: string;
  connections?: number;
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
/** C→S: accept the offer of the Message the server sent with this `ref`. */
export interface FileAcceptBody {
  ref: number;
}
/**
 * S→C: a transfer starts. With `to`: you offered `ref` (your own ref) and `to` accepted it — send it as
 * `transfer`. Without: the offer you accepted (the server's `ref`) comes as `transfer`.
 */
export interface FileOpenBody {
  transfer: number;
  ref: number;
  to?: Peer;
}
/** Both: transfer `transfer` stops; `failed` when an error ended it (else it was cancelled), `reason` says why. */
export interface FileCancelBody {
  transfer: number;
  reason?: string;
  failed?: boolean;
}
/** `/away [reason]`: the reason ('' for none); `/back`: null. */
export interface AwayBody {
  reason: string | null;
}

export type Frame =
  | { type: FrameType.Challenge; body: ChallengeBody }
  | { type: FrameType.Hello; body: HelloBody }
  | { type: FrameType.Welcome; body: WelcomeBody }
  | { type: FrameType.Error; body: ErrorBody }
  | { type: FrameType.Message; body: MessageBody }
  /**
   * `more`: the rest of the chunk's bytes, after `bytes`, when its payload spanned several socket reads — set only by
   * a decoder made with `keepImageSlices` (codec.ts), which hands the reads' slices on instead of copying them.
   */
  | { type: FrameType.ImageChunk; ref: number; bytes: Buffer; more?: Buffer[] }
  | { type: FrameType.ImageAbort; ref: number }
  | { type: FrameType.ImageAck; ref: number; received: number }
  /** `more`: as ImageChunk's (a decoder with `keepImageSlices` keeps a split chunk's slices). */
  | { type: FrameType.FileChunk; transfer: number; bytes: Buffer; more?: Buffer[] }
  | { type: FrameType.FileAck; transfer: number; received: number }
  | { type: FrameType.FileAccept; body: FileAcceptBody }
  | { type: FrameType.FileOpen; body: FileOpenBody }
  | { type: FrameType.FileCancel; body: FileCancelBody }
  | { type: FrameType.Notice; body: NoticeBody }
  | { type: FrameType.Roster; body: Roster }
  | { type: FrameType.RosterDelta; body: RosterDeltaBody }
  | { type: FrameType.Queue; body: QueueBody }
  | { type: FrameType.Rename; body: RenameBody }
  | { type: FrameType.Ping; payload: Buffer }
  | { type: FrameType.Pong; payload: Buffer }
  | { type: FrameType.Bye; body: ByeBody }
  | { type: FrameType.Away; body: AwayBody };

/** A frame of a type this version does not know: skipped by receivers (forward compatibility). */
export interface UnknownFrame {
  type: 'unknown';
  code: number;
  length: number;
}

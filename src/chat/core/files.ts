// Files in a room: what an offer looks like and how a transfer reports its progress. Pure data shared by the
// server, the client, the session, the CLI and the VS Code adapter (which turns it into the panel's file cards).
// Nothing is written to disk before the receiver accepts, and never under a name that came from the wire: the
// receiving engine derives the file's name (safeFileName) inside the folder it was given.
import type { Peer } from './events';

/** Default and hard cap on one file (receivers may set less; the server refuses offers above its own cap). */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

/** A file someone offers: what the receiver's card shows before anything is written. */
export interface FileOffer {
  /** The name as the sender gave it: shown as text, never used as a path (safeFileName makes the one on disk). */
  name: string;
  /** Bytes, as the sender declared them; the transfer ends exactly there. */
  size: number;
  /** The sender's guess at the type (shown only); 'application/octet-stream' when unknown. */
  mime: string;
}

/** A file to offer: read from disk only while a receiver pulls it (never loaded whole into memory). */
export interface OutgoingFile {
  path: string;
  /** The name receivers see; default the path's basename (e.g. a dropped file kept under a temporary name). */
  name?: string;
}

/** Where an accepted file goes. */
export type FileTarget =
  /** A folder (the session's files area): the engine derives a safe, unique name inside it from the offer's name. */
  | { folder: string }
  /** The exact path a user chose (Save As…): theirs, not the wire's. */
  | { path: string };

export type TransferKind = 'file' | 'image';
export type TransferDirection = 'send' | 'receive';
/**
 * offered: a file waits for Accept/Decline (receive) or for receivers (send); running: bytes move; done: all bytes
 * arrived (receive: saved) or were handed on (send); declined: the receiver said no; cancelled: either side, or
 * a hop, stopped it; failed: an error (disk full, size mismatch, connection lost), `reason` says which.
 */
export type TransferState = 'offered' | 'running' | 'done' | 'declined' | 'cancelled' | 'failed';

/**
 * One transfer as an endpoint sees it, emitted as the 'transfer' event: when it starts, at most about 4 times a
 * second while bytes move, and once when it ends. An image is one transfer per message on each side; a file is one
 * per receiver on the sender's side (each receiver pulls its own copy) and one on the receiver's side.
 */
export interface TransferProgress {
  /** Stable on this endpoint for the transfer's life (e.g. 't7'): what cancelTransfer takes. */
  id: string;
  /** The ChatMessage.id of the offer or image message it belongs to (known before the image's last byte). */
  messageId: string;
  kind: TransferKind;
  direction: TransferDirection;
  /** The other end: the receiver of a send, the sender of a receive; absent for an image sent to the whole room. */
  peer?: Peer;
  /** File name (files) for the card and the CLI progress line. */
  name?: string;
  bytes: number;
  total: number;
  /** Bytes per second over the last few seconds (0 before the first measure). */
  bytesPerSecond: number;
  state: TransferState;
  /** Where a received file was saved (state 'done', receive). */
  savedPath?: string;
  /** Why it ended, as a sentence (declined, cancelled, failed). */
  reason?: string;
}

// The typed events and values the engine hands to everything above it (CLI, transcript, VS Code adapter).
// Pure data: no sockets, no 'vscode'. Both ChatServer and ChatClient speak this vocabulary; typedEmitter.ts
// delivers it.
import type { FileOffer, FileTarget, OutgoingFile, TransferProgress } from './files';
import type { ImageMime } from './images';

/** Who someone is in a room. `id` is unique per server run; the host is always id 0. */
export interface Peer {
  id: number;
  /** Unique in the room, sanitised by the server (duplicates get a suffix). */
  name: string;
  /** `ip:port` as the server sees it; `'host'` for the server's own user. */
  address: string;
  /** How the peer speaks: our binary protocol, plain text lines (nc, telnet, any line-based client), or the host. */
  kind: 'host' | 'native' | 'plain';
  /** Set while the peer is away (`/away [reason]`): the reason, '' when none was given. */
  away?: string;
  /** Set by the server for a member whose connection runs inside TLS (absent: unencrypted, or the host). */
  encrypted?: boolean;
}

export interface ImageData {
  mime: ImageMime;
  bytes: Buffer;
  /** Set by the transcript once the image is saved (a name the engine made, never one from the wire). */
  savedPath?: string;
}

/** A code snippet sent with "Send Selection as Message". */
export interface CodeInfo {
  language: string;
  file?: string;
  line?: number;
}

export interface ChatMessage {
  /** Unique within this endpoint's session (e.g. `"s12"`); stable for the webview to key on. */
  id: string;
  /** Epoch milliseconds when this endpoint received (or sent) it. */
  at: number;
  from: Peer;
  /** May be empty when the message is only an image. */
  text: string;
  code?: CodeInfo;
  image?: ImageData;
  /** Set on private messages (`/msg NAME text`): the one recipient. */
  to?: Peer;
  /** True for messages this endpoint sent itself. */
  own: boolean;
  /** An action (`/me waves`): shown as "* alice waves". */
  action?: boolean;
  /** Replayed from the room's history when we got our seat (said earlier): shown as such, not logged again. */
  history?: true;
  /** A file offer (core/files.ts): nothing is written until it is accepted; its progress comes as 'transfer'. */
  file?: FileOffer;
}

/** How a notice is shown: error red, info blue, system gray. */
export type NoticeLevel = 'info' | 'system' | 'error';

export interface Notice {
  at: number;
  level: NoticeLevel;
  text: string;
  /**
   * Machine-readable reason for errors, e.g. 'rate-limited', 'bad-password', 'ECONNREFUSED': an ErrorCode
   * (core/errors.ts) when this engine made the notice; a notice relayed from a server carries the server's code as
   * it came, which may be one this version does not know.
   */
  code?: string;
  /** Part of a history replay (its end line, code 'history-end'): not logged. */
  history?: true;
}

export interface Roster {
  /** 0 = everyone chats (like `ncat --chat`); N ≥ 1 = N seats, the rest wait in line (1: one-to-one with a queue). */
  seats: number;
  /** Members who may chat, the host first. */
  active: Peer[];
  /** The waiting queue in order: waiting[0] is #1 in line. */
  waiting: Peer[];
  /** Open TCP connections, including ones still handshaking. */
  connections: number;
  /** The room's topic (`/topic`, set by the host); absent when none. */
  topic?: string;
}

export type EndpointState =
  | 'idle'
  | 'listening' // server accepting connections
  | 'connecting' // client: TCP connect in progress
  | 'handshaking' // client: connected, greeting/hello not finished
  | 'waiting' // client: in the waiting queue
  | 'active' // client: may chat
  | 'reconnecting' // client: lost the server, backing off before the next try
  | 'closed';

export interface ChatEvents {
  message: [ChatMessage];
  notice: [Notice];
  roster: [Roster];
  /** Client only: my position in the waiting queue (1 = next), or null when I have a seat. */
  queue: [position: number | null];
  state: [EndpointState];
  /** A file or image transfer started, moved on or ended (core/files.ts). */
  transfer: [TransferProgress];
}

/** A message to send. At least one of text or image. */
export interface OutgoingMessage {
  text?: string;
  code?: CodeInfo;
  image?: Buffer;
  /** Private recipient by name (`/msg NAME`). */
  to?: string;
  /** An action (`/me waves`). */
  action?: boolean;
  /** A file to offer (alone: no text, code or image beside it). */
  file?: OutgoingFile;
}

/** What ChatServer and ChatClient both offer, so the CLI, transcript and VS Code adapter treat them alike. */
export interface ChatEndpoint {
  readonly role: 'server' | 'client';
  /** Who I am in the room (undefined until the handshake finished). */
  readonly self: Peer | undefined;
  readonly roster: Roster;
  readonly state: EndpointState;
  on<K extends keyof ChatEvents & string>(event: K, listener: (...args: ChatEvents[K]) => void): this;
  off<K extends keyof ChatEvents & string>(event: K, listener: (...args: ChatEvents[K]) => void): this;
  /** Sends a message; rejects with ChatError for a user mistake (unknown recipient, bad image, not admitted yet). */
  send(message: OutgoingMessage): Promise<void>;
  /** Asks for a new name (`/name`); the server decides the final, unique one. */
  rename(name: string): void;
  /** `/away [reason]` (a reason, '' for none) or `/back` (undefined); the room is told. */
  setAway(reason: string | undefined): void;
  /**
   * Accepts the file offered in message `messageId` (a ChatMessage.id with `file`): its bytes are pulled and
   * written to `target` while 'transfer' events report progress. Throws ChatError for an unknown or finished offer.
   */
  acceptFile(messageId: string, target: FileTarget): void;
  /** Declines that offer: nothing is written, the sender's copy for us is released. */
  declineFile(messageId: string): void;
  /** Stops a running or offered transfer (a TransferProgress.id) on every hop; a partial file is removed. */
  cancelTransfer(transferId: string): void;
  /** Stops cleanly: peers are told, sockets closed. Idempotent. */
  close(reason?: string): Promise<void>;
}

// The typed events and values the engine hands to everything above it (CLI, transcript, VS Code adapter).
// Pure data: no sockets, no 'vscode'. Both ChatServer and ChatClient speak this vocabulary.
import { EventEmitter } from 'node:events';

export { ChatError } from './errors';

/** Who someone is in a room. `id` is unique per server run; the host is always id 0. */
export interface Peer {
  id: number;
  /** Unique in the room, sanitised by the server (duplicates get a suffix). */
  name: string;
  /** `ip:port` as the server sees it; `'host'` for the server's own user. */
  address: string;
  /** How the peer speaks: our binary protocol, plain text lines (nc/telnet/seed 000), or the host itself. */
  kind: 'host' | 'native' | 'plain';
}

export type { ImageMime } from './images';
import type { ImageMime } from './images';

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
}

/** Seed 003's colours: error red, info blue, system gray. */
export type NoticeLevel = 'info' | 'system' | 'error';

export interface Notice {
  at: number;
  level: NoticeLevel;
  text: string;
  /** Machine-readable reason for errors, e.g. 'rate-limited', 'bad-password', 'ECONNREFUSED'. */
  code?: string;
}

export interface Roster {
  /** 0 = everyone chats (seed 000); N ≥ 1 = N seats, the rest wait in line (seed 003 is 1). */
  seats: number;
  /** Members who may chat, the host first. */
  active: Peer[];
  /** The waiting queue in order: waiting[0] is #1 in line. */
  waiting: Peer[];
  /** Open TCP connections, including ones still handshaking. */
  connections: number;
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
}

/** A message to send. At least one of text or image. */
export interface OutgoingMessage {
  text?: string;
  code?: CodeInfo;
  image?: Buffer;
  /** Private recipient by name (`/msg NAME`). */
  to?: string;
}

/** Event name → listener argument tuple. Written as a mapped constraint so interfaces satisfy it too. */
type EventMap<E> = { [K in keyof E]: unknown[] };

/** A small typed wrapper over EventEmitter so listeners get the right argument types. */
export class TypedEmitter<E extends EventMap<E>> {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(50);
  }
  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }
  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }
  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.emitter.emit(event, ...args);
  }
  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
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
  /** Stops cleanly: peers are told, sockets closed. Idempotent. */
  close(reason?: string): Promise<void>;
}

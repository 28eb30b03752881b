// The view models of the host↔webview contract (src/webviewApi.ts): plain JSON the host builds from engine
// events (src/vscode/panel/viewModel.ts, src/vscode/files/fileViews.ts) and the webview only renders.

/** Who someone is, as the panel shows them. */
export interface PeerView {
  id: number;
  name: string;
  /** `ip:port` as the server sees it; 'host' for the server's own user. */
  address: string;
  kind: 'host' | 'native' | 'plain';
  /** Set while the member is away (`/away [reason]`): the reason, '' when none was given. */
  away?: string;
  /** Whether this member's connection to the server is encrypted (TLS); absent for the host itself. */
  encrypted?: boolean;
}

export type NoticeLevel = 'info' | 'system' | 'error';
export type MessageKind = 'text' | 'code' | 'image' | 'file';
/** What a row's data-kind attribute says. */
export type EntryKind = MessageKind | NoticeLevel;

export interface ImageView {
  /** asWebviewUri of the saved file; absent when the image could not be saved (the log says why). */
  uri?: string;
  mime: string;
  size: number;
  /** `12.3 KB`, formatted by the host with the engine's formatBytes. */
  sizeText: string;
  /** The width and height the image declares (absent when unknown): the thumbnail's size, before any decoding. */
  width?: number;
  height?: number;
}

export interface MessageView {
  entry: 'message';
  id: string;
  at: number;
  /** `HH:MM:SS`, formatted by the host with the engine's one clock() helper. */
  time: string;
  from: PeerView;
  text: string;
  code?: { language: string; file?: string; line?: number };
  image?: ImageView;
  to?: PeerView;
  own: boolean;
  kind: MessageKind;
  /** An action (`/me waves`): shown as "* alice waves". */
  action?: boolean;
  /** Replayed from the room's history when we joined: shown dimmed under an "earlier messages" divider. */
  history?: boolean;
  /** A file offer (kind 'file'): its card. */
  file?: FileView;
  /** The transfers of this message's file or image, as last known (then updated by `transfer` posts). */
  transfers?: TransferView[];
  /** A received image still arriving: a placeholder row (from its transfer) that the message replaces. */
  arriving?: boolean;
}

export interface NoticeView {
  entry: 'notice';
  id: string;
  at: number;
  time: string;
  level: NoticeLevel;
  text: string;
  code?: string;
  history?: boolean;
}

export type EntryView = MessageView | NoticeView;

/** Who is chatting and waiting, counted once by the host (the status bar, the header chip and the roster all
 *  show these). */
export interface RosterCounts {
  chatting: number;
  waiting: number;
  /** `3 chatting · 2 waiting` (no waiting part when nobody waits). */
  text: string;
}

export interface RosterView {
  seats: number;
  active: PeerView[];
  waiting: PeerView[];
  connections: number;
  counts: RosterCounts;
}

export type Role = 'server' | 'client' | 'none';
export type PanelState =
  'idle' | 'listening' | 'connecting' | 'handshaking' | 'waiting' | 'active' | 'reconnecting' | 'closed';

export interface HeaderView {
  role: Role;
  /** 'host:port' we serve on / connect to ('' when none). */
  address: string;
  /** LAN addresses others can use (server role). */
  lanAddresses: string[];
  state: PanelState;
  /** Who I am in the room, once known. */
  self?: PeerView;
  /** Client: my place in line (1 = next), null when seated. */
  queuePosition: number | null;
  /** The one-line state, the same text as the status bar (`serving :65432 · 2 chatting · 1 waiting`, `#2 in line`). */
  status: string;
  /** Where logs go; shown when it is not the workspace (no folder open). */
  logDir?: string;
  logNote?: string;
  /** The room's topic (`/topic`), '' or absent when none. */
  topic?: string;
  /** Whether the link to the room is encrypted (TLS): the header and status bar say "not encrypted" when false;
   *  absent when there is no session. */
  encrypted?: boolean;
  /** The room certificate's SHA-256 fingerprint (`AB:CD:…`), when encrypted. */
  fingerprint?: string;
}

/** The image formats the chat can send (the engine's one list, sent by the host: the webview never imports the
 *  engine), so the composer refuses a pasted PDF at once instead of after a round trip. */
export interface AcceptedImagesView {
  /** MIME types a pasted or dropped file may have, e.g. 'image/png'. */
  mimes: string[];
  /** The same formats for a sentence: 'PNG, JPEG, GIF, WebP or BMP'. */
  names: string;
}

// ── Files and transfer progress ─────────────────────────────────────────────
// A file offer is a message with a card (Accept, Save As…, Decline); its transfers (one per receiver on the
// sender's side, one on a receiver's) and an image's travel are TransferViews, updated by `transfer` posts so a
// progress step re-sends one line, not the list. The webview names messages and transfers by id only: the host
// maps them to paths itself and never takes a path from the webview.

export type TransferStateView = 'offered' | 'running' | 'done' | 'declined' | 'cancelled' | 'failed';

export interface TransferView {
  /** The engine's transfer id: what cancelTransfer takes. */
  id: string;
  /** The message (file offer or image) it belongs to. */
  messageId: string;
  kind: 'file' | 'image';
  direction: 'send' | 'receive';
  /** The receiver of a send, the sender of a receive; absent for an image sent to the whole room. */
  peer?: PeerView;
  state: TransferStateView;
  bytes: number;
  total: number;
  /** Whole percent, 0–100. */
  percent: number;
  /** `12.6 MB of 30.0 MB · 8.1 MB/s`, formatted by the host. */
  progressText: string;
  /** Why it ended (declined, cancelled, failed), as a sentence. */
  reason?: string;
  /** A received file is saved: Open and Reveal apply (the host knows where). */
  saved?: boolean;
}

export interface FileView {
  /** As the sender gave it: shown as text only. */
  name: string;
  size: number;
  /** `30.0 MB`. */
  sizeText: string;
  mime: string;
}

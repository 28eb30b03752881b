// THE host↔webview contract: every message either side posts is one declared type below, and the host
// validates everything the webview sends with `isWebviewToHost` (webview input is untrusted too).
// View models are plain JSON (no Buffers, no class instances). Imported by src/vscode/ and webview/ only.
//
// Stable test hooks (data-testid) in the panel, for test/e2e:
//   header          the header bar (role, address, state, Disconnect/Stop, Open Logs)
//   roster          the roster column (chatting + waiting queue)
//   queue-entry     one <li> per waiting peer, in queue order (host also gets Admit/Kick buttons inside)
//   queue-position  the "You are #N in line" banner of a waiting client (hidden when seated)
//   message         one row per message or notice; attribute data-kind = text|code|image|file|error|info|system
//                   (a message with an image is "image"; data-own="true" on own messages)
//   thumbnail       an image thumbnail <img> inside a message row (click → opens the full image in an editor tab)
//   open-image      instead of a thumbnail, for an image too large to show inline: click → opens it the same way
//   composer        the message <textarea>
//   send            the Send button (disabled while waiting in line, not connected, or a send is unanswered)
//   send-error      why the last send was refused (under the composer; hidden when none)
//   drop-hint       the hint under the composer ("… hold Shift to drop …")
//   roster-chip     at narrow widths, the header chip ("3 chatting · 2 waiting") that opens the roster overlay
//   announcer       the visually hidden role="log" live region: one line per entry arriving while open
// Also: data-testid="attach" (attach button), "pending-image" (preview of the image about to be sent),
// "remove-image", "open-logs", "stop" (Disconnect/Stop), "admit" and "kick" buttons inside queue entries.
// Message bodies: "code-block" (a highlighted block; data-language), "code-copy", "code-open" (Open in Editor),
// "code-file" (its file:line label, a link), "link" (a web link in a message); search: "search-open" (the
// header's button), "search" (the box), "search-count" ("3 of 17"), "search-next", "search-previous".
// Files: "file-card" (a file offer's card in its message row; data-state = the newest transfer's state), inside
// it "file-accept", "file-save-as", "file-decline", "file-cancel" (one per running transfer), "file-progress"
// (a <progress> per running transfer, value = percent), "file-open" and "file-reveal" (once saved);
// "transfer-progress" and "transfer-cancel": an image's progress bar and its Cancel (a received image's placeholder
// row, which its message replaces, or my own image's row while it is sent).

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

/** The webview's UI text, built by the host with vscode.l10n.t (src/vscode/panel/webviewStrings.ts) and sent in
 *  the snapshot: the webview holds no English of its own. `{0}`, `{1}`… are placeholders the webview fills. */
export interface WebviewStrings extends FileStrings {
  chatTitle: string;
  chatLabel: string;
  rosterLabel: string;
  rosterNobodyYet: string;
  rosterQueueBanner: string;
  rosterChatting: string;
  rosterWaiting: string;
  rosterRoom: string;
  rosterSeat: string;
  rosterSeats: string;
  rosterNobodyWaiting: string;
  rosterConnection: string;
  rosterConnections: string;
  rosterPosition: string;
  rosterYou: string;
  actionMessage: string;
  actionAdmit: string;
  actionKick: string;
  actionBan: string;
  statusAway: string;
  statusAwayReason: string;
  statusPlain: string;
  statusEncrypted: string;
  statusNotEncrypted: string;
  chipTitle: string;
  headerServer: string;
  headerClient: string;
  headerAs: string;
  headerLan: string;
  headerNotConnected: string;
  headerStopServer: string;
  headerDisconnect: string;
  headerStartServer: string;
  headerConnect: string;
  headerOpenLogs: string;
  headerOpenLogsTitle: string;
  headerTopic: string;
  headerTopicLabel: string;
  headerEncrypted: string;
  headerNotEncrypted: string;
  headerFingerprint: string;
  listLabel: string;
  listLoadEarlier: string;
  /** The jump-to-latest button with one new message below; listNewer: with {0} of them. */
  listNewerOne: string;
  listNewer: string;
  listLatest: string;
  listEmpty: string;
  listEmptyNoChat: string;
  listRestored: string;
  dividerEarlier: string;
  dividerNew: string;
  rowPeerHost: string;
  rowPeerAddress: string;
  rowPlainText: string;
  rowPrivate: string;
  rowImageNotSaved: string;
  rowImagePixels: string;
  rowImageSizeUnknown: string;
  rowImageTooLarge: string;
  rowOpenImage: string;
  rowOpenImageTitle: string;
  rowImageAlt: string;
  announcerLabel: string;
  spokenMessage: string;
  spokenPrivate: string;
  spokenImage: string;
  composerLabel: string;
  composerPlaceholder: string;
  composerDropHint: string;
  composerSend: string;
  composerSendTitle: string;
  composerAttach: string;
  composerAttachTitle: string;
  composerRemoveImage: string;
  composerRemoveImageTitle: string;
  composerNotSent: string;
  composerPastedFile: string;
  composerNotReady: string;
  composerUnreadable: string;
  composerBlockedNotConnected: string;
  composerBlockedInLine: string;
  // Message bodies (code blocks, links) and search
  codeCopy: string;
  codeCopyTitle: string;
  codeCopied: string;
  codeCopyFailed: string;
  codeCopyUnavailable: string;
  codeOpen: string;
  codeOpenTitle: string;
  codeFileTitle: string;
  linkTitle: string;
  searchPlaceholder: string;
  searchLabel: string;
  searchOlder: string;
  searchOlderTitle: string;
  searchNewer: string;
  searchNewerTitle: string;
  searchClose: string;
  searchCloseTitle: string;
  searchNone: string;
  searchCount: string;
}
export type WebviewStringKey = keyof WebviewStrings;

/** Host → webview. */
export type HostToWebview =
  /** `time`: the host's clock() now, for the panel's own "window was reloaded" line. */
  | {
      type: 'snapshot';
      header: HeaderView;
      roster: RosterView;
      entries: EntryView[];
      sessionKey: string | null;
      time: string;
      acceptedImages: AcceptedImagesView;
      strings: WebviewStrings;
    }
  | { type: 'entries'; entries: EntryView[] }
  | { type: 'roster'; roster: RosterView }
  | { type: 'header'; header: HeaderView }
  /** An image the user picked with the host's file picker, to preview before sending. */
  | { type: 'attachment'; name: string; mime: string; size: number; sizeText: string; base64: string }
  /** The answer to one `send` (same `ref`): ok → the composer clears; refused → it keeps the text and image. */
  | { type: 'sendResult'; ref: number; ok: boolean; error?: string }
  | TransferUpdate;

/** An image travelling from the webview to the host over postMessage (IPC, not the wire). */
export interface ImagePayload {
  name: string;
  mime: string;
  base64: string;
}

/** Webview → host. */
export type WebviewToHost =
  | { type: 'ready' }
  /** Text (possibly a /msg, /name, /who command) and/or an image; `ref` comes back in the host's sendResult. */
  | { type: 'send'; ref: number; text: string; image?: ImagePayload }
  | { type: 'pickImage' }
  /** A file dropped from VS Code's Explorer (Shift held) arrives as a URI, not bytes: the host reads it. */
  | { type: 'attachUri'; uri: string }
  /** Buttons shown when no session runs. */
  | { type: 'run'; command: 'startServer' | 'connect' }
  | { type: 'openImage'; id: string }
  | { type: 'openLogs' }
  | { type: 'stop' }
  | { type: 'admit'; peerId?: number }
  | { type: 'kick'; peerId: number }
  /** Host: ban the member's address for the room's lifetime (and disconnect it). */
  | { type: 'ban'; peerId: number }
  /** From message bodies: a code block opened as an untitled document in its language; a web link (http/https
   *  only) opened through VS Code, which asks before following an untrusted domain; a code block's `file:line`
   *  label, opened when it names a file inside this workspace. */
  | { type: 'openCode'; language: string; content: string }
  | { type: 'openLink'; url: string }
  | { type: 'openFile'; path: string; line?: number }
  /** Something the webview refused locally (e.g. a pasted file that is not an image); host shows and logs it. */
  | { type: 'error'; text: string }
  | FileRequest;

/** Upper bounds on what the host accepts from the webview, before any deeper check. */
export const WEBVIEW_LIMITS = {
  textChars: 64 * 1024,
  nameChars: 512,
  idChars: 128,
  /** base64 of the largest image the host would consider (the real limit is the maxImageSizeMB setting). */
  base64Chars: Math.ceil((256 * 1024 * 1024) / 3) * 4,
  uriChars: 4096,
  /** base64 of the largest file dropped from outside VS Code (bigger ones go through Send File…, which reads the
   *  file from disk as receivers pull it; the tcpChat.files.maxFileMb setting limits both). */
  fileBase64Chars: Math.ceil((256 * 1024 * 1024) / 3) * 4,
} as const;

/** Bounds on the message-body requests (openCode, openFile): a code block is one chat message, whose length the
 *  server limits (16 K characters by default, settable); this leaves room for a raised limit. */
export const BODY_LIMITS = {
  codeChars: 1024 * 1024,
  languageChars: 64,
  pathChars: 1024,
} as const;

/** An absolute http or https address, nothing else (no `command:`, `file:`, `javascript:`, `vscode:` …), with no
 *  whitespace or control characters (the URL parser would silently drop them). Checked by the panel before it
 *  makes a link, by this guard, and again by the host after parsing. */
export function isWebUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || /[\s\u0000-\u001f\u007f]/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A code block's `file` label as a path inside a workspace folder (`src/a.ts`; a Windows sender's `src\\a.ts`
 *  becomes `src/a.ts`), or undefined when it could point anywhere else: absolute paths (`/etc`, `C:\\x`, `\\\\host`,
 *  `~`), `..` or `.` steps, a scheme (`file:`), control characters, or glob characters (the host searches with
 *  a glob pattern, so `*` must not widen the search). Used by the panel (is the label a link?), this guard and
 *  the host. */
export function workspaceRelativePath(file: string): string | undefined {
  if (file.length === 0 || file.length > BODY_LIMITS.pathChars) return undefined;
  if (/[\u0000-\u001f\u007f*?{}[\]:]/.test(file)) return undefined; // ':' covers drives and schemes
  const path = file.replace(/\\/g, '/');
  if (path.startsWith('/') || path.startsWith('~')) return undefined;
  const steps = path.split('/');
  return steps.every((step) => step !== '' && step !== '.' && step !== '..') ? path : undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isShortString(x: unknown, max: number): x is string {
  return typeof x === 'string' && x.length <= max;
}

/** A non-negative safe integer (peer ids, send refs). */
function isPeerId(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isImagePayload(x: unknown): x is ImagePayload {
  return (
    isObject(x) &&
    isShortString(x.name, WEBVIEW_LIMITS.nameChars) &&
    isShortString(x.mime, 100) &&
    isShortString(x.base64, WEBVIEW_LIMITS.base64Chars) &&
    x.base64.length % 4 === 0 &&
    BASE64.test(x.base64)
  );
}

/** Runtime guard for everything the webview posts. Unknown or malformed messages are rejected. */
export function isWebviewToHost(x: unknown): x is WebviewToHost {
  if (!isObject(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'ready':
    case 'pickImage':
    case 'openLogs':
    case 'stop':
      return true;
    case 'send':
      return (
        isPeerId(x.ref) &&
        isShortString(x.text, WEBVIEW_LIMITS.textChars) &&
        (x.image === undefined || isImagePayload(x.image)) &&
        (x.text.trim() !== '' || x.image !== undefined)
      );
    case 'attachUri':
      return isShortString(x.uri, WEBVIEW_LIMITS.uriChars) && x.uri !== '';
    case 'run':
      return x.command === 'startServer' || x.command === 'connect';
    case 'openImage':
      return isShortString(x.id, WEBVIEW_LIMITS.idChars) && x.id !== '';
    case 'admit':
      return x.peerId === undefined || isPeerId(x.peerId);
    case 'kick':
    case 'ban':
      return isPeerId(x.peerId);
    case 'openCode':
      return isShortString(x.language, BODY_LIMITS.languageChars) && isShortString(x.content, BODY_LIMITS.codeChars);
    case 'openLink':
      return isShortString(x.url, WEBVIEW_LIMITS.uriChars) && isWebUrl(x.url);
    case 'openFile':
      return (
        isShortString(x.path, BODY_LIMITS.pathChars) &&
        workspaceRelativePath(x.path) === x.path &&
        (x.line === undefined || isPeerId(x.line))
      );
    case 'error':
      return isShortString(x.text, 1000);
    default:
      return isFileRequest(x);
  }
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

/** The file cards' and progress lines' UI text (part of WebviewStrings). */
export interface FileStrings {
  fileCardLabel: string;
  fileAccept: string;
  fileSaveAs: string;
  fileSaveAsTitle: string;
  fileDecline: string;
  fileCancel: string;
  fileCancelName: string;
  fileOpen: string;
  fileOpenTitle: string;
  fileReveal: string;
  fileRevealTitle: string;
  fileOffered: string;
  fileNobodyYet: string;
  fileWaiting: string;
  fileSaved: string;
  fileSent: string;
  fileDeclined: string;
  fileCancelled: string;
  fileFailed: string;
  fileToPeer: string;
  fileProgressLabel: string;
  imageArriving: string;
  imageSending: string;
  spokenFile: string;
  fileTooLargeToDrop: string;
}

/** Host → webview: one transfer moved on (at most about 4 a second each). */
export interface TransferUpdate {
  type: 'transfer';
  transfer: TransferView;
}

/** Webview → host: the file cards' buttons (ids of messages, or of transfers for Cancel), and a file dropped
 *  from outside VS Code (bytes; the host keeps them in a temporary file of its own naming and offers that). */
export type FileRequest =
  | { type: 'acceptFile' | 'saveFileAs' | 'declineFile' | 'openSavedFile' | 'revealSavedFile'; id: string }
  | { type: 'cancelTransfer'; id: string }
  | { type: 'offerDroppedFile'; name: string; mime: string; base64: string };

const FILE_ID_REQUESTS = new Set([
  'acceptFile',
  'saveFileAs',
  'declineFile',
  'openSavedFile',
  'revealSavedFile',
  'cancelTransfer',
]);

function isFileRequest(x: Record<string, unknown>): boolean {
  if (typeof x.type === 'string' && FILE_ID_REQUESTS.has(x.type))
    return isShortString(x.id, WEBVIEW_LIMITS.idChars) && x.id !== '';
  return (
    x.type === 'offerDroppedFile' &&
    isShortString(x.name, WEBVIEW_LIMITS.nameChars) &&
    x.name !== '' &&
    isShortString(x.mime, 100) &&
    isShortString(x.base64, WEBVIEW_LIMITS.fileBase64Chars) &&
    x.base64.length % 4 === 0 &&
    BASE64.test(x.base64)
  );
}

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
//
// The contract is this file (the messages each way) and the three beside it, re-exported here: views.ts (the
// view models), strings.ts (the UI text table), guard.ts (isWebviewToHost and its limits). Both sides import
// only this file.
import type { AcceptedImagesView, EntryView, HeaderView, RosterView, TransferView } from './webviewApi/views';
import type { WebviewStrings } from './webviewApi/strings';

export type * from './webviewApi/views';
export type * from './webviewApi/strings';
export { BODY_LIMITS, isWebUrl, isWebviewToHost, WEBVIEW_LIMITS, workspaceRelativePath } from './webviewApi/guard';

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

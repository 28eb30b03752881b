// The host's check of everything the webview posts (webview input is untrusted too): bounded lengths, known
// shapes, web links and workspace paths only. Part of the contract (src/webviewApi.ts), which re-exports it.
import type { ImagePayload, WebviewToHost } from '../webviewApi';

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

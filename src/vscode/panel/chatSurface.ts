// One chat surface: the chat rendered into a vscode.Webview, whichever frame holds it (an editor tab or the
// chat view in a side bar or the bottom panel). Strict-CSP HTML, the message bridge (every incoming message
// checked by isWebviewToHost) and the 'ready' handshake: VS Code drops messages posted to a webview whose
// document is gone, so nothing is posted until the document says 'ready'; it then gets a full snapshot.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../../webviewApi';

export const CHAT_TITLE = vscode.l10n.t('TCP Chat');

export type SurfaceKind = 'editor' | 'view';

/** What differs between an editor tab and a view: how it shows, hides, says it is unread, and goes away. */
export interface SurfaceFrame {
  readonly kind: SurfaceKind;
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  /** True when the document survives being hidden (retainContextWhenHidden): it stays ready while hidden. */
  readonly keepsDocumentWhenHidden: boolean;
  readonly onDidChangeVisibility: vscode.Event<unknown>;
  readonly onDidDispose: vscode.Event<unknown>;
  reveal(preserveFocus: boolean): void;
  /** The unread count, where this frame can show it (a tab title, a view badge); 0 = none. */
  showUnread(count: number): void;
  dispose(): void;
}

export interface SurfaceHost {
  /** The document is (again) ready: post it a snapshot. */
  onReady(surface: ChatSurface): void;
  /** A validated message from the document. */
  onMessage(surface: ChatSurface, message: WebviewToHost): void;
  onVisibilityChanged(surface: ChatSurface): void;
  onDisposed(surface: ChatSurface): void;
  /** A message failed validation: report it (it is a bug or a hostile page, never silently ignored). */
  onInvalidMessage(detail: string): void;
}

export class ChatSurface implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private logDir: string | undefined;
  private rootsSet = false;

  constructor(
    readonly frame: SurfaceFrame,
    private readonly extensionUri: vscode.Uri,
    private readonly host: SurfaceHost,
    logDir: string | undefined,
  ) {
    this.setLogDir(logDir);
    frame.webview.html = this.html();
    this.disposables.push(
      frame.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      frame.onDidChangeVisibility(() => {
        // A hidden webview loses its document unless it is retained; it says 'ready' again when shown.
        if (!frame.visible && !frame.keepsDocumentWhenHidden) this.ready = false;
        this.host.onVisibilityChanged(this);
      }),
      frame.onDidDispose(() => this.disposeResources()),
    );
  }

  get kind(): SurfaceKind {
    return this.frame.kind;
  }

  get visible(): boolean {
    return this.frame.visible;
  }

  /** Images are served from the extension's dist/ and the log folder only. */
  setLogDir(logDir: string | undefined): void {
    if (logDir === this.logDir && this.rootsSet) return;
    this.logDir = logDir;
    this.rootsSet = true;
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'dist')];
    if (logDir) roots.push(vscode.Uri.file(logDir));
    this.frame.webview.options = { enableScripts: true, localResourceRoots: roots };
  }

  imageUri(savedPath: string): string {
    return this.frame.webview.asWebviewUri(vscode.Uri.file(savedPath)).toString();
  }

  /** Posts when the document can receive; otherwise the snapshot on the next 'ready' covers it. */
  post(message: HostToWebview): void {
    if (!this.ready) return;
    void this.frame.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      const type =
        typeof message === 'object' && message !== null ? String((message as { type?: unknown }).type) : typeof message;
      this.host.onInvalidMessage(
        vscode.l10n.t('The chat panel sent a message the extension does not accept (type: {0}).', type.slice(0, 40)),
      );
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.host.onReady(this);
      return;
    }
    this.host.onMessage(this, message);
  }

  private html(): string {
    const webview = this.frame.webview;
    const nonce = crypto.randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.css'));
    const src = webview.cspSource;
    // blob: lets the composer preview a pasted/dropped image before it is sent (object URLs made by our own
    // script). The style nonce only serves the toolkit's one-off :focus-visible feature test (meta csp-nonce).
    const csp = [
      `default-src 'none'`,
      `img-src ${src} blob:`,
      `style-src ${src} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      `font-src ${src}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeAttribute(CHAT_TITLE)}</title>
</head>
<body>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.frame.dispose();
  }

  private disposeResources(): void {
    this.ready = false;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.host.onDisposed(this);
  }
}

/** For text inside the page's HTML (the language tag, the title). */
function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

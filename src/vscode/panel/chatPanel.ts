// The one chat WebviewPanel: strict-CSP HTML, the message bridge (every incoming message checked by
// isWebviewToHost), and the 'ready' handshake. VS Code drops messages posted to a hidden webview, so nothing
// is posted until the webview says 'ready'; it then gets a full snapshot from the controller.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../../webviewApi';

export const PANEL_VIEW_TYPE = 'tcpChat.panel';
const TITLE = 'TCP Chat';

export interface PanelHost {
  /** The webview is (again) ready: post it a snapshot. */
  onReady(panel: ChatPanel): void;
  /** A validated message from the webview. */
  onMessage(message: WebviewToHost): void;
  onVisibilityChanged(visible: boolean): void;
  onDisposed(panel: ChatPanel): void;
  /** A message failed validation: report it (it is a bug or a hostile page, never silently ignored). */
  onInvalidMessage(detail: string): void;
}

export class ChatPanel implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private logDir: string | undefined;

  static create(extensionUri: vscode.Uri, host: PanelHost, logDir: string | undefined): ChatPanel {
    // Beside the code being edited, so "Send Selection" keeps both in view; alone when nothing is open.
    const viewColumn = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      TITLE,
      { viewColumn, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [],
      },
    );
    return new ChatPanel(panel, extensionUri, host, logDir);
  }

  /** Re-attaches to a panel VS Code restored after a window reload (registerWebviewPanelSerializer). */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    host: PanelHost,
    logDir: string | undefined,
  ): ChatPanel {
    return new ChatPanel(panel, extensionUri, host, logDir);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
    logDir: string | undefined,
  ) {
    this.setLogDir(logDir);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        // A hidden webview loses its document; it says 'ready' again when shown.
        if (!panel.visible) this.ready = false;
        this.host.onVisibilityChanged(panel.visible);
      }),
      panel.onDidDispose(() => this.disposeResources()),
    );
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  /** Images are served from the extension's dist/ and the log folder only. */
  setLogDir(logDir: string | undefined): void {
    if (logDir === this.logDir && this.panel.webview.options.localResourceRoots?.length) return;
    this.logDir = logDir;
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'dist')];
    if (logDir) roots.push(vscode.Uri.file(logDir));
    this.panel.webview.options = { enableScripts: true, localResourceRoots: roots };
  }

  imageUri(savedPath: string): string {
    return this.panel.webview.asWebviewUri(vscode.Uri.file(savedPath)).toString();
  }

  setUnread(count: number): void {
    this.panel.title = count > 0 ? `${TITLE} (${count})` : TITLE;
  }

  /** Posts when the webview can receive; otherwise the snapshot on the next 'ready' covers it. */
  post(message: HostToWebview): void {
    if (!this.ready) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      const type =
        typeof message === 'object' && message !== null ? String((message as { type?: unknown }).type) : typeof message;
      this.host.onInvalidMessage(
        `The chat panel sent a message the extension does not accept (type: ${type.slice(0, 40)}).`,
      );
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.host.onReady(this);
      return;
    }
    this.host.onMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
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
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${TITLE}</title>
</head>
<body>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel.dispose();
  }

  private disposeResources(): void {
    this.ready = false;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.host.onDisposed(this);
  }
}

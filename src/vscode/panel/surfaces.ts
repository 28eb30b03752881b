// Every place the one chat is shown: at most one editor tab and the chat view. Both show the same session and
// history (the host posts to each); each keeps its own draft (webview state is per webview). Commands that "show
// the chat" reveal the surface the user used last, remembered across windows.
import * as vscode from 'vscode';
import type { WebviewToHost } from '../../webviewApi';
import { createEditorPanel, editorFrame } from './chatPanel';
import { ChatSurface, type SurfaceHost, type SurfaceKind } from './chatSurface';
import { openChatView, viewFrame } from './chatView';

const LAST_USED_KEY = 'tcpChat.lastSurface';

/** What the surfaces need from the chat controller. */
export interface SurfacesHost {
  /** A surface's document is (again) ready: post it a snapshot. */
  onReady(surface: ChatSurface): void;
  onMessage(surface: ChatSurface, message: WebviewToHost): void;
  /** Some chat surface came into view: its messages are seen. */
  onSeen(): void;
  onInvalidMessage(detail: string): void;
  /** The folder images are served from (the current log folder). */
  logDir(): string | undefined;
}

export class ChatSurfaces implements vscode.WebviewViewProvider, vscode.Disposable {
  private editor: ChatSurface | undefined;
  private view: ChatSurface | undefined;
  private unread = 0;
  private readonly surfaceHost: SurfaceHost;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: SurfacesHost,
  ) {
    this.surfaceHost = {
      onReady: (surface) => {
        this.host.onReady(surface);
        if (surface.visible) this.host.onSeen();
      },
      onMessage: (surface, message) => {
        this.markUsed(surface.kind);
        this.host.onMessage(surface, message);
      },
      onVisibilityChanged: (surface) => {
        if (!surface.visible) return;
        this.markUsed(surface.kind);
        this.host.onSeen();
      },
      onDisposed: (surface) => {
        if (surface === this.editor) this.editor = undefined;
        if (surface === this.view) this.view = undefined;
      },
      onInvalidMessage: (detail) => this.host.onInvalidMessage(detail),
    };
  }

  /** The open surfaces, the editor tab first. */
  get all(): ChatSurface[] {
    return [this.editor, this.view].filter((s): s is ChatSurface => s !== undefined);
  }

  /** True when some chat surface is in view (then nothing arriving is unread). */
  get visible(): boolean {
    return this.all.some((surface) => surface.visible);
  }

  /** The surface the user used last, if it is open. */
  get current(): ChatSurface | undefined {
    return this.lastUsed === 'view' ? (this.view ?? this.editor) : (this.editor ?? this.view);
  }

  private get lastUsed(): SurfaceKind {
    return this.context.globalState.get<SurfaceKind>(LAST_USED_KEY) ?? 'editor';
  }

  private markUsed(kind: SurfaceKind): void {
    if (this.lastUsed !== kind) void this.context.globalState.update(LAST_USED_KEY, kind);
  }

  /** Reveals the surface used last (opening it if needed). */
  show(preserveFocus = false): void {
    if (this.lastUsed === 'view') this.showView(preserveFocus);
    else this.showEditor(preserveFocus);
  }

  showEditor(preserveFocus = false): void {
    if (this.editor) this.editor.frame.reveal(preserveFocus);
    else this.editor = this.adopt(editorFrame(createEditorPanel(preserveFocus)));
    this.markUsed('editor');
  }

  showView(preserveFocus = false): void {
    if (this.view) this.view.frame.reveal(preserveFocus);
    else void openChatView(preserveFocus);
    this.markUsed('view');
  }

  /** An editor tab VS Code restored after a window reload (a second one is closed: one tab is enough). */
  revivePanel(panel: vscode.WebviewPanel): void {
    if (this.editor) panel.dispose();
    else this.editor = this.adopt(editorFrame(panel));
  }

  /** VS Code shows the chat view for the first time in this window (or again after it was moved). */
  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = this.adopt(viewFrame(view));
    if (view.visible) this.markUsed('view');
  }

  setLogDir(dir: string | undefined): void {
    for (const surface of this.all) surface.setLogDir(dir);
  }

  /** The unread count on every surface that can show one (a tab title, the view's badge). */
  setUnread(count: number): void {
    this.unread = count;
    for (const surface of this.all) surface.frame.showUnread(count);
  }

  /** asWebviewUri depends on the file and the remote connection only, so one URI serves every surface. */
  imageUri(savedPath: string): string {
    return this.all[0]?.imageUri(savedPath) ?? '';
  }

  private adopt(frame: ChatSurface['frame']): ChatSurface {
    const surface = new ChatSurface(frame, this.context.extensionUri, this.surfaceHost, this.host.logDir());
    frame.showUnread(this.unread);
    return surface;
  }

  dispose(): void {
    for (const surface of this.all) surface.dispose();
  }
}

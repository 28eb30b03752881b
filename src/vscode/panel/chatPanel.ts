// The chat in an editor tab (TCP Chat: Open Chat in Editor): a WebviewPanel as a surface frame. The tab title
// carries the unread count. A tab left open survives a window reload (registerWebviewPanelSerializer).
import * as vscode from 'vscode';
import { CHAT_TITLE, type SurfaceFrame } from './chatSurface';

export const PANEL_VIEW_TYPE = 'tcpChat.panel';

/** A new editor tab: beside the code being edited, so "Send Selection" keeps both in view; alone when nothing
 *  is open. */
export function createEditorPanel(preserveFocus: boolean): vscode.WebviewPanel {
  const viewColumn = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
  return vscode.window.createWebviewPanel(
    PANEL_VIEW_TYPE,
    CHAT_TITLE,
    { viewColumn, preserveFocus },
    { enableScripts: true, localResourceRoots: [] },
  );
}

export function editorFrame(panel: vscode.WebviewPanel): SurfaceFrame {
  return {
    kind: 'editor',
    webview: panel.webview,
    get visible() {
      return panel.visible;
    },
    keepsDocumentWhenHidden: false,
    onDidChangeVisibility: panel.onDidChangeViewState,
    onDidDispose: panel.onDidDispose,
    reveal: (preserveFocus) => panel.reveal(undefined, preserveFocus),
    showUnread: (count) => {
      panel.title = count > 0 ? `${CHAT_TITLE} (${count})` : CHAT_TITLE;
    },
    dispose: () => panel.dispose(),
  };
}

// The chat as a view (WebviewView) in a view container of its own: an activity-bar icon the user may drag to the
// secondary side bar or the bottom panel. Its badge counts messages that arrived while no chat was in view.
// The view keeps its document while hidden (retainContextWhenHidden): a side bar view is hidden every time the
// user switches to the Explorer, and reloading it each time would lose the scroll position and a pending image.
import * as vscode from 'vscode';
import type { SurfaceFrame } from './chatSurface';
import { plural } from './l10n';

export const CHAT_VIEW_ID = 'tcpChat.chatView';

export const CHAT_VIEW_OPTIONS = { webviewOptions: { retainContextWhenHidden: true } } as const;

export function viewFrame(view: vscode.WebviewView): SurfaceFrame {
  return {
    kind: 'view',
    webview: view.webview,
    get visible() {
      return view.visible;
    },
    keepsDocumentWhenHidden: true,
    onDidChangeVisibility: view.onDidChangeVisibility,
    onDidDispose: view.onDidDispose,
    reveal: (preserveFocus) => view.show(preserveFocus),
    showUnread: (count) => {
      const tooltip = plural(count, vscode.l10n.t('1 unread message'), vscode.l10n.t('{0} unread messages', count));
      view.badge = count > 0 ? { value: count, tooltip } : undefined;
    },
    // A view cannot be closed by its extension; the workbench owns it.
    dispose: () => undefined,
  };
}

/** Shows the view when it was never resolved in this window (its container collapsed or not yet opened). */
export async function openChatView(preserveFocus: boolean): Promise<void> {
  await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`, { preserveFocus });
}

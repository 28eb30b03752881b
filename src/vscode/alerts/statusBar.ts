// The status bar item: role and state (`serving :65432 · 3 chatting · 2 waiting`, `#2 in line`, `connected`,
// `disconnected`) plus unread messages while the panel is hidden; clicking it opens the panel.
import * as vscode from 'vscode';
import { plural } from '../panel/l10n';

export class ChatStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tcpChat.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = vscode.l10n.t('TCP Chat');
    this.item.command = 'tcpChat.showPanel';
    this.update(vscode.l10n.t('TCP Chat'), 0, false);
    this.item.show();
  }

  update(text: string, unread: number, error: boolean): void {
    const icon = error ? '$(debug-disconnect)' : '$(comment-discussion)';
    const unreadText = plural(unread, vscode.l10n.t(' · 1 unread'), vscode.l10n.t(' · {0} unread', unread));
    this.item.text = `${icon} ${text}${unread > 0 ? unreadText : ''}`;
    this.item.tooltip =
      unread > 0
        ? plural(
            unread,
            vscode.l10n.t('TCP Chat: {0}, 1 unread — open the chat panel', text),
            vscode.l10n.t('TCP Chat: {0}, {1} unread — open the chat panel', text, unread),
          )
        : vscode.l10n.t('TCP Chat: {0} — open the chat panel', text);
    this.item.backgroundColor = unread > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

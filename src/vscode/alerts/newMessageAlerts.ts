// Telling the user about messages they have not seen: the unread count (panel title, status bar) while the panel
// is hidden, and a notification for a mention or a private message (or every message, per tcpChat.notifications)
// while the panel is not in front of them.
import * as vscode from 'vscode';
import type { ChatMessage } from '../../chat';
import { mentions } from '../panel/viewModel';
import { plainNotificationText } from './notifications';
import { readSettings } from '../settings/chatSettings';

/** One notification per few seconds: a busy room must not bury the editor in notifications. */
const NOTIFICATION_GAP_MS = 3000;

export interface AlertsHost {
  /** The chat surfaces: whether one is in view, and where the unread count shows. */
  panel(): { readonly visible: boolean; setUnread(count: number): void } | undefined;
  /** My name in the room, for mentions. */
  selfName(): string | undefined;
  showPanel(): void;
  /** The unread count changed: the status bar shows it. */
  onUnreadChanged(): void;
}

export class NewMessageAlerts {
  private count = 0;
  private lastNotificationAt = 0;

  constructor(private readonly host: AlertsHost) {}

  get unread(): number {
    return this.count;
  }

  /** A message from someone else arrived. */
  onMessage(message: ChatMessage): void {
    const panel = this.host.panel();
    const focused = panel?.visible === true && vscode.window.state.focused;
    if (!panel?.visible) this.setUnread(this.count + 1);
    if (!focused) this.maybeNotify(message);
  }

  /** The panel is in view: everything is seen. */
  clear(): void {
    if (this.count !== 0) this.setUnread(0);
  }

  private setUnread(count: number): void {
    this.count = count;
    this.host.panel()?.setUnread(count);
    this.host.onUnreadChanged();
  }

  private maybeNotify(message: ChatMessage): void {
    const mode = readSettings().notifications;
    if (mode === 'off') return;
    const me = this.host.selfName();
    const mentioned = me !== undefined && mentions(message.text, me);
    if (mode === 'mentions' && !mentioned && !message.to) return;
    const now = Date.now();
    if (now - this.lastNotificationAt < NOTIFICATION_GAP_MS) return;
    this.lastNotificationAt = now;
    const what = message.text
      ? message.text.slice(0, 120)
      : message.file
        ? vscode.l10n.t('offers the file {0}', message.file.name.slice(0, 120))
        : vscode.l10n.t('sent an image');
    const line = message.to
      ? vscode.l10n.t('{0} (private): {1}', message.from.name, what)
      : vscode.l10n.t('{0}: {1}', message.from.name, what);
    const open = vscode.l10n.t('Open Chat');
    void vscode.window.showInformationMessage(plainNotificationText(line), open).then((choice) => {
      if (choice === open) this.host.showPanel();
    });
  }
}

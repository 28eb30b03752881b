// The extension's one chat: which session runs (server or client role), wiring its events to the panel and
// the status bar, unread counts and mention notifications, and the panel's requests. The history lives in
// the ChatSession; the controller only adds the few lines that happen when no session exists (a bad port,
// a server that could not start), so the panel can say what went wrong.
import * as vscode from 'vscode';
import { clock } from '../chat';
import { formatBytes } from '../chat';
import { ChatError, type ChatMessage, type EndpointState, type Notice, type Roster } from '../chat';
import type { ChatSession } from '../chat';
import type {
  EntryView,
  HeaderView,
  HostToWebview,
  ImagePayload,
  NoticeView,
  Role,
  WebviewToHost,
} from '../webviewApi';
import { ChatPanel, type PanelHost } from './panel/chatPanel';
import { logLocation, readSettings } from './settings';
import { ChatStatusBar } from './statusBar';
import { plainNotificationText } from './notifications';
import { deliverFromPanel, type ImageActions } from './panel/panelSend';
import {
  acceptedImagesView,
  mergeByTime,
  mentions,
  NoticeIds,
  statusText,
  toEntryView,
  toHeaderView,
  toMessageView,
  toNoticeView,
  toRosterView,
} from './panel/viewModel';
import { errorMessage } from '../chat';

/** What only a server can do; ChatServer provides it. */
export interface HostControls {
  admit(peerId?: number): unknown;
  kick(peerId: number, reason?: string): unknown;
}

export interface SessionInfo {
  role: 'server' | 'client';
  session: ChatSession;
  /** `host:port` we serve on / connect to. */
  address: string;
  port: number;
  lanAddresses: string[];
  host?: HostControls;
  /** Client: my place in line. */
  queuePosition?: () => number | null;
}

const LOCAL_NOTICE_LIMIT = 200;
const EMPTY_ROSTER: Roster = { seats: 0, active: [], waiting: [], connections: 0 };

export class ChatController implements PanelHost, vscode.Disposable {
  private current: SessionInfo | undefined;
  /** True while `current` runs; after it closes it stays shown (history) until the next session. */
  private running = false;
  private panel: ChatPanel | undefined;
  private readonly statusBar = new ChatStatusBar();
  private readonly noticeIds = new NoticeIds('n');
  private readonly localIds = new NoticeIds('h');
  private localNotices: NoticeView[] = [];
  private unread = 0;
  private unsubscribe: (() => void) | undefined;
  private lastNotificationAt = 0;
  private pendingEntries: EntryView[] = [];
  private flushScheduled = false;
  /** Set by messaging.ts (registerMessagingCommands). */
  imageActions: ImageActions | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.refreshStatus();
  }

  /** The running session, if any (the API's `session`). */
  get session(): ChatSession | undefined {
    return this.running ? this.current?.session : undefined;
  }

  get info(): SessionInfo | undefined {
    return this.running ? this.current : undefined;
  }

  /** The last session shown (running or ended), for logs and images. */
  get shown(): SessionInfo | undefined {
    return this.current;
  }

  // ── sessions ────────────────────────────────────────────────────────────

  /** Shows a new session (replacing the previous, which must already be closed). */
  attach(info: SessionInfo): void {
    this.unsubscribe?.();
    this.current = info;
    this.running = true;
    this.localNotices = [];
    const { session } = info;
    const onMessage = (message: ChatMessage): void => this.onSessionMessage(message);
    const onNotice = (notice: Notice): void => this.postEntries([toNoticeView(notice, this.noticeIds.idOf(notice))]);
    const onRoster = (roster: Roster): void => {
      this.post({ type: 'roster', roster: toRosterView(roster) });
      this.refreshHeader(); // the header's state line counts who is chatting and waiting
    };
    const onQueue = (): void => this.refreshHeader();
    const onState = (state: EndpointState): void => {
      if (state === 'closed') {
        this.running = false;
        void vscode.commands.executeCommand('setContext', 'tcpChat.role', undefined); // palette: Stop/Disconnect off
      }
      this.refreshHeader();
    };
    session
      .on('message', onMessage)
      .on('notice', onNotice)
      .on('roster', onRoster)
      .on('queue', onQueue)
      .on('state', onState);
    this.unsubscribe = () => {
      session
        .off('message', onMessage)
        .off('notice', onNotice)
        .off('roster', onRoster)
        .off('queue', onQueue)
        .off('state', onState);
    };
    this.panel?.setLogDir(session.transcript?.dir);
    this.postSnapshot();
    this.refreshStatus();
    void vscode.commands.executeCommand('setContext', 'tcpChat.role', info.role);
  }

  /** Address facts learnt after attach (the port actually bound, LAN addresses). */
  update(facts: Partial<Pick<SessionInfo, 'address' | 'port' | 'lanAddresses'>>): void {
    if (!this.current) return;
    Object.assign(this.current, facts);
    this.refreshHeader();
  }

  /** The session ended before it really started (listen/connect failed); it stays on screen. */
  markStopped(): void {
    this.running = false;
    this.refreshHeader();
    void vscode.commands.executeCommand('setContext', 'tcpChat.role', undefined);
  }

  /** Closes the running session (clients told, log closed); it stays on screen. */
  async stop(reason?: string): Promise<void> {
    const info = this.info;
    if (!info) return;
    this.running = false;
    try {
      await info.session.close(reason);
    } finally {
      this.refreshHeader();
      void vscode.commands.executeCommand('setContext', 'tcpChat.role', undefined);
    }
  }

  // ── lines the host adds itself ──────────────────────────────────────────

  /** A red panel line plus an error notification (not awaited: commands must return promptly). */
  reportError(text: string, code?: string): void {
    this.localNotice('error', text, code);
    void vscode.window.showErrorMessage(plainNotificationText(text));
  }

  localNotice(level: Notice['level'], text: string, code?: string): void {
    const notice: Notice = { at: Date.now(), level, text, ...(code ? { code } : {}) };
    const view = toNoticeView(notice, this.localIds.idOf(notice));
    this.localNotices.push(view);
    if (this.localNotices.length > LOCAL_NOTICE_LIMIT)
      this.localNotices.splice(0, this.localNotices.length - LOCAL_NOTICE_LIMIT);
    this.postEntries([view]);
  }

  // ── panel ───────────────────────────────────────────────────────────────

  showPanel(preserveFocus = false): void {
    if (this.panel) {
      this.panel.panel.reveal(undefined, preserveFocus);
      return;
    }
    this.panel = ChatPanel.create(this.context.extensionUri, this, this.logDir());
  }

  revivePanel(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    this.panel = ChatPanel.revive(panel, this.context.extensionUri, this, this.logDir());
  }

  onReady(panel: ChatPanel): void {
    if (panel !== this.panel) return;
    this.postSnapshot();
    if (panel.visible) this.clearUnread();
  }

  onVisibilityChanged(visible: boolean): void {
    if (visible) this.clearUnread();
  }

  onDisposed(panel: ChatPanel): void {
    if (panel === this.panel) this.panel = undefined;
  }

  onInvalidMessage(detail: string): void {
    this.localNotice('error', detail, 'bad-webview-message');
  }

  onMessage(message: WebviewToHost): void {
    void this.handle(message).catch((error: unknown) => {
      this.reportError(errorMessage(error));
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'send':
        return this.sendFromPanel(message.ref, message.text, message.image);
      case 'pickImage':
        return this.imageActions?.pick();
      case 'attachUri':
        return this.imageActions?.attachUri(message.uri);
      case 'openImage':
        return this.openImage(message.id);
      case 'openLogs':
        await vscode.commands.executeCommand('tcpChat.openLogs');
        return;
      case 'stop':
        await vscode.commands.executeCommand(
          this.info?.role === 'server' ? 'tcpChat.stopServer' : 'tcpChat.disconnect',
        );
        return;
      case 'admit':
        await vscode.commands.executeCommand('tcpChat.admitNext', message.peerId);
        return;
      case 'kick':
        await vscode.commands.executeCommand('tcpChat.kick', message.peerId);
        return;
      case 'run':
        await vscode.commands.executeCommand(
          message.command === 'startServer' ? 'tcpChat.startServer' : 'tcpChat.connect',
        );
        return;
      case 'error':
        this.localNotice('error', message.text, 'panel');
        return;
      case 'ready':
        return;
    }
  }

  /** Sends what the composer posted and answers with a sendResult, so the composer clears only on success.
   *  Every refusal is also a red line in the list (the session's own notice, or one added here). */
  private async sendFromPanel(ref: number, text: string, image: ImagePayload | undefined): Promise<void> {
    const info = this.info;
    try {
      if (!info)
        throw new ChatError(
          'not-connected',
          'Not connected: start a server or connect to one first (Command Palette → TCP Chat).',
        );
      await deliverFromPanel(info.session, text, image, this.imageActions, () => this.stop('left'));
      this.post({ type: 'sendResult', ref, ok: true });
    } catch (error) {
      const reason = errorMessage(error);
      if (!info || !this.alreadyShown(info.session, reason))
        this.localNotice('error', reason, error instanceof ChatError ? error.code : 'send-failed');
      this.post({ type: 'sendResult', ref, ok: false, error: reason });
    }
  }

  /** True when the session already put this error in the panel (no second red line for it). */
  alreadyShown(session: ChatSession, text: string): boolean {
    return session.history.some((e) => e.kind === 'notice' && e.notice.level === 'error' && e.notice.text === text);
  }

  private async openImage(id: string): Promise<void> {
    const entry = this.current?.session.history.find((e) => e.kind === 'message' && e.message.id === id);
    const saved = entry?.kind === 'message' ? entry.message.image?.savedPath : undefined;
    if (!saved) {
      this.localNotice('error', 'That image was not saved, so it cannot be opened (see the log).', 'image-missing');
      return;
    }
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(saved), {
      preview: true,
      viewColumn: vscode.ViewColumn.Active,
    });
  }

  // ── events → panel / status bar ─────────────────────────────────────────

  private onSessionMessage(message: ChatMessage): void {
    this.postEntries([toMessageView(message, (p) => this.imageUri(p))]);
    if (message.own) return;
    const focused = this.panel?.visible === true && vscode.window.state.focused;
    if (!this.panel?.visible) {
      this.unread++;
      this.panel?.setUnread(this.unread);
      this.refreshStatus();
    }
    if (!focused) this.maybeNotify(message);
  }

  private maybeNotify(message: ChatMessage): void {
    const mode = readSettings().notifications;
    if (mode === 'off') return;
    const me = this.current?.session.endpoint.self?.name;
    const mentioned = me !== undefined && mentions(message.text, me);
    if (mode === 'mentions' && !mentioned && !message.to) return;
    // One toast per few seconds: a busy room must not bury the editor in notifications.
    const now = Date.now();
    if (now - this.lastNotificationAt < 3000) return;
    this.lastNotificationAt = now;
    const what = message.text ? message.text.slice(0, 120) : 'sent an image';
    void vscode.window
      .showInformationMessage(
        plainNotificationText(`${message.from.name}${message.to ? ' (private)' : ''}: ${what}`),
        'Open Chat',
      )
      .then((choice) => {
        if (choice) this.showPanel();
      });
  }

  private clearUnread(): void {
    if (this.unread === 0) return;
    this.unread = 0;
    this.panel?.setUnread(0);
    this.refreshStatus();
  }

  /** Entries of one event-loop turn go to the webview in one postMessage: a burst of 10,000 messages is a
   *  handful of posts, not 10,000. */
  private postEntries(entries: EntryView[]): void {
    if (!this.panel) return;
    this.pendingEntries.push(...entries);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushEntries());
  }

  private flushEntries(): void {
    this.flushScheduled = false;
    const entries = this.pendingEntries.splice(0);
    if (entries.length) this.post({ type: 'entries', entries });
  }

  private post(message: HostToWebview): void {
    // Anything else must not overtake entries already waiting (a sendResult after its message, a header
    // after the line that explains it).
    if (message.type !== 'entries' && this.pendingEntries.length) this.flushEntries();
    this.panel?.post(message);
  }

  private postSnapshot(): void {
    const panel = this.panel;
    if (!panel) return;
    this.pendingEntries = []; // the snapshot holds them already (history + local notices)
    const info = this.current;
    const history = info
      ? info.session.history.map((e) => toEntryView(e, (p) => this.imageUri(p), this.noticeIds))
      : [];
    panel.post({
      type: 'snapshot',
      header: this.headerView(),
      roster: toRosterView(info?.session.endpoint.roster ?? EMPTY_ROSTER),
      entries: mergeByTime(history, this.localNotices),
      sessionKey: info ? `${info.role}:${info.address}` : null,
      time: clock(Date.now()),
      acceptedImages: acceptedImagesView(),
    });
  }

  private refreshHeader(): void {
    this.post({ type: 'header', header: this.headerView() });
    this.refreshStatus();
  }

  private headerView(): HeaderView {
    const info = this.current;
    const endpoint = info?.session.endpoint;
    const role: Role = info?.role ?? 'none';
    const location = info?.session.transcript
      ? { dir: info.session.transcript.dir, note: undefined }
      : logLocation(this.context);
    return toHeaderView({
      role,
      address: info?.address ?? '',
      lanAddresses: info?.lanAddresses ?? [],
      state: endpoint?.state ?? 'idle',
      self: endpoint?.self,
      queuePosition: info?.queuePosition?.() ?? null,
      status: this.statusLine(),
      logDir: location.dir,
      logNote:
        location.note ??
        (info && !info.session.transcript ? 'Chat log unavailable: this session is not being saved.' : undefined),
    });
  }

  private refreshStatus(): void {
    const role: Role = this.current?.role ?? 'none';
    const state = this.current?.session.endpoint.state ?? 'idle';
    this.statusBar.update(
      this.statusLine(),
      this.unread,
      role !== 'none' && (state === 'closed' || state === 'reconnecting'),
    );
  }

  /** One wording for the status bar and the panel header. */
  private statusLine(): string {
    const info = this.current;
    const endpoint = info?.session.endpoint;
    return statusText(
      info?.role ?? 'none',
      endpoint?.state ?? 'idle',
      info?.port,
      endpoint?.roster ?? EMPTY_ROSTER,
      info?.queuePosition?.() ?? null,
    );
  }

  private imageUri(savedPath: string): string {
    return this.panel ? this.panel.imageUri(savedPath) : '';
  }

  private logDir(): string | undefined {
    return this.current?.session.transcript?.dir ?? logLocation(this.context).dir;
  }

  /** Posts an image the user picked to the webview's composer for preview. */
  postAttachment(name: string, mime: string, bytes: Uint8Array): void {
    if (!this.panel) this.showPanel();
    this.post({
      type: 'attachment',
      name,
      mime,
      size: bytes.length,
      sizeText: formatBytes(bytes.length),
      base64: Buffer.from(bytes).toString('base64'),
    });
  }

  dispose(): void {
    this.unsubscribe?.();
    void this.current?.session.close('VS Code is closing');
    this.panel?.dispose();
    this.statusBar.dispose();
  }
}

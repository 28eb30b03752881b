// The extension's one chat: which session runs (server or client role) and wiring its events to the chat
// surfaces (the editor tab and the chat view, panel/surfaces.ts), the status bar and the new-message alerts.
// The history lives in the ChatSession; the controller only adds the few lines that happen when no session
// exists (a bad port, a server that could not start), so the panel can say what went wrong. The panel's requests
// are handled in panel/panelRequests.ts.
import * as vscode from 'vscode';
import {
  clock,
  errorMessage,
  formatBytes,
  type ChatMessage,
  type ChatSession,
  type EndpointState,
  type Notice,
  type Roster,
} from '../chat';
import type { HeaderView, HostToWebview, NoticeView, Role, WebviewToHost } from '../webviewApi';
import { FileTransfers } from './files/fileTransfers';
import type { LogChannel } from './logChannel';
import { NewMessageAlerts } from './alerts/newMessageAlerts';
import { plainNotificationText } from './alerts/notifications';
import type { ChatSurface } from './panel/chatSurface';
import { PanelFeed } from './panel/panelFeed';
import { handlePanelRequest, type ImageActions, type PanelRequestHost } from './panel/panelRequests';
import { ChatSurfaces, type SurfacesHost } from './panel/surfaces';
import {
  acceptedImagesView,
  EMPTY_ROSTER,
  mergeByTime,
  NoticeIds,
  sessionHeader,
  sessionStatus,
  toEntryView,
  toMessageView,
  toNoticeView,
  toRosterView,
} from './panel/viewModel';
import { useL10n } from './panel/l10n';
import { webviewStrings } from './panel/webviewStrings';
import { logLocation } from './settings/chatSettings';
import { ChatStatusBar } from './alerts/statusBar';

/** What only a server can do; ChatServer provides it. */
export interface HostControls {
  readonly roster: Roster;
  admit(peerId?: number): unknown;
  kick(peerId: number, reason?: string): unknown;
  ban(peerId: number, reason?: string): unknown;
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
  /** The room certificate's fingerprint while encrypted (the host: when its room speaks TLS). */
  fingerprint?: () => string | undefined;
}

const LOCAL_NOTICE_LIMIT = 200;

export class ChatController implements SurfacesHost, PanelRequestHost, vscode.Disposable {
  private current: SessionInfo | undefined;
  /** True while `current` runs; after it closes it stays shown (history) until the next session. */
  private running = false;
  /** The editor tab and the chat view; also the WebviewViewProvider extension.ts registers. */
  readonly surfaces: ChatSurfaces;
  private readonly statusBar = new ChatStatusBar();
  private readonly feed = new PanelFeed(() => this.surfaces.all);
  private readonly alerts = new NewMessageAlerts({
    panel: () => this.surfaces,
    selfName: () => this.current?.session.endpoint.self?.name,
    showPanel: () => this.showPanel(),
    onUnreadChanged: () => this.refreshStatus(),
  });
  private readonly noticeIds = new NoticeIds('n');
  private readonly localIds = new NoticeIds('h');
  private localNotices: NoticeView[] = [];
  private unsubscribe: (() => void) | undefined;
  /** Set by commands/messageCommands.ts (registerMessageCommands). */
  imageActions: ImageActions | undefined;
  /** The session's file and image transfers (files/fileTransfers.ts). */
  readonly files: FileTransfers;
  private readonly transfersOf = (messageId: string) => this.files.records.of(messageId);

  constructor(
    private readonly context: vscode.ExtensionContext,
    /** The "TCP Chat" log: every notice and error shown, and each session's start and end. */
    readonly log: LogChannel,
  ) {
    useL10n(vscode.l10n); // the panel's pure view-model code speaks VS Code's display language from here on
    this.surfaces = new ChatSurfaces(context, this);
    this.files = new FileTransfers(context, this.feed);
    this.refreshStatus();
  }

  /** The running session, if any (the API's `session`). */
  get session(): ChatSession | undefined {
    return this.running ? this.current?.session : undefined;
  }

  /** Messages not seen yet (the API's `unread`). */
  get unread(): number {
    return this.alerts.unread;
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
    this.log.info(`${info.role === 'server' ? 'Starting a server on' : 'Connecting to'} ${info.address}`);
    const { session } = info;
    const onMessage = (message: ChatMessage): void => this.onSessionMessage(message);
    const onNotice = (notice: Notice): void => {
      this.log.notice(notice);
      this.feed.entries([toNoticeView(notice, this.noticeIds.idOf(notice))]);
    };
    const onRoster = (roster: Roster): void => {
      this.feed.post({ type: 'roster', roster: toRosterView(roster) });
      this.refreshHeader(); // the header's state line counts who is chatting and waiting
    };
    const onQueue = (): void => this.refreshHeader();
    const onState = (state: EndpointState): void => {
      this.log.info(`${info.role === 'server' ? 'Server' : 'Client'} ${info.address}: ${state}`);
      if (state === 'closed') {
        this.running = false;
        this.files.ended();
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
    const stopTransfers = this.files.attach(session);
    this.unsubscribe = () => {
      stopTransfers();
      session
        .off('message', onMessage)
        .off('notice', onNotice)
        .off('roster', onRoster)
        .off('queue', onQueue)
        .off('state', onState);
    };
    this.surfaces.setLogDir(session.transcript?.dir);
    this.postSnapshot();
    this.refreshStatus();
    void vscode.commands.executeCommand('setContext', 'tcpChat.role', info.role);
  }

  /** Address facts learnt after attach (the port actually bound, LAN addresses). */
  update(facts: Partial<Pick<SessionInfo, 'address' | 'port' | 'lanAddresses'>>): void {
    if (!this.current) return;
    Object.assign(this.current, facts);
    const lan = this.current.lanAddresses;
    this.log.info(`Listening on ${this.current.address}${lan.length ? `; others connect to ${lan.join(', ')}` : ''}`);
    this.refreshHeader();
  }

  /** The session ended before it really started (listen/connect failed); it stays on screen. */
  markStopped(): void {
    if (this.current) this.log.info(`${this.current.address}: did not start`);
    this.running = false;
    this.refreshHeader();
    void vscode.commands.executeCommand('setContext', 'tcpChat.role', undefined);
  }

  /** Closes the running session (clients told, log closed); it stays on screen. */
  async stop(reason?: string): Promise<void> {
    const info = this.info;
    if (!info) return;
    this.log.info(`Closing ${info.address}${reason ? ` (${reason})` : ''}`);
    this.running = false;
    try {
      await info.session.close(reason);
    } finally {
      this.refreshHeader();
      void vscode.commands.executeCommand('setContext', 'tcpChat.role', undefined);
    }
  }

  // ── lines the host adds itself ──────────────────────────────────────────

  /** A red panel line, a log line and an error notification (not awaited: commands must return promptly). */
  reportError(text: string, code?: string): void {
    this.localNotice('error', text, code);
    this.toastError(text);
  }

  /** An error notification only: for an error the session already showed (its notice is in the panel and the
   *  log already). */
  toastError(text: string): void {
    void vscode.window.showErrorMessage(plainNotificationText(text));
  }

  /** A log line and an error notification, no panel line: a mistake outside any session (a mistyped address). */
  toastAndLogError(text: string): void {
    this.log.notice({ at: Date.now(), level: 'error', text });
    this.toastError(text);
  }

  /** A line in the panel and the log. */
  localNotice(level: Notice['level'], text: string, code?: string): void {
    const notice: Notice = { at: Date.now(), level, text, ...(code ? { code } : {}) };
    this.log.notice(notice);
    const view = toNoticeView(notice, this.localIds.idOf(notice));
    this.localNotices.push(view);
    if (this.localNotices.length > LOCAL_NOTICE_LIMIT)
      this.localNotices.splice(0, this.localNotices.length - LOCAL_NOTICE_LIMIT);
    this.feed.entries([view]);
  }

  // ── chat surfaces ───────────────────────────────────────────────────────

  /** Reveals the chat where the user used it last (the editor tab or the chat view). */
  showPanel(preserveFocus = false): void {
    this.surfaces.show(preserveFocus);
  }

  onReady(surface: ChatSurface): void {
    this.postSnapshot(surface);
  }

  onSeen(): void {
    this.alerts.clear();
  }

  onInvalidMessage(detail: string): void {
    this.localNotice('error', detail, 'bad-webview-message');
  }

  onMessage(surface: ChatSurface, message: WebviewToHost): void {
    const reply = (answer: HostToWebview): void => this.feed.postTo(surface, answer);
    void handlePanelRequest(this, message, reply).catch((error: unknown) => {
      this.reportError(errorMessage(error));
    });
  }

  /** True when the session already put this error in the panel (no second red line for it). */
  alreadyShown(session: ChatSession, text: string): boolean {
    return session.history.some((e) => e.kind === 'notice' && e.notice.level === 'error' && e.notice.text === text);
  }

  // ── events → panel / status bar ─────────────────────────────────────────

  private onSessionMessage(message: ChatMessage): void {
    this.feed.entries([toMessageView(message, (p) => this.imageUri(p), this.transfersOf)]);
    if (!message.own) this.alerts.onMessage(message);
  }

  /** A full snapshot to `to` (every surface when omitted). */
  private postSnapshot(to?: ChatSurface): void {
    if (this.surfaces.all.length === 0) return;
    const info = this.current;
    const history = info
      ? info.session.history.map((e) => toEntryView(e, (p) => this.imageUri(p), this.noticeIds, this.transfersOf))
      : [];
    this.feed.snapshot(
      {
        type: 'snapshot',
        header: this.headerView(),
        roster: toRosterView(info?.session.endpoint.roster ?? EMPTY_ROSTER),
        entries: mergeByTime(history, this.localNotices),
        sessionKey: info ? `${info.role}:${info.address}` : null,
        time: clock(Date.now()),
        acceptedImages: acceptedImagesView(),
        strings: webviewStrings(),
      },
      to,
    );
  }

  private refreshHeader(): void {
    this.feed.post({ type: 'header', header: this.headerView() });
    this.refreshStatus();
  }

  private headerView(): HeaderView {
    const transcript = this.current?.session.transcript;
    return sessionHeader(this.current, transcript ? { dir: transcript.dir } : logLocation(this.context));
  }

  private refreshStatus(): void {
    const role: Role = this.current?.role ?? 'none';
    const state = this.current?.session.endpoint.state ?? 'idle';
    this.statusBar.update(
      sessionStatus(this.current),
      this.alerts.unread,
      role !== 'none' && (state === 'closed' || state === 'reconnecting'),
    );
  }

  private imageUri(savedPath: string): string {
    return this.surfaces.imageUri(savedPath);
  }

  /** The folder the surfaces serve images from (the current log folder). */
  logDir(): string | undefined {
    return this.current?.session.transcript?.dir ?? logLocation(this.context).dir;
  }

  /** Posts an image the user picked to the composer of the surface that asked (the one used last). */
  postAttachment(name: string, mime: string, bytes: Uint8Array): void {
    const target = this.surfaces.current;
    if (!target) return this.showPanel();
    this.feed.postTo(target, {
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
    this.surfaces.dispose();
    this.files.dispose();
    this.statusBar.dispose();
  }
}

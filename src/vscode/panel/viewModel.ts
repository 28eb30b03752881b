// Engine events → the plain-JSON view models of src/webviewApi.ts. Pure (no 'vscode'): the image URI maker is
// passed in, so this is unit-tested in plain Node.
import {
  clock,
  formatBytes,
  hostPort,
  IMAGE_LABEL_LIST,
  IMAGE_MIMES,
  readImageSize,
  type ChatMessage,
  type EndpointState,
  type HistoryEntry,
  type Notice,
  type Peer,
  type Roster,
  type TransferProgress,
} from '../../chat';
import type {
  AcceptedImagesView,
  EntryView,
  HeaderView,
  MessageView,
  NoticeView,
  PeerView,
  Role,
  RosterCounts,
  RosterView,
} from '../../webviewApi';
import type { SessionInfo } from '../chatController';
import type { LogLocation } from '../settings/chatSettings';
import { l10n, plural } from './l10n';
import { toFileView, toTransferView } from '../files/fileViews';

/** The roster before any session, or of a session that has none yet. */
export const EMPTY_ROSTER: Roster = { seats: 0, active: [], waiting: [], connections: 0 };

/** Turns a saved image path into a URI the webview may load (webview.asWebviewUri). */
export type ImageUri = (savedPath: string) => string;

export function toPeerView(peer: Peer): PeerView {
  const view: PeerView = { id: peer.id, name: peer.name, address: peer.address, kind: peer.kind };
  if (peer.away !== undefined) view.away = peer.away;
  if (peer.encrypted !== undefined) view.encrypted = peer.encrypted;
  return view;
}

/** THE count of who is chatting and waiting, for the status bar, the header chip and the roster alike. Everyone
 *  seated counts, the host included: a client and the host of one room then see the same number. */
export function rosterCounts(roster: Roster): RosterCounts {
  const chatting = roster.active.length;
  const waiting = roster.waiting.length;
  const chattingText = plural(chatting, l10n.t('1 chatting'), l10n.t('{0} chatting', chatting));
  const waitingText = plural(waiting, l10n.t('1 waiting'), l10n.t('{0} waiting', waiting));
  const text = waiting ? l10n.t('{0} · {1}', chattingText, waitingText) : chattingText;
  return { chatting, waiting, text };
}

export function toRosterView(roster: Roster): RosterView {
  // The server marks encrypted members only; in a room that speaks TLS the others are marked unencrypted.
  const tls = [...roster.active, ...roster.waiting].some((p) => p.encrypted);
  const member = (peer: Peer) =>
    toPeerView(tls && peer.kind !== 'host' ? { ...peer, encrypted: peer.encrypted === true } : peer);
  return {
    seats: roster.seats,
    active: roster.active.map(member),
    waiting: roster.waiting.map(member),
    connections: roster.connections,
    counts: rosterCounts(roster),
  };
}

/** The transfers known for a message (files and images), as the host keeps them (files/fileTransfers.ts). */
export type TransfersOf = (messageId: string) => readonly TransferProgress[];

/** Takes a live message or a history one (whose image bytes may be dropped, keeping `size` and dimensions). */
export function toMessageView(message: ChatMessage, imageUri: ImageUri, transfersOf?: TransfersOf): MessageView {
  const view: MessageView = {
    entry: 'message',
    id: message.id,
    at: message.at,
    time: clock(message.at),
    from: toPeerView(message.from),
    text: message.text,
    own: message.own,
    kind: message.file ? 'file' : message.image ? 'image' : message.code ? 'code' : 'text',
  };
  if (message.file) view.file = toFileView(message.file);
  const transfers = transfersOf?.(message.id) ?? [];
  if (transfers.length) view.transfers = transfers.map(toTransferView);
  if (message.code) {
    view.code = { language: message.code.language };
    if (message.code.file !== undefined) view.code.file = message.code.file;
    if (message.code.line !== undefined) view.code.line = message.code.line;
  }
  if (message.to) view.to = toPeerView(message.to);
  if (message.action) view.action = true;
  if (message.history) view.history = true;
  if (message.image) {
    const kept = message.image as { size?: number; width?: number; height?: number };
    const size = kept.size ?? message.image.bytes.length;
    view.image = { mime: message.image.mime, size, sizeText: formatBytes(size) };
    if (message.image.savedPath) view.image.uri = imageUri(message.image.savedPath);
    const declared =
      kept.width !== undefined && kept.height !== undefined
        ? { width: kept.width, height: kept.height }
        : readImageSize(message.image.bytes, message.image.mime);
    if (declared) Object.assign(view.image, declared);
  }
  return view;
}

/** Notices carry no id of their own: ids are handed out once per Notice object, so replays keep them stable. */
export class NoticeIds {
  private readonly ids = new WeakMap<Notice, string>();
  private next = 0;
  constructor(private readonly prefix = 'n') {}
  idOf(notice: Notice): string {
    let id = this.ids.get(notice);
    if (!id) {
      id = `${this.prefix}${++this.next}`;
      this.ids.set(notice, id);
    }
    return id;
  }
}

export function toNoticeView(notice: Notice, id: string): NoticeView {
  const view: NoticeView = {
    entry: 'notice',
    id,
    at: notice.at,
    time: clock(notice.at),
    level: notice.level,
    text: notice.text,
  };
  if (notice.code) view.code = notice.code;
  if (notice.history) view.history = true;
  return view;
}

export function toEntryView(
  entry: HistoryEntry,
  imageUri: ImageUri,
  ids: NoticeIds,
  transfersOf?: TransfersOf,
): EntryView {
  return entry.kind === 'message'
    ? toMessageView(entry.message, imageUri, transfersOf)
    : toNoticeView(entry.notice, ids.idOf(entry.notice));
}

/** Merges two time-ordered entry lists (session history + the host's own notices) by time, stable. */
export function mergeByTime(a: EntryView[], b: EntryView[]): EntryView[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: EntryView[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].at <= b[j].at)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/** The header's facts as the host knows them: the view's fields, with the engine's state and peer (not yet views). */
export type HeaderFacts = Omit<HeaderView, 'state' | 'self'> & { state: EndpointState; self?: Peer };

export function toHeaderView(facts: HeaderFacts): HeaderView {
  const view: HeaderView = {
    role: facts.role,
    address: facts.address,
    lanAddresses: facts.lanAddresses,
    state: facts.state,
    queuePosition: facts.queuePosition,
    status: facts.status,
  };
  if (facts.self) view.self = toPeerView(facts.self);
  if (facts.logDir) view.logDir = facts.logDir;
  if (facts.logNote) view.logNote = facts.logNote;
  if (facts.topic) view.topic = facts.topic;
  if (facts.encrypted !== undefined) view.encrypted = facts.encrypted;
  if (facts.fingerprint) view.fingerprint = facts.fingerprint;
  return view;
}

/** What the header says about a session (or none) whose log goes to `location`. */
export function sessionHeader(info: SessionInfo | undefined, location: LogLocation): HeaderView {
  const endpoint = info?.session.endpoint;
  const fingerprint = info?.fingerprint?.();
  return toHeaderView({
    encrypted: info ? fingerprint !== undefined : undefined,
    fingerprint,
    role: info?.role ?? 'none',
    address: info?.address ?? '',
    lanAddresses: info?.lanAddresses ?? [],
    state: endpoint?.state ?? 'idle',
    self: endpoint?.self,
    queuePosition: info?.queuePosition?.() ?? null,
    status: sessionStatus(info),
    logDir: location.dir,
    logNote:
      location.note ??
      (info && !info.session.transcript ? l10n.t('Chat log unavailable: this session is not being saved.') : undefined),
    topic: endpoint?.roster.topic,
  });
}

/** One wording for the status bar and the panel header; "· not encrypted" while in a room without TLS. */
export function sessionStatus(info: SessionInfo | undefined): string {
  const endpoint = info?.session.endpoint;
  const inRoom = ['listening', 'active', 'waiting'].includes(endpoint?.state ?? 'idle');
  const plain = inRoom && info?.fingerprint !== undefined && info.fingerprint() === undefined;
  const status = statusText(
    info?.role ?? 'none',
    endpoint?.state ?? 'idle',
    info?.port,
    endpoint?.roster ?? EMPTY_ROSTER,
    info?.queuePosition?.() ?? null,
  );
  return plain ? l10n.t('{0} · not encrypted', status) : status;
}

/** The status bar text: `serving :65432 · 3 chatting · 2 waiting` (rosterCounts), `#2 in line`, `connected`, `disconnected`. */
export function statusText(
  role: Role,
  state: EndpointState,
  port: number | undefined,
  roster: Roster,
  queuePosition: number | null,
): string {
  if (role === 'none') return l10n.t('TCP Chat');
  if (role === 'server') {
    if (state === 'closed') return l10n.t('server stopped');
    return l10n.t('serving :{0} · {1}', port ?? '?', rosterCounts(roster).text);
  }
  switch (state) {
    case 'waiting':
      return queuePosition ? l10n.t('#{0} in line', queuePosition) : l10n.t('waiting in line');
    case 'active':
      return l10n.t('connected');
    case 'connecting':
    case 'handshaking':
      return l10n.t('connecting…');
    case 'reconnecting':
      return l10n.t('reconnecting…');
    default:
      return l10n.t('disconnected');
  }
}

/** The engine's image formats for the composer's paste/drop filter and its refusal sentence. */
export function acceptedImagesView(): AcceptedImagesView {
  return { mimes: [...IMAGE_MIMES], names: IMAGE_LABEL_LIST };
}

/** True when `text` mentions `name` as a word or @name (case-insensitive). */
export function mentions(text: string, name: string): boolean {
  const trimmed = name.trim();
  if (!trimmed) return false;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
}

/** Addresses others on the LAN can connect to (shown when a server starts, so the host can pass them on). */
export function lanAddresses(
  bindHost: string,
  port: number,
  interfaces: NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>,
): string[] {
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '';
  if (!wildcard) return [hostPort(bindHost, port)];
  const found: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (!info.internal && info.family === 'IPv4') found.push(hostPort(info.address, port));
    }
  }
  return found.length ? found : [hostPort('127.0.0.1', port)];
}

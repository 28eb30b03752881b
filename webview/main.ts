// Webview entry: acquire the VS Code API, say 'ready' (the host answers with a snapshot of the session's
// history and the UI text; the panel is built then), then apply what the host posts. Draft text survives
// hide/reload through getState/setState.
import '@vscode/codicons/dist/codicon.css';
import './styles/base.css';
import './styles/header.css';
import './styles/roster.css';
import './styles/messages.css';
import './styles/composer.css';
import './styles/layout.css';
import './styles/content.css';
import './styles/files.css';
import type { EntryView, HeaderView, HostToWebview, RosterView, WebviewToHost } from '../src/webviewApi';
import { registerToolkit } from './ui';
import { FrameBatch } from './frameBatch';
import { setStrings, t } from './strings';
import { el } from './render/dom';
import { Header } from './render/header';
import { MessageList } from './render/messages/messageList';
import { RosterPanel } from './render/roster/rosterPanel';
import { Composer } from './render/composer';
import { Announcer } from './render/messages/announcer';
import { RosterChip } from './render/roster/rosterChip';
import { connectBodyActions } from './render/body/actions';
import { SearchBar } from './render/search/searchBar';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PanelMemory): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What the panel remembers across hide/show and window reloads. */
interface PanelMemory {
  draft: string;
  /** The newest rows of the last session: a window reload ends the session (the extension host restarts), so
   *  these are shown again, marked as before the reload, when the host has nothing. */
  recent?: { sessionKey: string; entries: EntryView[] };
  /** The newest entry the user saw (the surface in view and focused): "new messages" starts after it when an
   *  editor tab's page is rebuilt on being shown again. */
  lastSeenId?: string;
}

const RECENT_ROWS = 200;

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHost): void => vscode.postMessage(message);
const saved = vscode.getState() as Partial<PanelMemory> | undefined;
const memory: PanelMemory = {
  draft: typeof saved?.draft === 'string' ? saved.draft : '',
  recent: saved?.recent && Array.isArray(saved.recent.entries) ? saved.recent : undefined,
  lastSeenId: typeof saved?.lastSeenId === 'string' ? saved.lastSeenId : undefined,
};
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** setState is synchronous and copies everything: batch bursts of messages into one save. */
function remember(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    vscode.setState(memory);
  }, 500);
}

registerToolkit();

/** The panel's parts, built once the host's first snapshot brings the UI text (strings.ts). */
interface Ui {
  roster: RosterPanel;
  chip: RosterChip;
  header: Header;
  list: MessageList;
  composer: Composer;
  announcer: Announcer;
  search: SearchBar;
}
let ui: Ui | undefined;

// Landmarks: header (banner), main (the conversation), aside (who is here, a top-level landmark of its own) and
// footer (the composer), so every control is in one and keyboard order follows reading order.
function buildUi(): Ui {
  const headerRoot = el('header', 'header');
  const banner = el('div', 'queue-banner');
  banner.hidden = true;
  banner.setAttribute('role', 'status');
  const body = el('div', 'body');
  const scroller = el('div', 'messages');
  scroller.tabIndex = 0; // scrollable by keyboard
  scroller.setAttribute('role', 'region');
  scroller.setAttribute('aria-label', t('listLabel'));
  const jump = el('button', 'jump');
  jump.type = 'button';
  jump.hidden = true;
  const rosterRoot = el('aside', 'roster');
  rosterRoot.tabIndex = 0; // scrollable by keyboard, and where the narrow layout's chip puts focus
  const announcer = new Announcer();
  const messagesColumn = el('main', 'messages-column');
  messagesColumn.setAttribute('aria-label', t('chatLabel'));
  messagesColumn.append(banner, scroller, jump, announcer.root);
  body.append(messagesColumn, rosterRoot);
  const composerRoot = el('footer', 'composer');
  document.body.append(headerRoot, body, composerRoot);

  const composer = new Composer(composerRoot, post, (draft) => {
    memory.draft = draft;
    remember();
  });
  composer.setDraft(memory.draft);
  const roster = new RosterPanel(rosterRoot, banner, post, (prefix) => composer.prefill(prefix));
  const chip = new RosterChip(rosterRoot);
  const header = new Header(headerRoot, post, chip.button);
  const list = new MessageList(scroller, jump, (id) => post({ type: 'openImage', id }));
  connectBodyActions(post); // Copy / Open in Editor / file:line / links inside message bodies
  const search = new SearchBar(list, scroller.querySelector<HTMLElement>('.rows') ?? scroller, () =>
    composer.textarea.focus(),
  );
  scroller.before(search.root);
  return { roster, chip, header, list, composer, announcer, search };
}

let currentHeader: HeaderView = {
  role: 'none',
  address: '',
  lanAddresses: [],
  state: 'idle',
  queuePosition: null,
  status: '',
};
let currentRoster: RosterView = {
  seats: 0,
  active: [],
  waiting: [],
  connections: 0,
  counts: { chatting: 0, waiting: 0, text: '' },
};

function refreshChrome({ roster, chip, header, list, composer }: Ui): void {
  const showAddresses = currentHeader.role === 'server';
  if (list.options.showAddresses !== showAddresses) {
    list.options = { showAddresses };
    list.rerender();
  }
  header.update(currentHeader);
  const live = currentHeader.role !== 'none' && currentHeader.state !== 'closed';
  composer.setBlocked(
    !live
      ? t('composerBlockedNotConnected')
      : currentHeader.queuePosition !== null
        ? t('composerBlockedInLine', currentHeader.queuePosition)
        : null,
  );
  roster.update(currentHeader, currentRoster);
  chip.update(currentHeader.role === 'none' ? undefined : currentRoster.counts);
  list.setEmptyHint(currentHeader.role === 'none' ? t('listEmptyNoChat') : t('listEmpty'));
}

/** `time` is the host's HH:MM:SS (one clock formatter, the engine's). */
function restoredNotice(time: string): EntryView {
  return { entry: 'notice', id: 'restored', at: Date.now(), time, level: 'system', text: t('listRestored') };
}

/** The surface is hidden or not focused: what arrives now is unread. */
function away(): boolean {
  return document.visibilityState === 'hidden' || !document.hasFocus();
}

/** While the user is here, everything in the list is seen. */
function noteSeen(parts: Ui): void {
  const newest = parts.list.newestId;
  if (away() || newest === undefined || memory.lastSeenId === newest) return;
  memory.lastSeenId = newest;
  remember();
}

/** The first snapshot brings the UI text: the panel is built then, focus lands in the composer. */
function start(message: Extract<HostToWebview, { type: 'snapshot' }>): Ui {
  setStrings(message.strings);
  const built = buildUi();
  // Focus lands in the composer when the chat opens, and again when the surface is focused with nothing in it
  // focused (a view revealed from the palette).
  built.composer.textarea.focus();
  const noteAway = (): void => {
    built.list.setAway(away());
    noteSeen(built);
  };
  window.addEventListener('focus', () => {
    if (document.activeElement === document.body || document.activeElement === null) built.composer.textarea.focus();
    noteAway();
  });
  window.addEventListener('blur', noteAway);
  // Ctrl+F / Cmd+F opens the search over the whole chat (the browser's find would only see the rows in the DOM);
  // F3 / Shift+F3 step through its matches while it is open.
  document.addEventListener(
    'keydown',
    (event) => {
      const find =
        event.key.toLowerCase() === 'f' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
      if (find) built.search.open();
      else if (event.key === 'F3' && built.search.isOpen) built.search.step(event.shiftKey ? 1 : -1);
      else return;
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );
  document.addEventListener('visibilitychange', noteAway);
  noteAway();
  return built;
}

/** New rows, applied once per frame however many posts bring them (frameBatch.ts). */
const newRows = new FrameBatch<EntryView>((entries) => {
  if (ui) applyTo(ui, { type: 'entries', entries });
});

function apply(message: HostToWebview): void {
  if (message.type === 'entries') return newRows.add(message.entries);
  newRows.flush(); // whatever comes next (a snapshot, a transfer of a row just posted) follows the rows before it
  if (message.type === 'snapshot') ui ??= start(message);
  if (ui) applyTo(ui, message); // before the first snapshot: nothing (the snapshot holds it all)
}

function applyTo(parts: Ui, message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot': {
      currentHeader = message.header;
      currentRoster = message.roster;
      parts.composer.setAcceptedImages(message.acceptedImages);
      refreshChrome(parts);
      const restored = message.sessionKey === null && message.entries.length === 0 ? memory.recent : undefined;
      if (restored) {
        parts.list.replaceAll([...restored.entries, restoredNotice(message.time)]);
      } else {
        parts.list.replaceAll(message.entries, memory.lastSeenId);
        memory.recent = message.sessionKey
          ? { sessionKey: message.sessionKey, entries: message.entries.slice(-RECENT_ROWS) }
          : undefined;
        remember();
      }
      parts.search.entriesChanged([], true);
      noteSeen(parts);
      break;
    }
    case 'entries':
      parts.list.append(message.entries);
      parts.search.entriesChanged(message.entries, false);
      parts.announcer.announce(message.entries);
      if (memory.recent) {
        memory.recent.entries = [...memory.recent.entries, ...message.entries].slice(-RECENT_ROWS);
        remember();
      }
      noteSeen(parts);
      break;
    case 'roster':
      currentRoster = message.roster;
      refreshChrome(parts);
      break;
    case 'header':
      currentHeader = message.header;
      refreshChrome(parts);
      break;
    case 'attachment':
      parts.composer.attachFromHost(message.name, message.mime, message.sizeText, message.base64);
      break;
    case 'sendResult':
      parts.composer.onSendResult(message.ref, message.ok, message.error);
      break;
    case 'transfer':
      parts.list.updateTransfer(message.transfer);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const data = event.data;
  if (data && typeof data === 'object' && typeof data.type === 'string') apply(data);
});

post({ type: 'ready' });

// The host's side of the panel: engine events → view models, status text, mentions, typed addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, Notice, Peer } from '../../../src/chat/core/events';
import type { HistoryEntry } from '../../../src/chat/session/chatSession';
import { IMAGE_MIMES } from '../../../src/chat/core/images';
import {
  acceptedImagesView,
  lanAddresses,
  mentions,
  mergeByTime,
  NoticeIds,
  statusText,
  toEntryView,
  toHeaderView,
  toMessageView,
  type HeaderFacts,
  toRosterView,
} from '../../../src/vscode/panel/viewModel';
import type { EntryView } from '../../../src/webviewApi';
import { pngDeclaring } from '../support/helpers';

const host: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
const alice: Peer = { id: 1, name: 'alice', address: '127.0.0.1:50000', kind: 'native' };
const AT = new Date(2026, 10, 22, 9, 5, 7).getTime();
const uri = (p: string) => `https://file+.vscode-resource.vscode-cdn.net${p}`;

test('a text+image message becomes one view row with a webview URI for the saved file and no bytes', () => {
  const message: ChatMessage = {
    id: 's3',
    at: AT,
    from: alice,
    text: 'look',
    own: false,
    image: { mime: 'image/png', bytes: Buffer.alloc(1234), savedPath: '/ws/chat_logs/img_1.png' },
  };
  const view = toMessageView(message, uri);
  assert.equal(view.kind, 'image');
  assert.equal(view.time, '09:05:07');
  assert.deepEqual(view.image, {
    mime: 'image/png',
    size: 1234,
    sizeText: '1.2 KB',
    uri: uri('/ws/chat_logs/img_1.png'),
  });
  assert.equal(view.text, 'look');
  assert.ok(!JSON.stringify(view).includes('"bytes"'), 'no Buffers cross to the webview');
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view, 'plain JSON');
});

test('history images keep their size after the bytes were dropped; unsaved images have no URI', () => {
  const saved = toMessageView(
    {
      id: 'a',
      at: AT,
      from: alice,
      text: '',
      own: false,
      image: { mime: 'image/gif', bytes: Buffer.alloc(0), savedPath: '/x.gif', size: 99 } as ChatMessage['image'],
    },
    uri,
  );
  assert.equal(saved.image?.size, 99);
  assert.equal(saved.image?.sizeText, '99 B', 'the size text comes from the engine formatBytes');
  const unsaved = toMessageView(
    { id: 'b', at: AT, from: alice, text: '', own: false, image: { mime: 'image/gif', bytes: Buffer.alloc(7) } },
    uri,
  );
  assert.deepEqual(unsaved.image, { mime: 'image/gif', size: 7, sizeText: '7 B' });
});

test('image rows carry the declared width and height, live and from history, so the panel sizes thumbnails', () => {
  const live = toMessageView(
    { id: 'c', at: AT, from: alice, text: '', own: false, image: { mime: 'image/png', bytes: pngDeclaring(640, 480) } },
    uri,
  );
  assert.equal(live.image?.width, 640);
  assert.equal(live.image?.height, 480);
  const image = { mime: 'image/png', bytes: Buffer.alloc(0), size: 17, width: 12000, height: 12000 };
  const kept = toMessageView(
    { id: 'd', at: AT, from: alice, text: '', own: false, image: image as ChatMessage['image'] },
    uri,
  );
  assert.deepEqual(kept.image, { mime: 'image/png', size: 17, sizeText: '17 B', width: 12000, height: 12000 });
});

test('code messages carry language and file:line; private messages their recipient; own flag kept', () => {
  const view = toMessageView(
    {
      id: 'c',
      at: AT,
      from: host,
      to: alice,
      text: 'x = 1',
      own: true,
      code: { language: 'python', file: 'a.py', line: 3 },
    },
    uri,
  );
  assert.equal(view.kind, 'code');
  assert.deepEqual(view.code, { language: 'python', file: 'a.py', line: 3 });
  assert.equal(view.to?.name, 'alice');
  assert.equal(view.own, true);
});

test('notices keep the same id on every replay (snapshots after hide/show do not reshuffle rows)', () => {
  const ids = new NoticeIds();
  const notice: Notice = {
    at: AT,
    level: 'error',
    text: 'Nobody is listening on 127.0.0.1:9 (connection refused).',
    code: 'ECONNREFUSED',
  };
  const history: HistoryEntry[] = [{ kind: 'notice', notice }];
  const first = toEntryView(history[0], uri, ids);
  const again = toEntryView(history[0], uri, ids);
  assert.equal(first.id, again.id);
  assert.deepEqual(first, {
    entry: 'notice',
    id: first.id,
    at: AT,
    time: '09:05:07',
    level: 'error',
    text: notice.text,
    code: 'ECONNREFUSED',
  });
  assert.notEqual(toEntryView({ kind: 'notice', notice: { ...notice } }, uri, ids).id, first.id);
});

test('messages and notices replayed from the room’s history carry the history flag to the panel; live ones do not', () => {
  const ids = new NoticeIds();
  const said: ChatMessage = { id: 'c1', at: AT, from: alice, text: 'earlier', own: false };
  assert.equal(toMessageView({ ...said, history: true }, uri).history, true);
  assert.equal('history' in toMessageView(said, uri), false);
  const end: Notice = { at: AT, level: 'system', text: '--- end of history ---', code: 'history-end', history: true };
  assert.equal(toEntryView({ kind: 'notice', notice: end }, uri, ids).history, true);
  assert.equal(
    'history' in toEntryView({ kind: 'notice', notice: { at: AT, level: 'info', text: 'hi' } }, uri, ids),
    false,
  );
});

test('the host’s own lines merge into the session history by time', () => {
  const row = (id: string, at: number): EntryView => ({ entry: 'notice', id, at, time: '', level: 'info', text: id });
  const merged = mergeByTime([row('a', 1), row('b', 3), row('c', 5)], [row('x', 2), row('y', 5), row('z', 9)]);
  assert.deepEqual(
    merged.map((e) => e.id),
    ['a', 'x', 'b', 'c', 'y', 'z'],
  );
});

test('the status bar, the header chip and the roster show one count of who chats and waits', () => {
  const roster = { seats: 0, active: [host, alice], waiting: [{ ...alice, id: 2, name: 'bob' }], connections: 3 };
  const view = toRosterView(roster);
  assert.deepEqual(view.counts, { chatting: 2, waiting: 1, text: '2 chatting · 1 waiting' });
  assert.equal(view.counts.chatting, view.active.length, 'the roster badge counts the names it lists');
  assert.equal(view.counts.waiting, view.waiting.length);
  assert.equal(statusText('server', 'listening', 65432, roster, null), `serving :65432 · ${view.counts.text}`);
});

test('status bar text says role and state', () => {
  const roster = {
    seats: 1,
    active: [host, alice],
    waiting: [
      { ...alice, id: 2, name: 'bob' },
      { ...alice, id: 3, name: 'carol' },
    ],
    connections: 3,
  };
  // Everyone seated counts, the host too: the roster lists them all, and a client of this room sees the same.
  assert.equal(statusText('server', 'listening', 65432, roster, null), 'serving :65432 · 2 chatting · 2 waiting');
  assert.equal(
    statusText('server', 'listening', 65432, { ...roster, waiting: [] }, null),
    'serving :65432 · 2 chatting',
  );
  assert.equal(statusText('client', 'waiting', 65432, roster, 2), '#2 in line');
  assert.equal(statusText('client', 'active', 65432, roster, null), 'connected');
  assert.equal(statusText('client', 'closed', 65432, roster, null), 'disconnected');
  assert.equal(statusText('none', 'idle', undefined, roster, null), 'TCP Chat');
});

test('mentions: the name as a word or @name, any case; not inside other words', () => {
  assert.equal(mentions('hey alice, look', 'alice'), true);
  assert.equal(mentions('@Alice look', 'alice'), true);
  assert.equal(mentions('ALICE!', 'alice'), true);
  assert.equal(mentions('malice aforethought', 'alice'), false);
  assert.equal(mentions('alice_2 is here', 'alice'), false);
  assert.equal(mentions('a.b is a name with a dot', 'a.b'), true);
  assert.equal(mentions('axb', 'a.b'), false, 'regex characters in names are literal');
  assert.equal(mentions('anything', ''), false);
});

test('LAN addresses: every external IPv4 for a wildcard bind, the bind address otherwise', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [
      { address: '192.168.1.10', family: 'IPv4', internal: false },
      { address: 'fe80::1', family: 'IPv6', internal: false },
    ],
    wlan0: [{ address: '10.0.0.5', family: 'IPv4', internal: false }],
  } as unknown as Parameters<typeof lanAddresses>[2];
  assert.deepEqual(lanAddresses('0.0.0.0', 65432, ifaces), ['192.168.1.10:65432', '10.0.0.5:65432']);
  assert.deepEqual(lanAddresses('127.0.0.1', 4000, ifaces), ['127.0.0.1:4000']);
  assert.deepEqual(lanAddresses('0.0.0.0', 4000, {}), ['127.0.0.1:4000']);
});

test('the composer gets the engine image list: its MIME types and one sentence naming them', () => {
  assert.deepEqual(acceptedImagesView(), { mimes: [...IMAGE_MIMES], names: 'PNG, JPEG, GIF, WebP or BMP' });
});

test('an action row is marked; away members carry their reason in the roster; the header carries the topic', () => {
  const action = toMessageView({ id: 's9', at: AT, from: alice, text: 'waves', own: false, action: true }, uri);
  assert.equal(action.action, true);
  assert.equal(toMessageView({ id: 's10', at: AT, from: alice, text: 'hi', own: false }, uri).action, undefined);
  const roster = toRosterView({
    seats: 0,
    active: [
      host,
      { ...alice, away: 'lunch' },
      { id: 2, name: 'bob', address: '127.0.0.1:1', kind: 'plain', away: '' },
    ],
    waiting: [],
    connections: 2,
    topic: 'Fractions',
  });
  assert.deepEqual(
    roster.active.map((p) => p.away),
    [undefined, 'lunch', ''],
  );
  const facts: HeaderFacts = {
    role: 'client',
    address: 'h:1',
    lanAddresses: [],
    state: 'active',
    queuePosition: null,
    status: '',
  };
  assert.equal(toHeaderView({ ...facts, topic: 'Fractions' }).topic, 'Fractions');
  assert.equal('topic' in toHeaderView(facts), false);
});

// How the message list reads like a chat (webview/render/messages/chatFlow.ts): one header for quick messages from one
// sender, a date divider when the day changes, "earlier messages" over the replayed history, the "new messages"
// mark where the user left off — and that these survive windowing (the top row of the window always shows its
// header and date).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryView, MessageView, NoticeView, PeerView } from '../../../src/webviewApi';
import { GROUP_GAP_MS, rowFlow, UnreadMarker } from '../../../webview/render/messages/chatFlow';
import { ListWindow } from '../../../webview/render/messages/listWindow';

const alice: PeerView = { id: 1, name: 'alice', address: '10.0.0.2:5000', kind: 'native' };
const bob: PeerView = { id: 2, name: 'bob', address: '10.0.0.3:5000', kind: 'native' };
const NOON = new Date(2026, 11, 1, 12, 0, 0).getTime();

let nextId = 0;
function msg(from: PeerView, at: number, extra: Partial<MessageView> = {}): MessageView {
  return { entry: 'message', id: `m${++nextId}`, at, time: '', from, text: 'hi', own: false, kind: 'text', ...extra };
}
function notice(at: number, extra: Partial<NoticeView> = {}): NoticeView {
  return { entry: 'notice', id: `n${++nextId}`, at, time: '', level: 'system', text: 'bob joined', ...extra };
}

/** The flows of a whole list rendered from its start (row 0 is the window's top). */
function flows(entries: EntryView[], unreadFromId?: string) {
  return entries.map((e, i) => rowFlow(entries[i - 1], e, i === 0, unreadFromId));
}

test('two quick messages from one sender share one header; a third after more than two minutes gets its own', () => {
  const list = [
    msg(alice, NOON),
    msg(alice, NOON + 30_000),
    msg(alice, NOON + 30_000 + GROUP_GAP_MS + 1),
    msg(alice, NOON + 30_000 + GROUP_GAP_MS + 2),
  ];
  assert.deepEqual(
    flows(list).map((f) => f.continues),
    [false, true, false, true],
  );
});

test('another sender, a notice, a private message or an action between breaks the group', () => {
  const list = [
    msg(alice, NOON),
    msg(bob, NOON + 1),
    msg(bob, NOON + 2),
    notice(NOON + 3),
    msg(bob, NOON + 4),
    msg(bob, NOON + 5, { to: alice }),
    msg(bob, NOON + 6, { to: alice }),
    msg(bob, NOON + 7, { action: true, text: 'waves' }),
    msg(bob, NOON + 8),
  ];
  assert.deepEqual(
    flows(list).map((f) => f.continues),
    [false, false, true, false, false, false, true, false, false],
  );
});

test('the same name reconnected as another member (new id) is a new header', () => {
  const again = { ...alice, id: 9 };
  assert.equal(rowFlow(msg(alice, NOON), msg(again, NOON + 1), false, undefined).continues, false);
});

test('a date divider goes above the first row and wherever the local day changes, and breaks a group', () => {
  const late = new Date(2026, 11, 1, 23, 59, 30).getTime();
  const early = new Date(2026, 11, 2, 0, 0, 10).getTime();
  const list = [msg(alice, late - 1000), msg(alice, late), msg(alice, early), msg(alice, early + 1000)];
  const result = flows(list);
  assert.deepEqual(
    result.map((f) => f.newDay),
    [true, false, true, false],
  );
  assert.equal(result[2].continues, false, 'a new day starts a new header even within two minutes');
});

test('the replayed history is marked once, where it starts, and never groups with live messages', () => {
  const list = [msg(alice, NOON, { history: true }), msg(alice, NOON + 1, { history: true }), msg(alice, NOON + 2)];
  const result = flows(list);
  assert.deepEqual(
    result.map((f) => f.earlierStart),
    [true, false, false],
  );
  assert.deepEqual(
    result.map((f) => f.continues),
    [false, true, false],
  );
});

test('the "new messages" mark goes above its entry and starts a new header there', () => {
  const list = [msg(alice, NOON), msg(alice, NOON + 1), msg(alice, NOON + 2)];
  const result = flows(list, list[1].id);
  assert.deepEqual(
    result.map((f) => f.unreadStart),
    [false, true, false],
  );
  assert.equal(result[1].continues, false);
  assert.equal(result[2].continues, true);
});

test('windowing: the top row of any window shows its header and date; rows below it group as in the full list', () => {
  const list: EntryView[] = [];
  for (let i = 0; i < 1_000; i++) list.push(msg(i % 50 < 25 ? alice : bob, NOON + i * 1000));
  const full = flows(list);
  const win = new ListWindow(300, 100);
  win.reset(list.length);
  for (const step of [() => undefined, () => win.earlier(), () => win.earlier(), () => win.later()]) {
    step();
    for (let i = win.start; i < win.end; i++) {
      const flow = rowFlow(list[i - 1], list[i], i === win.start, undefined);
      if (i === win.start) {
        assert.equal(flow.continues, false, `row ${i} heads the window`);
        assert.equal(flow.newDay, true, `row ${i} shows the date`);
      } else {
        assert.deepEqual(flow, full[i], `row ${i} reads as in the full list`);
      }
    }
  }
});

test('unread marker: the first message arriving while away is marked; the mark moves on the next absence', () => {
  const marker = new UnreadMarker();
  const first = msg(alice, NOON);
  assert.deepEqual(marker.arrived([first]), [], 'present: nothing is unread');
  assert.equal(marker.fromId, undefined);

  marker.setAway(true);
  const a = msg(alice, NOON + 1);
  const b = msg(bob, NOON + 2);
  assert.deepEqual(marker.arrived([a]), [a.id]);
  assert.deepEqual(marker.arrived([b]), [], 'later arrivals of the same absence come after the mark');
  assert.equal(marker.fromId, a.id);

  marker.setAway(false);
  assert.deepEqual(marker.arrived([msg(bob, NOON + 3)]), [], 'back: the mark stays where it was');
  assert.equal(marker.fromId, a.id);

  marker.setAway(true);
  const c = msg(bob, NOON + 4);
  assert.deepEqual(marker.arrived([c]), [a.id, c.id], 'the old mark goes, the new one comes');
  assert.equal(marker.fromId, c.id);
});

test('unread marker: replayed history and your own messages are never "new"; sending clears the mark', () => {
  const marker = new UnreadMarker();
  marker.setAway(true);
  assert.deepEqual(marker.arrived([msg(alice, NOON, { history: true }), msg(alice, NOON + 1, { own: true })]), []);
  const a = msg(bob, NOON + 2);
  marker.arrived([a]);
  assert.equal(marker.fromId, a.id);
  marker.setAway(false);
  assert.deepEqual(marker.arrived([msg(alice, NOON + 3, { own: true })]), [a.id]);
  assert.equal(marker.fromId, undefined);
});

test('unread marker after a rebuilt page (an editor tab shown again): "new" starts after the newest entry seen', () => {
  const marker = new UnreadMarker();
  const list = [msg(alice, NOON), msg(bob, NOON + 1), msg(alice, NOON + 2, { own: true }), msg(bob, NOON + 3)];
  marker.resume(list, list[1].id);
  assert.equal(marker.fromId, list[3].id, 'your own message after it is not unread; the next one is');
  marker.resume(list, list[3].id);
  assert.equal(marker.fromId, undefined, 'everything was seen');
  marker.resume(list, 'from-another-session');
  assert.equal(marker.fromId, undefined, 'an id not in the list marks nothing');
  marker.resume(list, undefined);
  assert.equal(marker.fromId, undefined, 'never seen anything: no divider (the first open)');
});

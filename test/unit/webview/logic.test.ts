// Pure webview logic: the windowed message list, name → colour, and the host's guard on webview input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListWindow } from '../../../webview/render/messages/listWindow';
import { NAME_PALETTE_SIZE, nameColorIndex } from '../../../webview/render/nameColor';
import { isWebviewToHost } from '../../../src/webviewApi';
import { thumbnailSize, THUMBNAIL_MAX_PIXELS } from '../../../webview/render/messages/thumbnail';

/** Replays window changes on an array of row indices, the way messageList.ts does on DOM rows. */
class FakeRows {
  rows: number[] = [];
  constructor(readonly win: ListWindow) {}
  /** The store dropped its oldest n entries: the same rows now have indices n lower. */
  shift(n: number): void {
    this.rows = this.rows.map((i) => i - n);
  }
  apply(change: ReturnType<ListWindow['append']>): void {
    const { start, end } = this.win;
    if (change.reset) {
      this.rows = range(start, end);
      return;
    }
    this.rows.splice(0, change.removeTop);
    this.rows.splice(this.rows.length - change.removeBottom, change.removeBottom);
    this.rows.unshift(...range(start, start + change.addTop));
    this.rows.push(...range(end - change.addBottom, end));
  }
}
const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

test('a 10,000-message chat keeps only the newest 300 rows in the DOM, appended one by one', () => {
  const win = new ListWindow(300, 100);
  const dom = new FakeRows(win);
  dom.apply(win.reset(0));
  for (let i = 0; i < 10_000; i++) dom.apply(win.append(1));
  assert.equal(dom.rows.length, 300);
  assert.deepEqual(dom.rows, range(9_700, 10_000));
  assert.equal(win.below, 0);
});

test('a snapshot shows the newest rows; scrolling up loads earlier ones and drops rows at the bottom', () => {
  const win = new ListWindow(300, 100);
  const dom = new FakeRows(win);
  dom.apply(win.reset(1_000));
  assert.deepEqual(dom.rows, range(700, 1_000));
  dom.apply(win.earlier());
  assert.deepEqual(dom.rows, range(600, 900));
  assert.equal(win.following, false);
  for (let i = 0; i < 10; i++) dom.apply(win.earlier());
  assert.deepEqual(dom.rows, range(0, 300), 'stops at the first message');
  assert.equal(win.hasEarlier, false);
  dom.apply(win.later());
  assert.deepEqual(dom.rows, range(100, 400));
});

test('while scrolled up, new messages do not move the window; "N newer" counts them; jumping back follows again', () => {
  const win = new ListWindow(300, 100);
  const dom = new FakeRows(win);
  dom.apply(win.reset(1_000));
  dom.apply(win.earlier());
  const before = [...dom.rows];
  dom.apply(win.append(5));
  assert.deepEqual(dom.rows, before);
  assert.equal(win.below, 105);
  dom.apply(win.toEnd());
  assert.deepEqual(dom.rows, range(705, 1_005));
  assert.equal(win.following, true);
  dom.apply(win.append(1));
  assert.deepEqual(dom.rows, range(706, 1_006));
});

test('a short chat scrolled up still shows new rows while the window has room', () => {
  const win = new ListWindow(300, 100);
  const dom = new FakeRows(win);
  dom.apply(win.reset(10));
  win.following = false;
  dom.apply(win.append(3));
  assert.deepEqual(dom.rows, range(0, 13));
});

test('dropping the oldest entries from memory shifts the window without losing visible rows', () => {
  const win = new ListWindow(300, 100);
  const dom = new FakeRows(win);
  dom.apply(win.reset(12_000));
  dom.shift(2_000);
  dom.apply(win.dropFront(2_000));
  assert.deepEqual(dom.rows, range(9_700, 10_000));
  // Scrolled all the way up into the part being dropped: the dropped rows leave the DOM.
  const up = new ListWindow(300, 100);
  const upDom = new FakeRows(up);
  upDom.apply(up.reset(1_000));
  for (let i = 0; i < 10; i++) upDom.apply(up.earlier());
  upDom.shift(50);
  upDom.apply(up.dropFront(50));
  assert.deepEqual(upDom.rows, range(0, 250));
});

test('every sender name gets a stable palette slot, case-insensitively, and names spread over the palette', () => {
  assert.equal(nameColorIndex('alice'), nameColorIndex('alice'));
  assert.equal(nameColorIndex('Alice'), nameColorIndex('alice'));
  const names = [
    'alice',
    'bob',
    'carol',
    'dave',
    'erin',
    'frank',
    'grace',
    'heidi',
    'ivan',
    'judy',
    'mallory',
    'niaj',
    'olivia',
    'peggy',
    'rupert',
    'sybil',
  ];
  const slots = new Set(names.map((n) => nameColorIndex(n)));
  for (const slot of slots) assert.ok(slot >= 0 && slot < NAME_PALETTE_SIZE);
  assert.ok(slots.size >= 5, `16 names should use most of the ${NAME_PALETTE_SIZE} colours, got ${slots.size}`);
  assert.throws(() => nameColorIndex('x', 0), RangeError);
});

test('the host accepts each well-formed webview message', () => {
  const good: unknown[] = [
    { type: 'ready' },
    { type: 'send', ref: 0, text: 'hello' },
    { type: 'send', ref: 7, text: '/msg bob hi' },
    { type: 'send', ref: 8, text: '', image: { name: 'a.png', mime: 'image/png', base64: 'iVBORw0KGgo=' } },
    { type: 'pickImage' },
    { type: 'attachUri', uri: 'file:///tmp/a.png' },
    { type: 'run', command: 'connect' },
    { type: 'openImage', id: 's12' },
    { type: 'openLogs' },
    { type: 'stop' },
    { type: 'admit' },
    { type: 'admit', peerId: 3 },
    { type: 'kick', peerId: 3 },
    { type: 'error', text: 'not an image' },
  ];
  for (const message of good) assert.equal(isWebviewToHost(message), true, JSON.stringify(message));
});

test('the host rejects malformed or unknown webview messages (webview input is untrusted)', () => {
  const bad: unknown[] = [
    null,
    'ready',
    42,
    [],
    {},
    { type: 'nope' },
    { type: 'READY' },
    { type: 'send' },
    { type: 'send', ref: 1, text: 5 },
    { type: 'send', ref: 1, text: '   ' },
    { type: 'send', ref: 1, text: 'x'.repeat(64 * 1024 + 1) },
    { type: 'send', text: 'hi' },
    { type: 'send', ref: -1, text: 'hi' },
    { type: 'send', ref: 1.5, text: 'hi' },
    { type: 'send', ref: '1', text: 'hi' },
    { type: 'send', ref: 1, text: 'hi', image: { name: 'a.png', mime: 'image/png', base64: 'not base64!' } },
    { type: 'send', ref: 1, text: 'hi', image: { name: 'a.png', mime: 'image/png', base64: 'abc' } },
    { type: 'send', ref: 1, text: 'hi', image: { name: 'a.png', mime: 'image/png', base64: [1, 2, 3] } },
    { type: 'run', command: 'workbench.action.terminal.new' },
    { type: 'openImage', id: '' },
    { type: 'openImage', id: { toString: () => 'x' } },
    { type: 'kick' },
    { type: 'kick', peerId: -1 },
    { type: 'kick', peerId: 1.5 },
    { type: 'kick', peerId: '1' },
    { type: 'admit', peerId: 'all' },
    { type: 'attachUri', uri: '' },
  ];
  for (const message of bad) assert.equal(isWebviewToHost(message), false, JSON.stringify(message));
});

test('thumbnails: sized from the declared width and height to fit 200 px; none inline for images over the display cap', () => {
  const image = (width?: number, height?: number) => ({ mime: 'image/png', size: 1, sizeText: '1 B', width, height });
  assert.equal(THUMBNAIL_MAX_PIXELS, 4096 * 4096);
  assert.deepEqual(thumbnailSize(image(640, 480)), { width: 200, height: 150 });
  assert.deepEqual(thumbnailSize(image(100, 300)), { width: 67, height: 200 });
  assert.deepEqual(thumbnailSize(image(100, 50)), { width: 100, height: 50 }, 'small images are not enlarged');
  assert.deepEqual(thumbnailSize(image(4096, 4096)), { width: 200, height: 200 });
  assert.deepEqual(thumbnailSize(image(12000, 1)), { width: 200, height: 1 });
  assert.equal(thumbnailSize(image(12000, 12000)), undefined, 'a 144-megapixel image is never decoded in the panel');
  assert.equal(thumbnailSize(image(5000, 4000)), undefined, '20 megapixels: over the display cap');
  assert.equal(thumbnailSize(image()), undefined, 'an unknown size is not decoded either');
});

test('the newest rows of the window are always drawn; older ones may go undrawn, also as new rows push them up', () => {
  const win = new ListWindow(300, 100, 60);
  win.reset(1_000);
  assert.equal(win.drawnFrom, 940, 'the newest 60 of rows 700..999');
  win.append(25);
  assert.deepEqual([win.start, win.end, win.drawnFrom], [725, 1_025, 965]);
  win.reset(40);
  assert.equal(win.drawnFrom, 0, 'a short chat: every row drawn');
  win.earlier();
  assert.equal(win.drawnFrom, 0);
});

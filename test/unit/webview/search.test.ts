// Search over the whole chat: it finds matches in entries far outside the 300 rows the DOM holds, in the pieces
// the rows show (text parts and code blocks), steps through them, and the list window moves to show one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryView, MessageView } from '../../../src/webviewApi';
import { ChatSearch, literalPattern, MAX_MATCHES, searchPieces } from '../../../webview/render/search/search';
import { ListWindow } from '../../../webview/render/messages/listWindow';
import { setStrings } from '../../../webview/strings';
import { webviewStrings } from '../../../src/vscode/panel/webviewStrings';

setStrings(webviewStrings()); // the English the host sends

const peer = { id: 1, name: 'Bob', address: '127.0.0.1:5000', kind: 'native' as const };
function message(i: number, text: string, extra: Partial<MessageView> = {}): EntryView {
  return {
    entry: 'message',
    id: `m${i}`,
    at: i,
    time: '12:00:00',
    from: peer,
    text,
    own: false,
    kind: 'text',
    ...extra,
  };
}
const chat = (n: number, say: (i: number) => string): EntryView[] =>
  Array.from({ length: n }, (_, i) => message(i, say(i)));

test('search finds a message thousands of rows above the DOM window, and the window moves to show it', () => {
  const entries = chat(10_000, (i) => (i === 42 ? 'the deploy key is in the vault' : `line ${i}`));
  const search = new ChatSearch();
  search.run(entries, 'DEPLOY KEY');
  assert.equal(search.matches.length, 1);
  assert.deepEqual(search.currentMatch, { id: 'm42', piece: 0, start: 4, end: 14 });
  assert.equal(search.label, '1 of 1');

  const win = new ListWindow(300, 100);
  win.reset(entries.length);
  assert.ok(win.start > 42, 'the message is outside the rows in the DOM');
  const change = win.around(42);
  assert.ok(win.start <= 42 && 42 < win.end, `window ${win.start}–${win.end} holds entry 42`);
  assert.ok(win.end - win.start <= 300);
  assert.equal(change.reset, true, 'far away: the rows are rendered afresh');
  assert.equal(win.following, false, 'new messages no longer scroll the view away from the match');
  win.around(9_999);
  assert.equal(win.end, 10_000);
  assert.equal(win.end - win.start, 300);
});

test('search starts at the newest match; stepping goes older and newer, wrapping around; counts occurrences', () => {
  const entries = chat(5, (i) => (i % 2 === 0 ? `ping ${i} ping` : 'pong'));
  const search = new ChatSearch();
  search.run(entries, 'ping');
  assert.equal(search.matches.length, 6);
  assert.equal(search.label, '6 of 6');
  assert.equal(search.step(-1)?.id, 'm4');
  assert.equal(search.label, '5 of 6');
  search.step(-1);
  assert.equal(search.step(-1)?.id, 'm2');
  assert.equal(search.step(1)?.id, 'm2'); // its second "ping"
  assert.equal(search.step(1)?.id, 'm4');
  search.step(1);
  assert.equal(search.label, '6 of 6');
  assert.equal(search.step(1)?.id, 'm0', 'past the newest it wraps to the oldest');
  assert.equal(search.step(-1)?.id, 'm4', 'and back');
  search.run(entries, 'nothing like this');
  assert.equal(search.label, 'No results');
  assert.equal(search.step(1), undefined);
  search.run(entries, '');
  assert.equal(search.label, '');
});

test('search takes the query literally (no pattern syntax) and ignores case', () => {
  const entries = chat(3, (i) => ['a.b*c (x)', 'aXbYc', 'A.B*C (X)'][i]);
  const search = new ChatSearch();
  search.run(entries, 'a.b*c (x)');
  assert.deepEqual(
    search.matches.map((m) => m.id),
    ['m0', 'm2'],
  );
  assert.ok(literalPattern('[') instanceof RegExp, 'a lone bracket is just a character');
  search.run(entries, '\\');
  assert.equal(search.matches.length, 0);
});

test('search looks in what the row shows: text parts and fenced code as separate pieces, code messages, notices', () => {
  const fenced = message(0, 'before\n```ts\nconst needle = 1;\n```\nafter needle');
  assert.deepEqual(searchPieces(fenced), ['before', 'const needle = 1;', 'after needle']);
  const code = message(1, 'let needle;', { kind: 'code', code: { language: 'typescript', file: 'a.ts', line: 3 } });
  const notice: EntryView = {
    entry: 'notice',
    id: 'n2',
    at: 2,
    time: '12:00:00',
    level: 'info',
    text: 'needle joined',
  };
  const search = new ChatSearch();
  search.run([fenced, code, notice], 'needle');
  assert.deepEqual(
    search.matches.map((m) => [m.id, m.piece, m.start]),
    [
      ['m0', 1, 6],
      ['m0', 2, 6],
      ['m1', 0, 4],
      ['n2', 0, 0],
    ],
  );
});

test('search: new messages add their matches without moving the current one; the count stops at its cap', () => {
  const search = new ChatSearch();
  search.run(
    chat(3, () => 'hit'),
    'hit',
  );
  search.step(-1);
  search.appended([message(10, 'another hit')]);
  assert.equal(search.matches.length, 4);
  assert.equal(search.label, '2 of 4');
  search.run(
    chat(MAX_MATCHES + 50, () => 'x'),
    'x',
  );
  assert.equal(search.matches.length, MAX_MATCHES);
  assert.equal(search.label, `${MAX_MATCHES} of ${MAX_MATCHES}+`);
});

// The host's pure modules speak through panel/l10n.ts: English with placeholders filled until the extension hands
// in vscode.l10n, then whatever it translates — the status text, the one roster count and the webview's table.
// A count goes into a sentence through `plural`: a whole message for one, another for any other count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { l10n, plural, useL10n, type L10n } from '../../../src/vscode/panel/l10n';
import { rosterCounts, statusText } from '../../../src/vscode/panel/viewModel';
import { webviewStrings } from '../../../src/vscode/panel/webviewStrings';
import { plural as webviewPlural, setStrings } from '../../../webview/strings';

const peer = (id: number, name: string) => ({ id, name, address: `10.0.0.${id}:1`, kind: 'native' as const });
const roster = { seats: 1, active: [peer(1, 'ann'), peer(2, 'bob')], waiting: [peer(3, 'cy')], connections: 3 };

test('without a translator: English, placeholders filled, a missing argument left as written', () => {
  assert.equal(l10n.t('{0} chatting · {1} waiting', 2, 1), '2 chatting · 1 waiting');
  assert.equal(l10n.t('#{0} in line'), '#{0} in line');
  assert.equal(statusText('server', 'listening', 65432, roster, null), 'serving :65432 · 2 chatting · 1 waiting');
});

test('with a translator: the status bar text, the roster count and the webview table all go through it', (t) => {
  const seen: string[] = [];
  const shouting: L10n = {
    t: (message, ...args) => {
      seen.push(message);
      return message.toUpperCase().replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? `{${i}}`));
    },
  };
  useL10n(shouting);
  t.after(() => useL10n());
  assert.equal(rosterCounts(roster).text, '2 CHATTING · 1 WAITING');
  assert.equal(statusText('client', 'waiting', undefined, roster, 2), '#2 IN LINE');
  assert.equal(webviewStrings().actionKick, 'KICK {0}', 'the webview fills the placeholder itself');
  assert.ok(seen.includes('Kick {0}'), 'the English source text is what gets translated');
});

test('plural: the message for one at exactly 1, the message for any other count (0 included) otherwise', () => {
  for (const [n, expected] of [
    [0, '0 seats'],
    [1, '1 seat'],
    [2, '2 seats'],
    [21, '21 seats'],
  ] as const)
    assert.equal(plural(n, l10n.t('1 seat'), l10n.t('{0} seats', n)), expected);
});

test('counts in the status bar and the roster chip say "1 chatting"/"1 waiting" with their own messages', (t) => {
  const one = { seats: 1, active: [peer(1, 'ann')], waiting: [peer(3, 'cy')], connections: 2 };
  assert.equal(rosterCounts(one).text, '1 chatting · 1 waiting');
  assert.equal(rosterCounts({ ...one, waiting: [] }).text, '1 chatting');
  assert.equal(statusText('server', 'listening', 65432, { ...one, waiting: [] }, null), 'serving :65432 · 1 chatting');

  // A translator gets each form as a whole message of its own, and never an English 's' glued on.
  const seen: string[] = [];
  useL10n({
    t: (message, ...args) => (
      seen.push(message),
      message.replace(/\{(\d+)\}/g, (_, i: string) => `<${args[Number(i)]}>`)
    ),
  });
  t.after(() => useL10n());
  assert.equal(rosterCounts(one).text, '<1 chatting> · <1 waiting>');
  assert.equal(rosterCounts(roster).text, '<<2> chatting> · <1 waiting>');
  assert.ok(
    ['1 chatting', '{0} chatting', '1 waiting', '{0} waiting'].every((m) => seen.includes(m)),
    seen.join(' | '),
  );
});

test("the webview's table carries both forms of each count; the webview picks one and fills the count", () => {
  const strings = webviewStrings();
  setStrings(strings);
  assert.equal(webviewPlural(1, 'rosterSeat', 'rosterSeats'), '1 seat');
  assert.equal(webviewPlural(12, 'rosterSeat', 'rosterSeats'), '12 seats');
  assert.equal(webviewPlural(1, 'rosterConnection', 'rosterConnections'), '1 connection');
  assert.equal(webviewPlural(3, 'rosterConnection', 'rosterConnections'), '3 connections');
  assert.equal(webviewPlural(1, 'listNewerOne', 'listNewer'), '↓ 1 newer message');
  assert.equal(webviewPlural(7, 'listNewerOne', 'listNewer'), '↓ 7 newer messages');
});

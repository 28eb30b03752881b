// The host's pure modules speak through panel/l10n.ts: English with placeholders filled until the extension hands
// in vscode.l10n, then whatever it translates — the status text, the one roster count and the webview's table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { l10n, useL10n, type L10n } from '../../../src/vscode/panel/l10n';
import { rosterCounts, statusText } from '../../../src/vscode/panel/viewModel';
import { webviewStrings } from '../../../src/vscode/panel/webviewStrings';

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

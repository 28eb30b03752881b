// The webview's UI text comes from the host (src/vscode/panel/webviewStrings.ts, through vscode.l10n.t): every
// key has English, the webview fills placeholders the way vscode.l10n.t does, and the manifest's %keys% all
// resolve in package.nls.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { webviewStrings } from '../../../src/vscode/panel/webviewStrings';
import { fillPlaceholders } from '../../../webview/strings';
import { privateMessagePrefix, withPrefix } from '../../../webview/render/draftText';

const english = webviewStrings(); // no vscode.l10n handed in: English

test('every webview string has English text, and the roster buttons name what they do and whom', () => {
  for (const [key, text] of Object.entries(english)) assert.ok(text.trim(), `${key} is empty`);
  assert.equal(fillPlaceholders(english.actionKick, ['Bob']), 'Kick Bob');
  assert.equal(fillPlaceholders(english.actionBan, ['Bob']), 'Ban Bob');
  assert.equal(fillPlaceholders(english.actionAdmit, ['Bob']), 'Admit Bob');
  assert.equal(fillPlaceholders(english.actionMessage, ['Bob']), 'Message Bob privately');
});

test('placeholders: {N} is replaced by the Nth argument, a missing one stays as written', () => {
  assert.equal(fillPlaceholders('{0} to {1} (private): {2}', ['ann', 'bob', 'hi {0}']), 'ann to bob (private): hi {0}');
  assert.equal(fillPlaceholders('#{0} of {1}', [2]), '#2 of {1}');
});

test('the webview source holds no English UI text of its own: every text goes through t()', () => {
  // Text content and accessible names are set in a few ways; each must take a t() result, never a literal.
  const files = [
    'webview/main.ts',
    ...readdirSync('webview/render', { recursive: true }).map((name) => join('webview/render', String(name))),
  ];
  const literal = /(aria-label',|\.title =|textContent =|placeholder =|el\('[a-z0-9]+', '[^']*', )\s*['`][A-Za-z]/;
  for (const file of files.filter((f) => f.endsWith('.ts'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => assert.doesNotMatch(line, literal, `${file}:${i + 1} hard-codes text: ${line.trim()}`));
  }
});

test('Message privately addresses the member as /msg does: quoted when the name has spaces', () => {
  assert.equal(privateMessagePrefix('bob'), '/msg bob ');
  assert.equal(privateMessagePrefix('Ann Lee'), '/msg "Ann Lee" ');
  assert.equal(withPrefix('see you', '/msg bob '), '/msg bob see you');
  assert.equal(withPrefix('/msg "Ann Lee" see you', '/msg bob '), '/msg bob see you', 'the recipient changes');
});

test('every %key% in package.json has its English in package.nls.json, and no key there is unused', () => {
  const manifest = readFileSync('package.json', 'utf8');
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
  const used = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
  assert.ok(used.size > 20, `package.json uses ${used.size} placeholders`);
  for (const key of used) assert.ok(nls[key]?.trim(), `package.nls.json has no text for %${key}%`);
  for (const key of Object.keys(nls)) assert.ok(used.has(key), `package.nls.json's ${key} is not used`);
  assert.equal(JSON.parse(manifest).l10n, './l10n', 'package.json points VS Code at the l10n bundles');
});

/** Every `l10n.t('…')` message in the extension's sources. */
function sourceMessages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceMessages(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(path, 'utf8').matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]);
  });
}

test("l10n/bundle.l10n.json (the translators' source) holds exactly the messages the extension passes to l10n.t", () => {
  const bundle = JSON.parse(readFileSync('l10n/bundle.l10n.json', 'utf8')) as Record<string, string>;
  const messages = new Set(sourceMessages('src/vscode'));
  for (const message of messages) assert.equal(bundle[message], message, `the bundle lacks “${message}”`);
  for (const key of Object.keys(bundle)) assert.ok(messages.has(key), `the bundle's “${key}” is not used`);
});

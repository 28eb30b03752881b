import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, Peer } from '../../../../src/chat/core/events';
import { clock, escapeControl, formatLine, formatNotice } from '../../../../src/chat/core/format';

// Local-time instants, so the expected clock text holds in any time zone.
const AT = new Date(2026, 10, 22, 9, 5, 7).getTime();
const ann: Peer = { id: 1, name: 'ann', address: '127.0.0.1:50001', kind: 'native' };
const bob: Peer = { id: 2, name: 'bob', address: '127.0.0.1:50002', kind: 'plain' };

function message(overrides: Partial<ChatMessage>): ChatMessage {
  return { id: 'm1', at: AT, from: ann, text: 'hello', own: false, ...overrides };
}

test('clock shows local HH:MM:SS with leading zeros', () => {
  assert.equal(clock(AT), '09:05:07');
  assert.equal(clock(new Date(2026, 0, 1, 23, 59, 59).getTime()), '23:59:59');
  assert.equal(clock(new Date(2026, 0, 1, 0, 0, 0).getTime()), '00:00:00');
});

test('clock is right for instants in the same second, the next one, and earlier ones (it keeps the last second)', () => {
  assert.equal(clock(AT + 999), '09:05:07');
  assert.equal(clock(AT + 1000), '09:05:08');
  assert.equal(clock(AT + 1001), '09:05:08');
  assert.equal(clock(AT - 1), '09:05:06');
  assert.equal(clock(AT), '09:05:07');
  assert.equal(clock(new Date(2026, 10, 22, 9, 5, 7).getTime() + 3_600_000), '10:05:07');
});

test('escapeControl shows ANSI escapes, C0, DEL and C1 controls instead of passing them through', () => {
  assert.equal(escapeControl('\x1b[2J\x1b[31mred'), '\\x1b[2J\\x1b[31mred');
  assert.equal(escapeControl('bell\x07 nul\x00 del\x7f'), 'bell\\x07 nul\\x00 del\\x7f');
  assert.equal(escapeControl('csi\u009b31m nel\u0085'), 'csi\\x9b31m nel\\x85');
  assert.equal(escapeControl('back\bspace\rover'), 'back\\x08space\\rover');
  assert.equal(escapeControl('bidi \u202euser\u2066 sep\u2028'), 'bidi \\u202euser\\u2066 sep\\n');
});

test('escapeControl shows the Unicode line and paragraph separators as one short \\n, never longer than they came', () => {
  for (const keepNewlines of [false, true]) {
    const shown = escapeControl('a\u2028b\u2029c', { keepNewlines });
    assert.equal(shown, 'a\\nb\\nc');
    assert.ok(Buffer.byteLength(shown) < Buffer.byteLength('a\u2028b\u2029c'), 'shorter than the 3 bytes each took');
  }
});

test('escapeControl keeps newlines and tabs only when asked; CRLF becomes LF', () => {
  assert.equal(escapeControl('a\nb\tc'), 'a\\nb\\tc');
  assert.equal(escapeControl('a\r\nb\tc\rd', { keepNewlines: true }), 'a\nb\tc\\rd');
  assert.equal(escapeControl('a\n\x1bb', { keepNewlines: true }), 'a\n\\x1bb');
});

test('escapeControl leaves ordinary text, including non-Latin scripts and emoji, untouched', () => {
  const text = 'Grüße, 你好, привет, مرحبا 👋 <b>&amp;</b> \\x1b';
  assert.equal(escapeControl(text), text);
});

test('formatLine: a public message', () => {
  assert.equal(formatLine(message({})), '[09:05:07] ann: hello');
});

test('formatLine: private messages show the direction', () => {
  assert.equal(formatLine(message({ to: bob })), '[09:05:07] ann → you: hello');
  assert.equal(formatLine(message({ from: bob, to: ann, own: true })), '[09:05:07] you → ann: hello');
});

test('formatLine: images add size and type, with or without text', () => {
  const bytes = Buffer.alloc(12595);
  assert.equal(
    formatLine(message({ image: { mime: 'image/png', bytes } })),
    '[09:05:07] ann: hello [image: 12.3 KB PNG]',
  );
  assert.equal(
    formatLine(message({ text: '', image: { mime: 'image/jpeg', bytes } })),
    '[09:05:07] ann: [image: 12.3 KB JPEG]',
  );
});

test('formatLine: an image whose bytes were dropped still shows its recorded size', () => {
  const view = { ...message({}), image: { mime: 'image/gif' as const, size: 2048, savedPath: '/tmp/x.gif' } };
  assert.equal(formatLine(view), '[09:05:07] ann: hello [image: 2 KB GIF]');
});

test('formatLine: code goes on the following, indented lines with language and place', () => {
  const line = formatLine(
    message({ text: 'const a = 1;\n  return a;', code: { language: 'typescript', file: 'src/a.ts', line: 12 } }),
  );
  assert.equal(
    line,
    '[09:05:07] ann: [code: typescript, src/a.ts:12]\n           const a = 1;\n             return a;',
  );
  assert.equal(
    formatLine(message({ text: 'x', code: { language: 'python' } })),
    '[09:05:07] ann: [code: python]\n           x',
  );
});

test('formatLine: multi-line text cannot fake a line from someone else', () => {
  const line = formatLine(message({ text: 'hi\n[09:05:08] bob: I owe ann $100' }));
  assert.equal(line, '[09:05:07] ann: hi\n           [09:05:08] bob: I owe ann $100');
  for (const extra of line.split('\n').slice(1)) assert.ok(extra.startsWith(' '), 'continuation lines are indented');
});

test('formatLine escapes control characters in text and names', () => {
  const line = formatLine(message({ from: { ...ann, name: 'a\x1b[2Jb' }, text: '\x1b[31mred\x07' }));
  assert.equal(line, '[09:05:07] a\\x1b[2Jb: \\x1b[31mred\\x07');
  assert.doesNotMatch(line, /[\x00-\x08\x0b-\x1f\x7f]/);
});

test('formatNotice marks info/system with * and errors with !', () => {
  assert.equal(formatNotice({ at: AT, level: 'info', text: 'bob joined' }), '[09:05:07] * bob joined');
  assert.equal(
    formatNotice({ at: AT, level: 'system', text: 'You are #2 in line' }),
    '[09:05:07] * You are #2 in line',
  );
  assert.equal(formatNotice({ at: AT, level: 'error', text: 'Not allowed', code: 'x' }), '[09:05:07] ! Not allowed');
  assert.equal(
    formatNotice({ at: AT, level: 'info', text: 'Active: a\nWaiting: b\x1b' }),
    '[09:05:07] * Active: a\n           Waiting: b\\x1b',
  );
});

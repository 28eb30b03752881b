// LineSplitter: bytes → lines for nc, telnet and the classic threaded broadcast room's client (no newline: lines end
// with a pause).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, plainBytes, plainMessage } from '../../../../src/chat/wire/plainText';
import { delay, waitFor } from '../../support/helpers';

function splitter(options: { pauseMs?: number; maxLineBytes?: number } = {}) {
  const lines: string[] = [];
  const cuts: number[] = [];
  const s = new LineSplitter({ ...options, onLine: (l) => lines.push(l), onOverlong: (m) => cuts.push(m) });
  return { s, lines, cuts };
}

test('\\n, \\r\\n, \\r and telnet \\r\\0 all end a line, even when split across chunks', () => {
  const { s, lines } = splitter();
  s.push(Buffer.from('one\ntwo\r'));
  s.push(Buffer.from('\nthree\rfour\r\0five'));
  s.push(Buffer.from('\r\n\n'));
  assert.deepEqual(lines, ['one', 'two', 'three', 'four', 'five', '']);
});

test('a line split at every byte boundary comes out whole (multi-byte UTF-8 too)', () => {
  const text = 'héllo → 世界 🎉\r\nnext\n';
  const bytes = Buffer.from(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { s, lines } = splitter();
    s.push(bytes.subarray(0, cut));
    s.push(bytes.subarray(cut));
    assert.deepEqual(lines, ['héllo → 世界 🎉', 'next'], `cut at ${cut}`);
  }
});

test('telnet IAC negotiation is stripped (WILL/DO options, subnegotiation, IAC IAC)', () => {
  const { s, lines } = splitter();
  const iac = Buffer.from([0xff, 0xfb, 0x18, 0xff, 0xfd, 0x01]); // IAC WILL TERMINAL-TYPE, IAC DO ECHO
  const sb = Buffer.from([0xff, 0xfa, 0x18, 0x00, 0x41, 0x4e, 0x53, 0x49, 0xff, 0xf0]); // IAC SB … IAC SE
  s.push(
    Buffer.concat([iac, Buffer.from('he'), sb, Buffer.from('llo'), Buffer.from([0xff, 0xff]), Buffer.from('!\r\n')]),
  );
  // A sequence split across chunks.
  s.push(Buffer.from([0x61, 0xff]));
  s.push(Buffer.from([0xfd]));
  s.push(Buffer.from([0x03, 0x62, 0x0a]));
  assert.deepEqual(lines, ['hello!', 'ab']);
});

test('without a newline, a pause ends the line (as the classic broadcast room client sends)', async () => {
  const { s, lines } = splitter({ pauseMs: 30 });
  s.push(Buffer.from('hel'));
  s.push(Buffer.from('lo'));
  assert.deepEqual(lines, []);
  await waitFor(() => lines.length === 1, 'the pause to end the line', 1000);
  assert.deepEqual(lines, ['hello']);
  s.push(Buffer.from('second'));
  await waitFor(() => lines.length === 2, 'the second line', 1000);
  assert.equal(lines[1], 'second');
  s.push(Buffer.from('with newline\n'));
  await delay(60);
  assert.deepEqual(lines, ['hello', 'second', 'with newline'], 'no extra empty line after a newline-terminated one');
  s.dispose();
});

test('invalid UTF-8 becomes U+FFFD', () => {
  const { s, lines } = splitter();
  s.push(Buffer.from([0x61, 0xc3, 0x28, 0x62, 0x0a]));
  assert.deepEqual(lines, ['a\ufffd(b']);
});

test('a line over the limit is cut at a character boundary, the rest dropped until the line ends', () => {
  const { s, lines, cuts } = splitter({ maxLineBytes: 64 });
  s.push(Buffer.from('é'.repeat(40))); // 80 bytes
  s.push(Buffer.from('more of the same line\nnext\n'));
  assert.equal(lines.length, 2);
  assert.equal(lines[0], 'é'.repeat(32));
  assert.equal(lines[1], 'next');
  assert.deepEqual(cuts, [64]);
});

test('flush() delivers the unfinished line; dispose() stops everything', async () => {
  const { s, lines } = splitter({ pauseMs: 20 });
  s.push(Buffer.from('last words'));
  s.flush();
  assert.deepEqual(lines, ['last words']);
  s.push(Buffer.from('never'));
  s.dispose();
  await delay(50);
  assert.deepEqual(lines, ['last words']);
});

test('output lines end with CRLF; message and image lines are formatted and escaped', () => {
  assert.equal(plainBytes('a\nb').toString(), 'a\r\nb\r\n');
  const at = new Date(2026, 0, 1, 9, 5, 7).getTime();
  const from = { name: 'Eve\u001b[2J' };
  assert.equal(
    plainMessage({ at, from, own: false, text: 'hi\u0007' }).toString(),
    '[09:05:07] Eve\\x1b[2J: hi\\x07\r\n',
  );
  const image = { mime: 'image/png' as const, size: 2048 };
  assert.equal(
    plainMessage({ at, from: { name: 'Al' }, own: false, text: '', image }).toString(),
    '[09:05:07] Al sent an image (2 KB PNG) — open TCP Chat to see it\r\n',
  );
  assert.equal(
    plainMessage({ at, from: { name: 'Al' }, own: false, text: 'cap', image }).toString(),
    '[09:05:07] Al: cap\r\n[09:05:07] Al sent an image (2 KB PNG) — open TCP Chat to see it\r\n',
  );
});

test('pauseOnlyUntilNewline: after a newline (or a telnet command) pauses no longer end lines', async () => {
  const lines: string[] = [];
  const s = new LineSplitter({ pauseMs: 20, pauseOnlyUntilNewline: true, onLine: (l) => lines.push(l) });
  s.push(Buffer.from('no newline'));
  await waitFor(() => lines.length === 1, 'the pause-ended line', 1000);
  s.push(Buffer.from('now with newline\n'));
  s.push(Buffer.from('typed slo'));
  await delay(60);
  s.push(Buffer.from('wly\r\n'));
  assert.deepEqual(lines, ['no newline', 'now with newline', 'typed slowly']);
  const telnet: string[] = [];
  const t = new LineSplitter({ pauseMs: 20, pauseOnlyUntilNewline: true, onLine: (l) => telnet.push(l) });
  t.push(Buffer.from([0xff, 0xfb, 0x1f])); // IAC WILL NAWS: a telnet client
  for (const c of 'Bob') {
    t.push(Buffer.from(c));
    await delay(40);
  }
  t.push(Buffer.from('\r\n'));
  assert.deepEqual(telnet, ['Bob']);
  s.dispose();
  t.dispose();
});

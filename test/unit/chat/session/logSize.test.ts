// How large a chat log may grow: it stops at its size limit with one last line saying so (and one notice), the
// chat going on; and escaping never makes a peer's text take more room in the log than a short escape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChatMessage, Notice, Peer } from '../../../../src/chat/core/events';
import { ChatError } from '../../../../src/chat/core/errors';
import { ChatSession } from '../../../../src/chat/session/chatSession';
import { Transcript } from '../../../../src/chat/session/transcript';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, startServer, TINY_PNG, waitFor } from '../../support/helpers';

const AT = new Date(2026, 10, 22, 14, 23, 10).getTime();
const ann: Peer = { id: 1, name: 'ann', address: '127.0.0.1:50001', kind: 'native' };
const STOPPED =
  /^\[\d\d:\d\d:\d\d\] \[SYSTEM\] The chat log stops here: it reached its limit of 4 KB for this session\. The chat goes on; later messages are not logged\.$/;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-log-size-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function message(text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: 'm', at: AT, from: ann, text, own: false, ...extra };
}

function logLines(transcript: Transcript): string[] {
  return fs.readFileSync(transcript.logFile, 'utf8').split('\n').slice(0, -1);
}

test('the log stops at maxLogBytes: one last line says why, log-quota is thrown once, later records are dropped', (t) => {
  assert.equal(Transcript.open(tempDir(t), { now: AT }).maxLogBytes, 100 * 1024 * 1024, 'default 100 MiB');
  const transcript = Transcript.open(tempDir(t), { now: AT, maxLogBytes: 4096 });
  const line = 'x'.repeat(100);
  const quotaErrors: ChatError[] = [];
  for (let i = 0; i < 100; i++) {
    const record = () =>
      i % 10 === 0
        ? transcript.recordNotice({ at: AT, level: 'info', text: `notice ${i}` })
        : transcript.recordMessage(message(`${i} ${line}`));
    try {
      record();
    } catch (error) {
      assert.ok(error instanceof ChatError, String(error));
      quotaErrors.push(error);
    }
  }
  assert.equal(quotaErrors.length, 1, 'one error, at the first line that did not fit');
  assert.equal(quotaErrors[0].code, 'log-quota');
  assert.match(
    quotaErrors[0].message,
    /^The chat log reached its limit of 4 KB for this session and stopped: .*chat_log_\d{8}_\d{6}\.txt\. The chat goes on\.$/,
  );
  const size = fs.statSync(transcript.logFile).size;
  assert.ok(size <= 4096, `the log stays within its limit (${size} bytes)`);
  assert.ok(size > 4096 - 300, `and uses most of it (${size} bytes)`);
  const lines = logLines(transcript);
  assert.match(lines[lines.length - 1], STOPPED);
  assert.equal(lines.filter((l) => STOPPED.test(l)).length, 1);
  assert.match(
    lines[lines.length - 2],
    /^\[14:23:10\] (ann \(127\.0\.0\.1:50001\): \d+ x{100}|\[INFO\] notice \d+)$/,
    'whole lines only',
  );
  transcript.recordMessage(message('still chatting', { image: { mime: 'image/png', bytes: TINY_PNG } }));
  assert.equal(fs.statSync(transcript.logFile).size, size, 'nothing more is written');
  assert.deepEqual(
    fs.readdirSync(transcript.dir).filter((f) => f.startsWith('img_')),
    [],
    'nor images saved: the log cannot say they were',
  );
});

test('an image saved for a line that no longer fits is removed again', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT, maxLogBytes: 1024 });
  transcript.recordMessage(message('y'.repeat(700)));
  const withImage = message('z'.repeat(200), { image: { mime: 'image/png', bytes: TINY_PNG } });
  assert.throws(() => transcript.recordMessage(withImage), { code: 'log-quota' });
  assert.equal(withImage.image?.savedPath, undefined);
  assert.deepEqual(
    fs.readdirSync(transcript.dir).filter((f) => f.startsWith('img_')),
    [],
  );
  assert.equal(transcript.savedImageBytes, 0);
});

test('maxLogBytes must leave room for the line saying the log stopped', (t) => {
  for (const bad of [0, 100, 1.5, -1, Number.NaN]) {
    assert.throws(
      () => Transcript.open(tempDir(t), { maxLogBytes: bad }),
      (e: unknown) =>
        e instanceof ChatError &&
        e.code === 'bad-option' &&
        /size limit must be a whole number of bytes ≥ 1024/.test(e.message),
    );
  }
});

test(
  'a peer flooding the host under the rate limit: the log stops at its limit with ONE notice; the chat goes on',
  { timeout: 20_000 },
  async (t) => {
    const { server, port } = await startServer({ name: 'Host', rateLimit: false });
    const transcript = Transcript.open(tempDir(t), { maxLogBytes: 64 * 1024 });
    const session = new ChatSession(server, { transcript });
    t.after(() => session.close());
    const notices: Notice[] = [];
    const texts: string[] = [];
    session.on('notice', (n) => notices.push(n));
    session.on('message', (m) => texts.push(m.text));
    const flood = await RawNativeClient.join(port, 'Flood');
    const bob = await RawNativeClient.join(port, 'Bob');
    t.after(() => {
      flood.close();
      bob.close();
    });
    const payload = '\u2028'.repeat(1000); // the character that took the most room when escaped
    for (let i = 0; i < 60; i++) flood.say(`${i} ${payload}`);
    await waitFor(() => texts.includes(`59 ${payload}`), 'every flood line at the host', 10_000);
    bob.say('are we still chatting?');
    await waitFor(() => texts.includes('are we still chatting?'), "Bob's line at the host");
    const quota = notices.filter((n) => n.code === 'log-quota');
    assert.equal(quota.length, 1, `one log-quota notice: ${JSON.stringify(quota)}`);
    assert.equal(quota[0].level, 'error');
    assert.match(quota[0].text, /^The chat log reached its limit of 64 KB for this session and stopped/);
    const size = fs.statSync(transcript.logFile).size;
    assert.ok(size <= 64 * 1024, `the log stayed within its limit (${size} bytes)`);
    const lines = logLines(transcript);
    assert.match(lines[lines.length - 1], /\[SYSTEM\] The chat log stops here: it reached its limit of 64 KB/);
    await session.send({ text: 'the host still talks' });
    await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'the host still talks');
    assert.ok(session.history.some((e) => e.kind === 'message' && e.message.text === 'the host still talks'));
    assert.equal(fs.statSync(transcript.logFile).size, size, 'and the log stays stopped');
  },
);

test('U+2028 and U+2029 from a peer are logged as one short escape each, not six bytes for three', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  transcript.recordMessage(message('a\u2028b\u2029c', { from: { ...ann, name: 'ann\u2028' } }));
  assert.deepEqual(logLines(transcript), ['[14:23:10] ann\\n (127.0.0.1:50001): a\\nb\\nc']);
  const flood = '\u2028'.repeat(1000);
  transcript.recordMessage(message(flood));
  const logged = logLines(transcript)[1];
  assert.ok(Buffer.byteLength(logged) < Buffer.byteLength(flood), 'the log line is shorter than what was sent');
});

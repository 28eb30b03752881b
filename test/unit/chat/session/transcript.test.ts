import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChatMessage, Peer } from '../../../../src/chat/core/events';
import { ChatError } from '../../../../src/chat/core/errors';
import { setDiagnosticSink } from '../../../../src/chat/core/diagnostics';
import { Transcript } from '../../../../src/chat/session/transcript';

const AT = new Date(2026, 10, 22, 14, 23, 10).getTime();
const ann: Peer = { id: 1, name: 'ann', address: '127.0.0.1:50001', kind: 'native' };
const host: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-transcript-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function message(overrides: Partial<ChatMessage>): ChatMessage {
  return { id: 'm', at: AT, from: ann, text: 'hi', own: false, ...overrides };
}

function logLines(transcript: Transcript): string[] {
  return fs.readFileSync(transcript.logFile, 'utf8').split('\n').slice(0, -1);
}

function isLogFailed(pattern: RegExp) {
  return (error: unknown) => error instanceof ChatError && error.code === 'log-failed' && pattern.test(error.message);
}

test('open creates the folder and chat_log_YYYYMMDD_HHMMSS.txt; a second log in the same second gets _2, _3', (t) => {
  const dir = path.join(tempDir(t), 'nested', 'chat_logs');
  const first = Transcript.open(dir, { now: AT });
  const second = Transcript.open(dir, { now: AT });
  const third = Transcript.open(dir, { now: AT });
  assert.equal(first.dir, dir);
  assert.equal(first.logFile, path.join(dir, 'chat_log_20261122_142310.txt'));
  assert.equal(second.logFile, path.join(dir, 'chat_log_20261122_142310_2.txt'));
  assert.equal(third.logFile, path.join(dir, 'chat_log_20261122_142310_3.txt'));
  assert.equal(fs.readFileSync(first.logFile, 'utf8'), '');
});

test('messages and notices are appended in order, one attributable line each', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  transcript.recordNotice({ at: AT, level: 'system', text: 'Listening on 127.0.0.1:65432' });
  transcript.recordMessage(message({ text: 'hello everyone' }));
  transcript.recordNotice({ at: AT + 1000, level: 'info', text: 'bob joined' });
  transcript.recordMessage(message({ at: AT + 2000, from: host, own: true, text: 'welcome' }));
  transcript.recordMessage(message({ at: AT + 3000, to: host, text: 'psst' }));
  transcript.recordNotice({ at: AT + 4000, level: 'error', text: 'bob sent too many messages' });
  assert.deepEqual(logLines(transcript), [
    '[14:23:10] [SYSTEM] Listening on 127.0.0.1:65432',
    '[14:23:10] ann (127.0.0.1:50001): hello everyone',
    '[14:23:11] [INFO] bob joined',
    '[14:23:12] Server (host): welcome',
    '[14:23:13] ann (127.0.0.1:50001) → Server (host) [private]: psst',
    '[14:23:14] [ERROR] bob sent too many messages',
  ]);
});

test('multi-line text and code: continuation lines are indented, control characters escaped', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  transcript.recordMessage(message({ text: 'line one\n[14:23:11] Server (host): fake\x1b[2J' }));
  transcript.recordMessage(
    message({ text: 'let x = 1;\nx++;', code: { language: 'javascript', file: 'a.js', line: 3 } }),
  );
  transcript.recordNotice({ at: AT, level: 'info', text: 'Active: ann\nWaiting: bob' });
  assert.deepEqual(logLines(transcript), [
    '[14:23:10] ann (127.0.0.1:50001): line one',
    '           [14:23:11] Server (host): fake\\x1b[2J',
    '[14:23:10] ann (127.0.0.1:50001): [code: javascript, a.js:3]',
    '           let x = 1;',
    '           x++;',
    '[14:23:10] [INFO] Active: ann',
    '           Waiting: bob',
  ]);
});

test('images are saved byte-identical beside the log under an engine-made name, and the line names the file', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  const first = message({ text: 'look', image: { mime: 'image/png', bytes: PNG } });
  const second = message({ text: '', image: { mime: 'image/png', bytes: PNG } });
  transcript.recordMessage(first);
  transcript.recordMessage(second);
  assert.equal(first.image!.savedPath, path.join(transcript.dir, 'img_142310_1_ann.png'));
  assert.equal(second.image!.savedPath, path.join(transcript.dir, 'img_142310_2_ann.png'));
  assert.ok(fs.readFileSync(first.image!.savedPath!).equals(PNG), 'saved bytes equal the received bytes');
  assert.deepEqual(logLines(transcript), [
    '[14:23:10] ann (127.0.0.1:50001): look [image saved: img_142310_1_ann.png]',
    '[14:23:10] ann (127.0.0.1:50001): [image saved: img_142310_2_ann.png]',
  ]);
});

test('the image extension follows the bytes, not the claimed type; an existing file is never overwritten', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  const squatter = path.join(transcript.dir, 'img_142310_1_ann.png');
  fs.writeFileSync(squatter, 'keep me');
  const liar = message({ image: { mime: 'image/jpeg', bytes: PNG } });
  transcript.recordMessage(liar);
  assert.equal(path.basename(liar.image!.savedPath!), 'img_142310_2_ann.png');
  assert.equal(fs.readFileSync(squatter, 'utf8'), 'keep me');
  const notAnImage = message({ image: { mime: 'image/png', bytes: Buffer.from('#!/bin/sh\nrm -rf /\n') } });
  transcript.recordMessage(notAnImage);
  assert.match(path.basename(notAnImage.image!.savedPath!), /^img_142310_3_ann\.bin$/);
});

test('sender names from the wire cannot escape the folder or pick the file name', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  const names = ['../../etc/passwd', '..', 'C:\\Windows\\evil', '/abs/path.png', '\x1b[31m', '', '小明 ✨ x.exe'];
  const saved = names.map((name) => {
    const msg = message({ from: { ...ann, name }, image: { mime: 'image/png', bytes: PNG } });
    transcript.recordMessage(msg);
    return msg.image!.savedPath!;
  });
  for (const file of saved) {
    assert.equal(path.dirname(file), transcript.dir);
    assert.match(path.basename(file), /^img_142310_\d+_[\p{L}\p{N}_-]+\.png$/u);
  }
  assert.deepEqual(
    saved.map((f) => path.basename(f)),
    [
      'img_142310_1_etc_passwd.png',
      'img_142310_2_anon.png',
      'img_142310_3_C_Windows_evil.png',
      'img_142310_4_abs_path_png.png',
      'img_142310_5_31m.png',
      'img_142310_6_anon.png',
      'img_142310_7_小明_x_exe.png',
    ],
  );
  assert.deepEqual(
    fs.readdirSync(transcript.dir).filter((f) => !f.startsWith('img_') && !f.startsWith('chat_log_')),
    [],
  );
});

test('a log folder that cannot be created fails with a clear ChatError', (t) => {
  const blocker = path.join(tempDir(t), 'a-file');
  fs.writeFileSync(blocker, '');
  // A path under a regular file fails even for root (ENOTDIR), unlike chmod.
  assert.throws(
    () => Transcript.open(path.join(blocker, 'chat_logs'), { now: AT }),
    isLogFailed(/^Could not write the chat log .*a-file.chat_logs.chat_log_20261122_142310\.txt: ENOTDIR/),
  );
});

test('an unwritable log folder fails with a clear ChatError (EACCES, or ENOTDIR when running as root)', (t) => {
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o500);
  let target = dir;
  let expected = /EACCES/;
  try {
    fs.writeFileSync(path.join(dir, 'probe'), '');
    // Root ignores chmod: force a real failure with a path under a regular file instead.
    fs.chmodSync(dir, 0o700);
    target = path.join(dir, 'probe', 'chat_logs');
    expected = /ENOTDIR/;
  } catch {
    // Not root: the read-only folder really refuses the log.
  }
  try {
    assert.throws(() => Transcript.open(target, { now: AT }), isLogFailed(expected));
  } finally {
    fs.chmodSync(dir, 0o700);
  }
});

test('writes fail loudly when the folder disappears, and the log resumes once it is back', (t) => {
  const dir = path.join(tempDir(t), 'logs');
  const transcript = Transcript.open(dir, { now: AT });
  transcript.recordMessage(message({ text: 'before' }));
  fs.rmSync(dir, { recursive: true });
  assert.throws(
    () => transcript.recordMessage(message({ text: 'lost' })),
    isLogFailed(/^Could not write the chat log .*chat_log_20261122_142310\.txt: ENOENT/),
  );
  assert.throws(() => transcript.recordNotice({ at: AT, level: 'info', text: 'lost too' }), isLogFailed(/ENOENT/));
  // Replace the folder with a regular file: ENOTDIR, as a disk that refuses writes would.
  fs.writeFileSync(dir, '');
  assert.throws(
    () => transcript.recordMessage(message({ text: 'still lost', image: { mime: 'image/png', bytes: PNG } })),
    isLogFailed(/ENOTDIR/),
  );
  fs.rmSync(dir);
  fs.mkdirSync(dir);
  transcript.recordMessage(message({ text: 'after' }));
  assert.deepEqual(logLines(transcript), ['[14:23:10] ann (127.0.0.1:50001): after']);
});

test('an image that cannot be saved still gets its line, then the error is thrown', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  // Every name the transcript may try is taken (it never overwrites), so saving must give up after 1000 tries.
  for (let seq = 1; seq <= 1000; seq++) fs.writeFileSync(path.join(transcript.dir, `img_142310_${seq}_ann.png`), 'old');
  const msg = message({ text: 'pic', image: { mime: 'image/png', bytes: PNG } });
  assert.throws(
    () => transcript.recordMessage(msg),
    isLogFailed(/^Could not save an image of the chat log in .*: no free file name after 1000 tries$/),
  );
  assert.equal(msg.image!.savedPath, undefined);
  assert.deepEqual(logLines(transcript), ['[14:23:10] ann (127.0.0.1:50001): pic [image not saved]']);
  assert.equal(fs.readFileSync(path.join(transcript.dir, 'img_142310_1_ann.png'), 'utf8'), 'old');
});

test('after close, records are ignored', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT });
  transcript.recordNotice({ at: AT, level: 'system', text: 'bye' });
  transcript.close();
  transcript.recordNotice({ at: AT, level: 'system', text: 'after close' });
  transcript.recordMessage(message({ text: 'after close' }));
  assert.deepEqual(logLines(transcript), ['[14:23:10] [SYSTEM] bye']);
});

/** `size` bytes that sniff as PNG and declare its 1 × 1 size. */
function pngOf(size: number): Buffer {
  const bytes = Buffer.alloc(size, 7);
  PNG.copy(bytes, 0, 0, 33);
  return bytes;
}

test('image quota: past maxSavedImageBytes images are not saved, the line says why, and log-quota is thrown once', (t) => {
  assert.equal(Transcript.open(tempDir(t), { now: AT }).maxSavedImageBytes, 1024 * 1024 * 1024, 'default 1 GiB');
  const transcript = Transcript.open(tempDir(t), { now: AT, maxSavedImageBytes: 2048 });
  const image = (text: string, size: number) => message({ text, image: { mime: 'image/png', bytes: pngOf(size) } });
  transcript.recordMessage(image('one', 1024));
  transcript.recordMessage(image('two', 1024));
  const third = image('three', 1024);
  assert.throws(
    () => transcript.recordMessage(third),
    (error: unknown) =>
      error instanceof ChatError &&
      error.code === 'log-quota' &&
      error.message ===
        'Images are no longer saved with the chat log: this session saved 2 KB of images already. Messages are still logged.',
  );
  assert.equal(third.image!.savedPath, undefined);
  // Later images: not saved (even one small enough to fit), no more errors, counted.
  transcript.recordMessage(image('four', 100));
  transcript.recordMessage(image('five', 5000));
  transcript.recordMessage(message({ text: 'plain text is still logged' }));
  assert.equal(transcript.imagesNotSaved, 3);
  assert.equal(transcript.savedImageBytes, 2048);
  const notSaved = '[image not saved: this session saved 2 KB of images already]';
  assert.deepEqual(logLines(transcript), [
    '[14:23:10] ann (127.0.0.1:50001): one [image saved: img_142310_1_ann.png]',
    '[14:23:10] ann (127.0.0.1:50001): two [image saved: img_142310_2_ann.png]',
    `[14:23:10] ann (127.0.0.1:50001): three ${notSaved}`,
    `[14:23:10] ann (127.0.0.1:50001): four ${notSaved}`,
    `[14:23:10] ann (127.0.0.1:50001): five ${notSaved}`,
    '[14:23:10] ann (127.0.0.1:50001): plain text is still logged',
  ]);
  assert.deepEqual(
    fs
      .readdirSync(transcript.dir)
      .filter((f) => f.startsWith('img_'))
      .sort(),
    ['img_142310_1_ann.png', 'img_142310_2_ann.png'],
  );
  assert.throws(() => Transcript.open(tempDir(t), { maxSavedImageBytes: -1 }), { code: 'bad-option' });
});

test('image quota below one image: the line gives both figures', (t) => {
  const transcript = Transcript.open(tempDir(t), { now: AT, maxSavedImageBytes: 1000 });
  assert.throws(
    () => transcript.recordMessage(message({ text: 'big', image: { mime: 'image/png', bytes: pngOf(4096) } })),
    { code: 'log-quota' },
  );
  assert.deepEqual(logLines(transcript), [
    '[14:23:10] ann (127.0.0.1:50001): big [image not saved: this session saved 0 B of images already; the limit is 1000 B]',
  ]);
});

test(
  'image quota over real sockets: a receiver whose server floods it with images shows ONE error notice and keeps chatting',
  { timeout: 20_000 },
  async (t) => {
    const { ChatClient } = await import('../../../../src/chat/client/chatClient');
    const { ChatSession } = await import('../../../../src/chat/session/chatSession');
    const { startServer, waitFor } = await import('../../support/helpers');
    const { server, port } = await startServer({ name: 'Host' });
    t.after(() => server.close());
    const transcript = Transcript.open(tempDir(t), { maxSavedImageBytes: 3 * 64 * 1024 });
    const session = new ChatSession(new ChatClient({ host: '127.0.0.1', port, name: 'Rita' }), { transcript });
    t.after(() => session.close());
    await (session.endpoint as InstanceType<typeof ChatClient>).connect();
    await waitFor(() => server.roster.active.length === 2, 'Rita in the room');
    const images: string[] = [];
    const errors: string[] = [];
    session.on('message', (m) => void (m.image && images.push(m.text)));
    session.on('notice', (n) => void (n.level === 'error' && errors.push(`${n.code}: ${n.text}`)));
    for (let i = 1; i <= 6; i++) await server.send({ text: `pic ${i}`, image: pngOf(64 * 1024) });
    await server.send({ text: 'after the pictures' });
    await waitFor(
      () => session.history.some((e) => e.kind === 'message' && e.message.text === 'after the pictures'),
      'the text after the images',
      10_000,
    );
    assert.deepEqual(images, ['pic 1', 'pic 2', 'pic 3', 'pic 4', 'pic 5', 'pic 6'], 'every image still shown');
    assert.deepEqual(errors, [
      'log-quota: Images are no longer saved with the chat log: this session saved 192 KB of images already. Messages are still logged.',
    ]);
    const notices = session.history
      .filter((e) => e.kind === 'notice')
      .map((e) => (e.kind === 'notice' ? e.notice.text : ''));
    assert.ok(
      !notices.some((text) => /being written again/.test(text)),
      `no "log resumed" notice after a quota notice: ${JSON.stringify(notices)}`,
    );
    assert.equal(fs.readdirSync(transcript.dir).filter((f) => f.startsWith('img_')).length, 3);
    const lines = logLines(transcript);
    assert.equal(
      lines.filter((l) => l.includes('[image not saved: this session saved 192 KB of images already]')).length,
      3,
    );
    assert.ok(
      lines.some((l) => /^\[\d\d:\d\d:\d\d\] Host \([^)]*\): after the pictures$/.test(l)),
      'text still logged',
    );
  },
);

test('with a diagnostic sink installed, opening a chat log says where it is', (t) => {
  const lines: string[] = [];
  setDiagnosticSink((area, line) => {
    if (area === 'session') lines.push(line);
  });
  t.after(() => setDiagnosticSink(undefined));
  const transcript = Transcript.open(tempDir(t), { now: AT });
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0].startsWith(`chat log opened: ${transcript.logFile} (images saved up to `), lines[0]);
});

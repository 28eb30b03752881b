// History for late joiners: the room's last messages (text; images as one-line notes; never private ones) are
// replayed, marked, to a member when it gets a seat — by default where everyone chats, not in queue rooms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ChatClient } from '../../../../../src/chat/client/chatClient';
import { ChatSession } from '../../../../../src/chat/session/chatSession';
import { Transcript } from '../../../../../src/chat/session/transcript';
import { FrameType } from '../../../../../src/chat/wire/frames';
import { EventRecorder, within } from '../../../support/clientHelpers';
import { tempDir } from '../../../support/adversarial';
import { RawNativeClient, RawPlainClient, startServer, TINY_PNG, waitFor } from '../../../support/helpers';

test('a late joiner gets the last room messages marked as history, in order, then the end line; never private ones', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const bob = await RawNativeClient.join(port, 'bob');
  t.after(() => (alice.close(), bob.close()));
  alice.say('one');
  alice.say('for bob only', { to: 'bob' });
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'for bob only');
  await server.send({ text: 'two' });
  alice.sendImage(TINY_PNG, { text: 'look' });
  await waitFor(() => events.messages.some((m) => m.image), 'the image at the host');
  await server.send({ text: 'psst', to: 'bob' });

  const carol = await RawNativeClient.join(port, 'carol');
  t.after(() => carol.close());
  const end = await carol.waitFrame(FrameType.Notice, (f) => f.body.code === 'history-end');
  assert.deepEqual(end.body, { level: 'system', text: '--- end of history ---', code: 'history-end', history: true });
  const replayed = carol.messages();
  assert.deepEqual(
    replayed.map((m) => [m.from?.name, m.text, m.history]),
    [
      ['alice', 'one', true],
      ['Host', 'two', true],
      ['alice', 'look [image: 68 B PNG]', true],
    ],
  );
  assert.equal(carol.of(FrameType.ImageChunk).length, 0, 'an image is a one-line note, not its bytes');
  const welcomeAt = carol.frames.findIndex((f) => f.type === FrameType.Welcome);
  const firstAt = carol.frames.findIndex((f) => f.type === FrameType.Message);
  assert.ok(welcomeAt < firstAt, 'history follows the Welcome');

  // A plain-text peer gets the same lines, then `--- end of history ---`, then live messages.
  const dave = await RawPlainClient.connect(port);
  t.after(() => dave.close());
  await dave.waitText(/--- end of history ---\r\n/, 2000);
  const lines = dave.lines();
  const endLine = lines.indexOf('--- end of history ---');
  assert.deepEqual(
    lines.slice(endLine - 3, endLine).map((l) => l.replace(/^\[\d\d:\d\d:\d\d\] /, '')),
    ['alice: one', 'Host: two', 'alice: look [image: 68 B PNG]'],
  );
  assert.doesNotMatch(dave.text, /for bob only|psst/, 'private messages are never replayed');
  await server.send({ text: 'live now' });
  await carol.waitFrame(FrameType.Message, (f) => f.body.text === 'live now' && f.body.history === undefined);
  await dave.waitText(/Host: live now\r\n/);
});

test('history N keeps the last N; a queue room replays nothing by default, its setting replays at admission', async (t) => {
  const short = await startServer({ history: 2 });
  t.after(() => short.server.close());
  const talker = await RawNativeClient.join(short.port, 'talker');
  t.after(() => talker.close());
  for (const text of ['a', 'b', 'c']) await short.server.send({ text });
  const late = await RawNativeClient.join(short.port, 'late');
  t.after(() => late.close());
  await late.waitFrame(FrameType.Notice, (f) => f.body.code === 'history-end');
  assert.deepEqual(
    late.messages().map((m) => m.text),
    ['b', 'c'],
  );

  for (const [history, expected] of [
    [undefined, []],
    [5, ['between us']],
  ] as const) {
    const queue = await startServer({ seats: 1, history });
    t.after(() => queue.server.close());
    const first = await RawNativeClient.join(queue.port, 'first');
    const next = await RawNativeClient.join(queue.port, 'next');
    t.after(() => (first.close(), next.close()));
    first.say('between us');
    await waitFor(() => queue.events.messages.length === 1, 'the message at the host');
    first.close();
    await next.waitFrame(FrameType.Queue, (f) => f.body.position === null);
    await queue.server.send({ text: 'welcome, next' });
    await next.waitFrame(FrameType.Message, (f) => f.body.text === 'welcome, next');
    assert.deepEqual(
      next
        .messages()
        .filter((m) => m.history)
        .map((m) => m.text),
      expected,
      `history ${history}`,
    );
  }
});

test('the session marks history messages and does not log them again, not even after a reconnect', async (t) => {
  const { server, port } = await startServer({ name: 'Host', resumeGraceMs: 0 });
  t.after(() => server.close());
  const dir = tempDir(t, 'history-log');
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'ann', reconnect: { initialDelayMs: 50 } });
  const session = new ChatSession(client, { transcript: Transcript.open(dir) });
  const seen = new EventRecorder(session);
  t.after(() => session.close());
  await within(client.connect(), 5000, 'join');
  await server.send({ text: 'said while ann was here' });
  await seen.message((m) => m.text === 'said while ann was here', 'the live message');

  // The connection breaks; without a resume token ann joins again as a newcomer and gets the history.
  for (const conn of (
    server as unknown as { room: { connections(): Iterable<{ socket: { destroy(): void } }> } }
  ).room.connections())
    conn.socket.destroy();
  const replay = await seen.message((m) => m.history === true, 'the replayed message', 5000);
  assert.equal(replay.text, 'said while ann was here');
  await seen.notice((n) => n.code === 'history-end' && n.history === true, 'the end line');
  await server.send({ text: 'after the reconnect' });
  await seen.message((m) => m.text === 'after the reconnect' && !m.history, 'a live one again');
  const log = fs.readFileSync(session.transcript!.logFile, 'utf8');
  assert.equal(log.split('said while ann was here').length - 1, 1, `logged once:\n${log}`);
  assert.doesNotMatch(log, /end of history/);
  assert.match(log, /Host \(host\): after the reconnect/);
});

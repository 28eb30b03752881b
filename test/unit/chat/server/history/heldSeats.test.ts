// A Wi-Fi blip keeps your seat: the Welcome's resume token brings a reconnecting client back as the same member
// (id, name, seat) with the messages it missed, once; a wrong or used token is an ordinary join; after the grace
// the seat passes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../../../src/chat/client/chatClient';
import { FrameType } from '../../../../../src/chat/wire/frames';
import { EventRecorder, within } from '../../../support/clientHelpers';
import { RawNativeClient, silencingProxy, startServer, waitFor } from '../../../support/helpers';

for (const [who, initialDelayMs] of [
  ['the client comes back before the server notices', 50],
  ['the server notices first and holds the seat', 1500],
] as const) {
  test(`a silenced connection comes back as the same member, seat and all, with what it missed once (${who})`, async (t) => {
    const { server, port, events } = await startServer({ name: 'Host', seats: 1, heartbeatIntervalMs: 300 });
    t.after(() => server.close());
    const proxy = await silencingProxy(t, port);
    const alice = new ChatClient({
      host: '127.0.0.1',
      port: proxy.port,
      name: 'alice',
      heartbeatIntervalMs: 300,
      reconnect: { initialDelayMs, maxDelayMs: initialDelayMs },
    });
    const seen = new EventRecorder(alice);
    t.after(() => alice.close());
    await within(alice.connect(), 5000, 'alice joins');
    const id = alice.self!.id;
    const bob = await RawNativeClient.join(port, 'bob');
    t.after(() => bob.close());
    await bob.waitFrame(FrameType.Welcome, (f) => f.body.position === 1);
    await server.send({ text: 'before the drop' });
    await seen.message((m) => m.text === 'before the drop', 'the message before the drop');

    proxy.silence();
    await server.send({ text: 'while you were away' });
    await server.send({ text: 'just for you', to: 'alice' });
    await seen.state('reconnecting', 5000);
    const back = await seen.notice((n) => /as alice again: your seat was kept\.$/.test(n.text), 'the resume', 8000);
    assert.match(back.text, /^Connected to "Host" at 127\.0\.0\.1:\d+ as alice again: your seat was kept\.$/);
    assert.equal(alice.state, 'active');
    assert.equal(alice.self?.id, id, 'the same peer id');
    assert.equal(alice.self?.name, 'alice', 'the same name, no "alice-2"');
    await seen.message((m) => m.text === 'just for you', 'the missed private message');
    await server.send({ text: 'and now live' });
    await seen.message((m) => m.text === 'and now live', 'a live message');
    const texts = seen.messages.map((m) => m.text);
    for (const text of ['before the drop', 'while you were away', 'just for you'])
      assert.equal(texts.filter((x) => x === text).length, 1, `"${text}" received once: ${JSON.stringify(texts)}`);
    assert.deepEqual(
      server.roster.active.map((p) => [p.name, p.id]),
      [
        ['Host', 0],
        ['alice', id],
      ],
    );
    assert.deepEqual(
      server.roster.waiting.map((p) => p.name),
      ['bob'],
      'bob still waits: the seat was never given away',
    );
    await waitFor(() => server.roster.connections === 2, 'the ghost connection closed');
    const log = events.notices.map((n) => n.text);
    if (initialDelayMs > 1000) {
      assert.ok(log.includes('alice lost connection — holding their seat for 60 s.'), JSON.stringify(log));
      assert.ok(log.includes('alice is back.'), JSON.stringify(log));
    } else {
      // Usually the client is first (the server then just closes the ghost), but a busy machine may reorder them.
      const quiet = log.some((l) => /^alice reconnected \(127\.0\.0\.1:\d+\)\.$/.test(l));
      assert.ok(quiet || log.includes('alice is back.'), JSON.stringify(log));
    }
    assert.equal(
      bob.of(FrameType.Queue).some((f) => f.body.position === null),
      false,
      'bob was never admitted',
    );
  });
}

test('the room is told a seat is held and that its member is back', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', heartbeatIntervalMs: 200 });
  t.after(() => server.close());
  const watcher = await RawNativeClient.join(port, 'watcher');
  t.after(() => watcher.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const welcome = alice.of(FrameType.Welcome)[0].body;
  assert.match(welcome.resume ?? '', /^[0-9a-f]{64}$/, '256 random bits in hex');
  alice.autoPong = false; // the network went quiet: no answers to heartbeats
  await watcher.waitNotice(/^alice lost connection — holding their seat for 60 s\.$/, 3000);
  await server.send({ text: 'missed by alice' });
  const again = await RawNativeClient.connect(port);
  t.after(() => again.close());
  again.send({ type: FrameType.Hello, body: { v: 1, name: 'whatever', resume: welcome.resume, seen: 0 } });
  const resumed = (await again.waitFrame(FrameType.Welcome)).body;
  assert.equal(resumed.resumed, true);
  assert.deepEqual(resumed.you, { ...welcome.you, address: resumed.you.address });
  assert.notEqual(resumed.resume, welcome.resume, 'a new token for every Welcome');
  await watcher.waitNotice(/^alice is back\.$/);
  await again.waitFrame(FrameType.Message, (f) => f.body.text === 'missed by alice' && f.body.history === undefined);
  assert.equal(
    events.notices.some((n) => n.text.includes(welcome.resume!)),
    false,
    'the token is never logged',
  );
});

test('a wrong token, or one used already, is an ordinary join', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  t.after(() => alice.close());
  const token = alice.of(FrameType.Welcome)[0].body.resume!;
  const join = async (resume: string) => {
    const peer = await RawNativeClient.connect(port);
    t.after(() => peer.close());
    peer.send({ type: FrameType.Hello, body: { v: 1, name: 'alice', resume, seen: 0 } });
    return { peer, welcome: (await peer.waitFrame(FrameType.Welcome)).body };
  };
  const wrong = await join(token.replace(/^./, (c) => (c === '0' ? '1' : '0')));
  assert.equal(wrong.welcome.resumed, undefined);
  assert.equal(wrong.welcome.you.name, 'alice-2', 'a newcomer: alice is still here');
  const right = await join(token);
  assert.equal(right.welcome.resumed, true);
  await alice.waitClosed(); // the old connection is closed once its member is back elsewhere
  const reused = await join(token);
  assert.equal(reused.welcome.resumed, undefined, 'single use: the token of an earlier Welcome no longer works');
  assert.equal(reused.welcome.you.name, 'alice-3');
});

test('after the grace the held seat passes on to the next in line', async (t) => {
  const { server, port } = await startServer({ seats: 1, heartbeatIntervalMs: 100, resumeGraceMs: 500 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const bob = await RawNativeClient.join(port, 'bob');
  t.after(() => (alice.close(), bob.close()));
  alice.autoPong = false;
  await waitFor(() => alice.closed, 'the server to drop the silent alice', 3000);
  const droppedAt = Date.now();
  await bob.waitFrame(FrameType.Queue, (f) => f.body.position === null, 3000);
  assert.ok(Date.now() - droppedAt >= 400, `the seat was held for the grace (${Date.now() - droppedAt} ms)`);
  await bob.waitNotice(/You have a seat now/);
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Server', 'bob'],
  );
});

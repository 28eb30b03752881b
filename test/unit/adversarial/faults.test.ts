// Faults: things that go wrong without anyone being hostile — a sender dies mid-image, the server restarts, a
// reader stalls, a waiter vanishes, the log folder disappears. Each time the rest of the room carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';
import { ChatServer } from '../../../src/chat/server/chatServer';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { FrameType, MAX_IMAGE_CHUNK } from '../../../src/chat/wire/frames';
import { EventRecorder, bigPng } from '../support/clientHelpers';
import { RawNativeClient, RawPlainClient, delay, pngLike, startServer, waitFor } from '../support/helpers';
import { honestClient, listTree, tempDir, textsFrom } from '../support/adversarial';

test('faults: a sender killed mid-image — the partial image is dropped, nothing saved, the others chat on', async (t) => {
  const dir = tempDir(t, 'midimage');
  const hostLogs = path.join(dir, 'host');
  const bobLogs = path.join(dir, 'bob');
  const { server, port } = await startServer({ name: 'Host' });
  const hostSession = new ChatSession(server, { transcript: Transcript.open(hostLogs) });
  t.after(() => hostSession.close());
  const bob = await honestClient(port, 'bob');
  const bobSession = new ChatSession(bob.client, { transcript: Transcript.open(bobLogs) });
  t.after(() => bobSession.close());
  const bobView = new EventRecorder(bobSession);
  const carol = await honestClient(port, 'carol');
  t.after(() => carol.client.close());

  // A raw observer present from the start shows what really crossed the wire.
  const watcher = await RawNativeClient.join(port, 'watcher');
  // Mallory announces 1 MiB and sends only the first 5 chunks, then her process "dies" (socket destroyed).
  const mallory = await RawNativeClient.join(port, 'mallory');
  const image = pngLike(1024 * 1024);
  mallory.say('look at this', { ref: 3, image: { mime: 'image/png', size: image.length } });
  for (let i = 0; i < 5; i++) {
    mallory.send({
      type: FrameType.ImageChunk,
      ref: 3,
      bytes: image.subarray(i * MAX_IMAGE_CHUNK, (i + 1) * MAX_IMAGE_CHUNK),
    });
  }
  // An observer that joins after the header must not get orphan chunks of it.
  const raw = await RawNativeClient.join(port, 'observer');
  await waitFor(() => server.roster.active.length === 6, 'everyone in the room');
  const header = await watcher.waitFrame(
    FrameType.Message,
    (f) => f.body.from?.name === 'mallory' && f.body.image !== undefined,
  );
  await waitFor(
    () => watcher.of(FrameType.ImageChunk).filter((f) => f.ref === header.body.ref).length === 5,
    'the 5 chunks relayed',
  );
  mallory.close();
  await waitFor(() => server.roster.active.every((p) => p.name !== 'mallory'), 'mallory gone');
  await watcher.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.body.ref);

  // The room goes on: carol talks, bob hears her.
  await carol.client.send({ text: 'still here?' });
  await bobView.message((m) => m.text === 'still here?', "carol's message after the crash");
  assert.deepEqual(
    bobSession.history.filter((e) => e.kind === 'message' && e.message.image).length,
    0,
    'no image in bob’s history',
  );
  assert.equal(
    bob.seen.messages.some((m) => m.image),
    false,
    'bob got no (partial) image',
  );
  assert.equal(
    carol.seen.messages.some((m) => m.image),
    false,
    'carol got no (partial) image',
  );
  assert.equal(bob.client.state, 'active');
  // Nothing but the log files exists in either log folder: no partial image was saved anywhere.
  for (const logs of [hostLogs, bobLogs]) {
    assert.deepEqual(
      listTree(logs).filter((f) => !/^chat_log_\d{8}_\d{6}(_\d+)?\.txt$/.test(f)),
      [],
      `only the log in ${logs}`,
    );
  }
  assert.equal(raw.of(FrameType.ImageChunk).length, 0, 'a member who joined after the header gets no orphan chunks');
  raw.close();
  watcher.close();
});

test('faults: the server stops and comes back — clients reconnect with backoff and are seated / queued again', async (t) => {
  const first = new ChatServer({ host: '127.0.0.1', port: 0, seats: 1, name: 'Host' });
  const { port } = await first.listen();
  const reconnect = { initialDelayMs: 100, maxDelayMs: 400 };
  const anna = new ChatClient({ host: '127.0.0.1', port, name: 'anna', reconnect });
  const ben = new ChatClient({ host: '127.0.0.1', port, name: 'ben', reconnect });
  const annaSeen = new EventRecorder(anna);
  const benSeen = new EventRecorder(ben);
  t.after(() => Promise.all([anna.close(), ben.close()]));
  await anna.connect();
  await ben.connect();
  assert.equal(anna.state, 'active');
  assert.equal(ben.state, 'waiting');

  await first.close('maintenance');
  await annaSeen.state('reconnecting');
  await benSeen.state('reconnecting');
  // Down for a while: the clients keep trying (several attempts), nobody gives up.
  await waitFor(
    () => annaSeen.notices.filter((n) => /reconnecting in/.test(n.text)).length >= 2,
    'anna retrying more than once',
    5000,
  );

  const second = new ChatServer({ host: '127.0.0.1', port, seats: 1, name: 'Host' });
  t.after(() => second.close());
  await second.listen();
  await waitFor(() => second.roster.active.length + second.roster.waiting.length === 3, 'both clients back', 10_000);
  await waitFor(
    () => [anna.state, ben.state].sort().join() === 'active,waiting',
    () => `one seated, one queued (states ${anna.state}, ${ben.state})`,
    5000,
  );
  // (Read through a function: the asserts above narrowed the state types for the compiler.)
  const stateOf = (c: ChatClient) => c.state;
  const waiter = stateOf(anna) === 'waiting' ? { client: anna, seen: annaSeen } : { client: ben, seen: benSeen };
  await waiter.seen.position(1);
  assert.deepEqual(
    second.roster.waiting.map((p) => p.name),
    [waiter.client.self?.name],
  );
  // The one seated again can chat; the host hears it.
  const seated = waiter.client === anna ? ben : anna;
  const heard = new EventRecorder(second);
  await seated.send({ text: 'back again' });
  await heard.message((m) => m.text === 'back again', 'a message after the restart');
});

test(
  'faults: a reader that stops reading is cut off at its output cap while the others get everything',
  { timeout: 60_000 },
  async (t) => {
    // The cap sits above the server's image backpressure mark (8 MiB), as with the default 64 MiB: a reader that is
    // merely slow holds the sender back instead of being cut; one that never reads still hits the cap.
    const cap = 12 * 1024 * 1024;
    const { server, port, events } = await startServer({ name: 'Host', maxPendingOutputBytes: cap, rateLimit: false });
    t.after(() => server.close());
    const alice = await honestClient(port, 'alice');
    const bob = await honestClient(port, 'bob');
    t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
    const sloth = await RawNativeClient.join(port, 'sloth');
    sloth.socket.pause(); // stops reading: the kernel buffers fill, then the server's queue for it grows

    const image = bigPng(1024 * 1024);
    const sentTexts: string[] = [];
    let images = 0;
    const slothHere = () => server.roster.active.some((p) => p.name === 'sloth');
    for (let round = 0; round < 60 && slothHere(); round++) {
      await alice.client.send({ image, text: `picture ${round}` });
      images++;
      for (let i = 0; i < 5; i++) {
        const text = `line ${round}.${i}`;
        await alice.client.send({ text });
        sentTexts.push(text);
      }
      await alice.client.flushed(15_000);
    }
    await waitFor(
      () => events.notices.find((n) => n.code === 'output-cap' && /sloth/.test(n.text)),
      'the stalled reader cut off',
      15_000,
    );
    assert.ok(!slothHere(), 'sloth left the room');
    assert.ok(images < 60, 'sloth was cut off while alice was still sending');

    // Bob, who reads, got every line and every picture, in order, and was never cut off.
    const all = () => textsFrom(bob.seen, 'alice');
    await waitFor(
      () => all().length === sentTexts.length + images,
      () =>
        `bob to receive all (${all().length}/${sentTexts.length + images}); host notices: ${events.notices.map((n) => n.text).join(' | ')}`,
      30_000,
    );
    assert.deepEqual(
      all().filter((x) => x.startsWith('line')),
      sentTexts,
    );
    const pictures = bob.seen.messages.filter((m) => m.image);
    assert.equal(pictures.length, images);
    assert.ok(
      pictures.every((m) => m.image!.bytes.equals(image)),
      'every picture byte-identical',
    );
    assert.equal(bob.client.state, 'active');
    const cut = events.notices
      .filter((n) => n.code === 'output-cap')
      .map((n) => /^Disconnected (\S+)/.exec(n.text)?.[1]);
    assert.deepEqual(cut, ['sloth'], 'only the reader that stopped was cut off');
  },
);

test(
  'faults: a slow but steady reader is throttled, not cut off, even when the output cap is small',
  { timeout: 60_000 },
  async (t) => {
    // The output cap is settable; image backpressure must engage below it, or a reader that is merely slower than
    // the sender is disconnected as if it had stalled.
    const cap = 2 * 1024 * 1024;
    const { server, port, events } = await startServer({ name: 'Host', maxPendingOutputBytes: cap, rateLimit: false });
    t.after(() => server.close());
    const alice = await honestClient(port, 'alice');
    t.after(() => alice.client.close());
    const turtle = await RawNativeClient.join(port, 'turtle');
    // Reads in short bursts: about 64 KiB every 10 ms (a few MB/s), never stopping.
    turtle.socket.pause();
    const pacer = setInterval(() => {
      turtle.socket.resume();
      setImmediate(() => turtle.socket.pause());
    }, 10);
    t.after(() => clearInterval(pacer));

    const image = bigPng(1024 * 1024);
    for (let i = 0; i < 16; i++) {
      await alice.client.send({ image, text: `slow ${i}` });
      await alice.client.flushed(30_000); // one image at a time: only the cap is under test here
    }
    const cutOff = () => events.notices.some((n) => n.code === 'output-cap');
    await waitFor(
      () =>
        cutOff() ||
        (turtle.of(FrameType.Message).filter((f) => f.body.image).length === 16 &&
          turtle.of(FrameType.ImageChunk).length >= 16 * 16),
      () => `turtle to get all 16 images (has ${turtle.of(FrameType.ImageChunk).length} chunks)`,
      25_000,
    );
    assert.deepEqual(
      events.notices.filter((n) => n.code === 'output-cap').map((n) => n.text),
      [],
      'nobody was cut off',
    );
    assert.ok(server.roster.active.some((p) => p.name === 'turtle'));
    clearInterval(pacer);
    turtle.close();
  },
);

test('faults: six images sent at once by one member all arrive (a burst is queued, not refused)', async (t) => {
  // Someone drops six screenshots into the panel at once: the client sends them back to back.
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await honestClient(port, 'alice');
  const bob = await honestClient(port, 'bob');
  t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
  const image = bigPng(2 * 1024 * 1024);
  await Promise.all(Array.from({ length: 6 }, (_, i) => alice.client.send({ image, text: `shot ${i}` })));
  const refused = () => alice.seen.notices.filter((n) => n.code === 'too-many-images').map((n) => n.text);
  await waitFor(
    () => refused().length > 0 || bob.seen.messages.filter((m) => m.image).length === 6,
    'bob to get 6 images',
    10_000,
  );
  assert.deepEqual(refused(), [], 'alice was not told to wait');
  assert.deepEqual(
    bob.seen.messages.filter((m) => m.image).map((m) => m.text),
    ['shot 0', 'shot 1', 'shot 2', 'shot 3', 'shot 4', 'shot 5'],
  );
  assert.deepEqual(
    events.notices.filter((n) => n.code === 'too-many-images').map((n) => n.text),
    [],
  );
});

test('faults: a waiting client that vanishes leaves the queue at once; the next one moves up', async (t) => {
  // A long heartbeat: only the socket closing can explain a prompt update.
  const { server, port } = await startServer({ name: 'Host', seats: 1, heartbeatIntervalMs: 60_000 });
  t.after(() => server.close());
  const seated = await honestClient(port, 'seated');
  const second = await RawNativeClient.join(port, 'second');
  const third = await honestClient(port, 'third');
  const fourth = await RawPlainClient.join(port, 'fourth');
  t.after(() => Promise.all([seated.client.close(), third.client.close()]));
  await third.seen.position(2);
  assert.deepEqual(
    server.roster.waiting.map((p) => p.name),
    ['second', 'third', 'fourth'],
  );

  second.socket.destroy(); // gone without a goodbye
  await third.seen.position(1, 3000);
  await fourth.waitText(/You are #2 in line/);
  assert.deepEqual(
    server.roster.waiting.map((p) => p.name),
    ['third', 'fourth'],
  );
  assert.equal(server.roster.connections, 3);

  fourth.close(); // a plain-text waiter vanishing too
  await waitFor(() => server.roster.waiting.length === 1, 'the plain waiter removed', 3000);
  assert.deepEqual(
    server.roster.waiting.map((p) => p.name),
    ['third'],
  );
  // Nobody was admitted by mistake: the seat is still the first client's.
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Host', 'seated'],
  );
});

test('faults: the log folder is replaced by a file mid-chat — an error notice, the chat goes on, logging resumes', async (t) => {
  const dir = tempDir(t, 'logfail');
  const logs = path.join(dir, 'chat_logs');
  const { server, port } = await startServer({ name: 'Host' });
  const session = new ChatSession(server, { transcript: Transcript.open(logs) });
  t.after(() => session.close());
  const view = new EventRecorder(session);
  const alice = await honestClient(port, 'alice');
  const bob = await honestClient(port, 'bob');
  t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
  const logFile = session.transcript!.logFile;

  await alice.client.send({ text: 'before' });
  await view.message((m) => m.text === 'before', 'the first message');
  assert.match(fs.readFileSync(logFile, 'utf8'), /alice \(127\.0\.0\.1:\d+\): before/);

  // Tests run as root, so chmod would not stop writes: make the path unusable instead.
  fs.renameSync(logs, path.join(dir, 'moved_away'));
  fs.writeFileSync(logs, 'not a folder');
  await alice.client.send({ text: 'during' });
  await view.notice((n) => n.level === 'error' && n.code === 'log-failed', 'a log-failed error notice');
  await bob.seen.message((m) => m.text === 'during', 'bob still hears alice');
  await bob.client.send({ text: 'reply during' });
  await alice.seen.message((m) => m.text === 'reply during', 'alice still hears bob');
  await view.message((m) => m.text === 'reply during', 'the host still sees messages');
  assert.equal(server.state, 'listening');

  // The folder comes back: the next lines are logged again, without a restart.
  fs.rmSync(logs);
  fs.mkdirSync(logs);
  await alice.client.send({ text: 'after' });
  await view.message((m) => m.text === 'after', 'the message after repair');
  await waitFor(
    () => fs.existsSync(logFile) && /alice \(127\.0\.0\.1:\d+\): after/.test(fs.readFileSync(logFile, 'utf8')),
    'logging to resume',
    3000,
  );
});

test(
  'faults: stopping the server while peers stall, dribble, upload and wait finishes (no hang) and tells those who listen',
  { timeout: 30_000 },
  async (t) => {
    const { server, port } = await startServer({ name: 'Host', seats: 1, maxConnections: 6 });
    const member = await honestClient(port, 'member');
    const waiter = await honestClient(port, 'waiter');
    t.after(() => Promise.all([member.client.close(), waiter.client.close()]));
    const sloth = await RawNativeClient.join(port, 'sloth'); // waiting, and never reads again
    sloth.socket.pause();
    const uploader = await RawNativeClient.join(port, 'uploader'); // mid-image (waiting: refused, but bytes keep coming)
    uploader.say('half', { ref: 9, image: { mime: 'image/png', size: 10 * 1024 * 1024 } });
    const halfOpen = await RawNativeClient.connect(port); // preamble sent, no Hello
    const extra = await RawPlainClient.connect(port); // the 6th connection
    const refused = connect(port, '127.0.0.1'); // over the limit: told so, then closed
    refused.on('error', () => undefined);
    t.after(() => {
      for (const s of [sloth, uploader, halfOpen, extra]) s.close();
      refused.destroy();
    });
    await waitFor(() => server.roster.connections >= 6, 'six connections');

    // close() resolves (a hang fails the test by its timeout): stalled and half-open peers are cut, not awaited.
    await server.close('maintenance');
    assert.equal(server.state, 'closed');
    assert.equal(server.roster.connections, 0, 'every socket closed');
    await member.seen.notice((n) => /maintenance/.test(n.text), 'the member is told why');
    await waiter.seen.notice((n) => /maintenance/.test(n.text), 'the waiter is told why');
    await waitFor(
      () => member.client.state === 'closed' && waiter.client.state === 'closed',
      'clients closed (no reconnect asked)',
    );
  },
);

test('faults: a client closed while connecting, handshaking or backing off stops for good — no late reconnect, no stray error', async (t) => {
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  t.after(() => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });
  // A server that greets and then says nothing more: the handshake never finishes.
  const mute = createServer((s) => {
    s.on('error', () => undefined);
    s.write('TCPCHAT/1 mute — hi\r\n');
  });
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => mute.close(() => resolve())));
  const mutePort = (mute.address() as AddressInfo).port;
  const { server, port } = await startServer({ name: 'Host' });
  const reconnect = { initialDelayMs: 50, maxDelayMs: 100 };

  const cases: Array<[string, () => Promise<ChatClient>]> = [
    ['while connecting', async () => new ChatClient({ host: '127.0.0.1', port, name: 'a', reconnect })],
    [
      'while handshaking',
      async () => new ChatClient({ host: '127.0.0.1', port: mutePort, name: 'b', reconnect, connectTimeoutMs: 5000 }),
    ],
  ];
  for (const [when, make] of cases) {
    const client = await make();
    const seen = new EventRecorder(client);
    const connecting = client.connect().then(
      () => 'joined',
      (e: unknown) => (e instanceof ChatError ? 'refused' : `threw ${String(e)}`),
    );
    if (when === 'while handshaking') await seen.state('handshaking');
    await client.close();
    assert.match(await connecting, /joined|refused/, `${when}: connect() settled with a ChatError at worst`);
    const statesAtClose = seen.states.length;
    await delay(300); // several backoff periods
    assert.equal(client.state, 'closed', when);
    assert.deepEqual(seen.states.slice(statesAtClose), [], `${when}: nothing happens after close()`);
  }

  // While backing off: the server goes away, the client starts reconnecting, then the user closes.
  const backingOff = new ChatClient({ host: '127.0.0.1', port, name: 'c', reconnect });
  const seen = new EventRecorder(backingOff);
  await backingOff.connect();
  await server.close();
  await seen.state('reconnecting');
  await backingOff.close();
  const statesAtClose = seen.states.length;
  await delay(300);
  assert.equal(backingOff.state, 'closed');
  assert.deepEqual(seen.states.slice(statesAtClose), [], 'no reconnect attempt after close()');
  assert.deepEqual(crashes.map(String), []);
});

test('faults: the host kicks a member in the middle of an image — the others drop the partial, nothing is saved, the room goes on', async (t) => {
  const dir = tempDir(t, 'kickmid');
  const { server, port } = await startServer({ name: 'Host' });
  const hostSession = new ChatSession(server, { transcript: Transcript.open(path.join(dir, 'host')) });
  t.after(() => hostSession.close());
  const viewer = await honestClient(port, 'viewer');
  t.after(() => viewer.client.close());
  const watcher = await RawNativeClient.join(port, 'watcher');
  const uploader = await RawNativeClient.join(port, 'uploader');
  const image = pngLike(512 * 1024);
  uploader.say('incoming', { ref: 5, image: { mime: 'image/png', size: image.length } });
  uploader.send({ type: FrameType.ImageChunk, ref: 5, bytes: image.subarray(0, MAX_IMAGE_CHUNK) });
  const header = await watcher.waitFrame(
    FrameType.Message,
    (f) => f.body.from?.name === 'uploader' && f.body.image !== undefined,
  );
  await waitFor(
    () => watcher.of(FrameType.ImageChunk).some((f) => f.ref === header.body.ref),
    'the first chunk relayed',
  );

  server.kick(uploader.of(FrameType.Welcome)[0].body.you.id, 'spam');
  // The rest of the image keeps coming from the kicked socket for a moment: it must go nowhere.
  for (let at = MAX_IMAGE_CHUNK; at < image.length; at += MAX_IMAGE_CHUNK) {
    uploader.send({ type: FrameType.ImageChunk, ref: 5, bytes: image.subarray(at, at + MAX_IMAGE_CHUNK) });
  }
  await watcher.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.body.ref);
  await uploader.waitNotice(/removed from the room by the host: spam/);
  await uploader.waitClosed(5000);
  await viewer.client.send({ text: 'after the kick' });
  await waitFor(() => watcher.messages().some((m) => m.text === 'after the kick'), 'the room goes on');
  assert.equal(
    viewer.seen.messages.some((m) => m.image),
    false,
    'no partial image delivered',
  );
  assert.equal(
    watcher.imageBytes(header.body.ref).length < image.length,
    true,
    'the watcher never got the whole image',
  );
  assert.deepEqual(
    listTree(dir).filter((f) => !/chat_log_/.test(f)),
    [],
    'nothing but the log was written',
  );
  watcher.close();
});

test('faults: a connection the network silences (no FIN, no RST) is dropped by the heartbeat; the client reconnects and the line moves on', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', seats: 1, heartbeatIntervalMs: 300 });
  t.after(() => server.close());
  // A proxy whose first connection can be silenced in both directions, like a Wi-Fi drop; later ones pass.
  let silenced = false;
  let first = true;
  const sockets: Socket[] = [];
  const proxy = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    sockets.push(inbound, outbound);
    inbound.on('error', () => undefined);
    outbound.on('error', () => undefined);
    const mute = first;
    first = false;
    inbound.on('data', (d) => {
      if (!(mute && silenced)) outbound.write(d);
    });
    outbound.on('data', (d) => {
      if (!(mute && silenced)) inbound.write(d);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  const alice = new ChatClient({
    host: '127.0.0.1',
    port: (proxy.address() as AddressInfo).port,
    name: 'alice',
    heartbeatIntervalMs: 300,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  const aliceSeen = new EventRecorder(alice);
  t.after(() => alice.close());
  await alice.connect();
  const bob = await honestClient(port, 'bob');
  t.after(() => bob.client.close());
  await bob.seen.position(1);

  silenced = true;
  await aliceSeen.state('reconnecting'); // the client noticed the silent server
  await waitFor(
    () => events.notices.some((n) => n.code === 'heartbeat' && /alice/.test(n.text)),
    'the server to drop the silent ghost',
    5000,
  );
  await bob.seen.state('active'); // the seat the ghost held passed on
  await waitFor(
    () => alice.state === 'waiting',
    () => `alice back, in line (state ${alice.state})`,
    5000,
  );
  await waitFor(
    () => server.roster.active.length === 2 && server.roster.waiting.length === 1,
    'one seated, one waiting, no ghost',
  );
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Host', 'bob'],
  );
  assert.equal(server.roster.connections, 2, 'the ghost connection is gone');
});

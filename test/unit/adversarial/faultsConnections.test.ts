// Faults in connections, without anyone being hostile: the server restarts, a waiter vanishes, the server stops
// while peers stall, a client is closed mid-connect, the network silences a connection. Each time the rest of the
// room carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';
import { ChatServer } from '../../../src/chat/server/chatServer';
import { EventRecorder } from '../support/clientHelpers';
import { RawNativeClient, RawPlainClient, delay, silencingProxy, startServer, waitFor } from '../support/helpers';
import { honestClient, recordCrashes } from '../support/adversarial';

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
  const crashes = recordCrashes(t);
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

test('faults: a connection the network silences (no FIN, no RST) is dropped by the heartbeat; the client reconnects and the line moves on', async (t) => {
  // Resuming off: the ghost's seat passes on at once (with resuming, test/unit/chat/server/history/ covers it).
  const options = { name: 'Host', seats: 1, heartbeatIntervalMs: 300, resumeGraceMs: 0 };
  const { server, port, events } = await startServer(options);
  t.after(() => server.close());
  // A proxy whose first connection can be silenced in both directions, like a Wi-Fi drop; later ones pass.
  const proxy = await silencingProxy(t, port);
  const alice = new ChatClient({
    host: '127.0.0.1',
    port: proxy.port,
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

  proxy.silence();
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

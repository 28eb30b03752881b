// ChatClient against plain-text servers (no TCP Chat greeting): a seed-000-style server written here, and the
// real `ncat --chat`. The client must notice on its own, show lines with the right sender, send lines, and
// refuse images and private messages with a clear sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { ChatError } from '../../../../src/chat/core/errors';
import {
  EventRecorder,
  ncatPath,
  PNG_1X1,
  rawPeer,
  startNcatChat,
  startSeed000Server,
  within,
} from '../../support/clientHelpers';

test('a seed-000 server (silent on connect) is detected as plain text; [ip:port] and [SERVER] lines get their senders', async (t) => {
  const server = await startSeed000Server();
  t.after(() => server.close());
  const client = new ChatClient({
    host: '127.0.0.1',
    port: server.port,
    name: 'ann',
    greetingTimeoutMs: 300,
    plainPauseMs: 100,
  });
  t.after(() => client.close());
  const events = new EventRecorder(client);
  await within(client.connect(), 5000, 'connect to the seed 000 server');

  assert.equal(client.state, 'active');
  assert.equal(client.plainText, true);
  assert.equal(client.self?.name, 'ann');
  await events.notice((n) => /plain-text chat server/.test(n.text), 'the plain-text notice');

  // A seed-000 client sends its line WITHOUT a newline; the server relays `[ip:port] text` without one too.
  const seedClient = await rawPeer(server.port);
  t.after(() => seedClient.socket.destroy());
  const seedAddress = `127.0.0.1:${seedClient.socket.localPort}`;
  seedClient.socket.write('hi from seed');
  const relayed = await events.message((m) => m.text === 'hi from seed', 'the seed client line');
  assert.equal(relayed.from.name, seedAddress);
  assert.equal(relayed.from.address, seedAddress);
  assert.equal(relayed.own, false);

  server.announce('maintenance at noon');
  const fromServer = await events.message((m) => m.text === 'maintenance at noon', 'the [SERVER] line');
  assert.equal(fromServer.from.name, 'SERVER');

  // Our text goes out as one line with a newline; the seed client sees it labelled by the server.
  await client.send({ text: 'hello seed' });
  await seedClient.until(/\[127\.0\.0\.1:\d+\] hello seed\n/, 'our line relayed by the seed server');
  const own = await events.message((m) => m.own, 'our own message shown locally');
  assert.equal(own.text, 'hello seed');
  assert.equal(own.from.name, 'ann');
});

test('bytes a plain-text server sent before we decided are shown as messages; images and /msg are refused clearly', async (t) => {
  const server = await startSeed000Server();
  t.after(() => server.close());
  // Someone else joins first, so our client receives nothing until we are in; then the server speaks at once.
  const client = new ChatClient({
    host: '127.0.0.1',
    port: server.port,
    name: 'bob',
    greetingTimeoutMs: 400,
    plainPauseMs: 100,
  });
  t.after(() => client.close());
  const events = new EventRecorder(client);
  const connecting = client.connect();
  // Sent before the client has decided: not a greeting, so it decides "plain" from this line and shows it.
  await new Promise((r) => setTimeout(r, 50));
  server.announce('early words\n');
  await within(connecting, 5000, 'connect');
  const early = await events.message((m) => m.text === 'early words', 'the early line as a message');
  assert.equal(early.from.name, 'SERVER');

  await assert.rejects(
    client.send({ image: PNG_1X1 }),
    (e: unknown) => e instanceof ChatError && e.code === 'plain-text-server' && /images can't be sent/.test(e.message),
  );
  await assert.rejects(
    client.send({ to: 'x', text: 'psst' }),
    (e: unknown) => e instanceof ChatError && e.code === 'plain-text-server' && /private messages/.test(e.message),
  );
  assert.deepEqual(server.received, [], 'nothing reached the server for the refused sends');
});

test('real ncat --chat: two clients talk; <userN> lines carry the sender, <announce> lines are notices', async (t) => {
  const ncat = ncatPath();
  assert.ok(ncat, 'ncat must be installed for this test (apt-get install ncat); it is part of the supported setup');
  const chat = await startNcatChat(ncat);
  t.after(() => chat.stop());
  const ann = new ChatClient({ host: '127.0.0.1', port: chat.port, name: 'ann', greetingTimeoutMs: 1500 });
  const bob = new ChatClient({ host: '127.0.0.1', port: chat.port, name: 'bob', greetingTimeoutMs: 1500 });
  t.after(() => Promise.all([ann.close(), bob.close()]));
  const annEvents = new EventRecorder(ann);
  const bobEvents = new EventRecorder(bob);
  await within(ann.connect(), 5000, 'ann connects to ncat');
  await within(bob.connect(), 5000, 'bob connects to ncat');
  assert.equal(ann.plainText, true);
  assert.equal(bob.plainText, true);
  // ncat greets each newcomer with `<announce> 127.0.0.1 is connected as <userN>.`
  await annEvents.notice((n) => n.level === 'system' && /is connected as <user\d+>/.test(n.text), 'ncat announce');

  await ann.send({ text: 'hello through ncat' });
  const got = await bobEvents.message((m) => m.text === 'hello through ncat', 'ann’s line at bob');
  assert.match(got.from.name, /^user\d+$/);
  assert.equal(got.own, false);

  await bob.send({ text: 'line one\nline two' });
  await annEvents.message((m) => m.text === 'line two', 'the second line of a two-line text');
  const first = await annEvents.message((m) => m.text === 'line one', 'the first line');
  assert.match(first.from.name, /^user\d+$/);
});

test('the plain-text server going away closes the client (no reconnect unless asked)', async (t) => {
  const server = await startSeed000Server();
  const client = new ChatClient({ host: '127.0.0.1', port: server.port, name: 'cy', greetingTimeoutMs: 200 });
  t.after(() => client.close());
  const events = new EventRecorder(client);
  await within(client.connect(), 5000, 'connect');
  await server.close();
  await events.state('closed');
  const gone = await events.notice((n) => n.code === 'disconnected', 'the disconnect notice');
  assert.match(gone.text, /Disconnected from 127\.0\.0\.1:\d+/);
  await assert.rejects(
    client.send({ text: 'anyone?' }),
    (e: unknown) => e instanceof ChatError && e.code === 'not-connected',
  );
});

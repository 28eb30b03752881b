// ChatClient against plain-text servers (no TCP Chat greeting): the classic threaded broadcast room (silent on
// connect, relays `[ip:port] text` lines; startBroadcastRoomServer in the test support plays it) and the real
// `ncat --chat`. The client must notice on its own, show lines with the right sender, send lines, and
// refuse images and private messages with a clear sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { setDiagnosticSink } from '../../../../src/chat/core/diagnostics';
import { ChatError } from '../../../../src/chat/core/errors';
import {
  EventRecorder,
  ncatPath,
  PNG_1X1,
  rawPeer,
  startNcatChat,
  startBroadcastRoomServer,
  within,
} from '../../support/clientHelpers';

test('a broadcast-room server (silent on connect) is detected as plain text; [ip:port] and [SERVER] lines get their senders', async (t) => {
  const server = await startBroadcastRoomServer();
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
  await within(client.connect(), 5000, 'connect to the broadcast-room server');

  assert.equal(client.state, 'active');
  assert.equal(client.plainText, true);
  assert.equal(client.self?.name, 'ann');
  await events.notice((n) => /plain-text chat server/.test(n.text), 'the plain-text notice');

  // A broadcast-room client sends its line WITHOUT a newline; the server relays `[ip:port] text` without one too.
  const otherClient = await rawPeer(server.port);
  t.after(() => otherClient.socket.destroy());
  const otherAddress = `127.0.0.1:${otherClient.socket.localPort}`;
  otherClient.socket.write('hi from the other client');
  const relayed = await events.message((m) => m.text === 'hi from the other client', 'the other client line');
  assert.equal(relayed.from.name, otherAddress);
  assert.equal(relayed.from.address, otherAddress);
  assert.equal(relayed.own, false);

  server.announce('maintenance at noon');
  const fromServer = await events.message((m) => m.text === 'maintenance at noon', 'the [SERVER] line');
  assert.equal(fromServer.from.name, 'SERVER');

  // Our text goes out as one line with a newline; the other client sees it labelled by the server.
  await client.send({ text: 'hello room' });
  await otherClient.until(/\[127\.0\.0\.1:\d+\] hello room\n/, 'our line relayed by the broadcast-room server');
  const own = await events.message((m) => m.own, 'our own message shown locally');
  assert.equal(own.text, 'hello room');
  assert.equal(own.from.name, 'ann');
});

test('bytes a plain-text server sent before we decided are shown as messages; images and /msg are refused clearly', async (t) => {
  const server = await startBroadcastRoomServer();
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
  const server = await startBroadcastRoomServer();
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

test('with a diagnostic sink installed, the client says where it connects and what kind of server it found', async (t) => {
  const lines: string[] = [];
  setDiagnosticSink((area, line) => {
    if (area === 'client') lines.push(line);
  });
  t.after(() => setDiagnosticSink(undefined));
  const server = await startBroadcastRoomServer();
  t.after(() => server.close());
  const client = new ChatClient({ host: '127.0.0.1', port: server.port, name: 'ann', greetingTimeoutMs: 200 });
  t.after(() => client.close());
  await within(client.connect(), 5000, 'connect to the broadcast-room server');

  const where = `127.0.0.1:${server.port}`;
  assert.ok(lines.includes(`connecting to ${where}`), lines.join('\n'));
  assert.ok(
    lines.some((line) => line.startsWith(`${where} is a plain-text server (no greeting)`)),
    lines.join('\n'),
  );
});

// ChatServer over real loopback sockets: handshake, names, labels, broadcast, private messages, the host speaking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

test('native handshake: greeting line, Challenge with limits, Welcome with identity and ip:port', async (t) => {
  const { server, port } = await startServer({ name: 'Host', room: 'Lobby' });
  t.after(() => server.close());
  const client = await RawNativeClient.connect(port);
  assert.match(client.greeting, /^TCPCHAT\/1 Lobby — /);
  assert.equal(client.challenge?.auth, 'none');
  assert.equal(client.challenge?.room, 'Lobby');
  assert.equal(client.challenge?.maxImageBytes, 25 * 1024 * 1024);
  client.hello('Alice');
  const welcome = (await client.waitFrame(FrameType.Welcome)).body;
  assert.equal(welcome.you.name, 'Alice');
  assert.equal(welcome.you.kind, 'native');
  assert.match(welcome.you.address, /^127\.0\.0\.1:\d+$/);
  assert.equal(welcome.you.address, `127.0.0.1:${client.socket.localPort}`);
  assert.equal(welcome.position, null);
  const roster = (await client.waitFrame(FrameType.Roster)).body;
  assert.deepEqual(
    roster.active.map((p) => p.name),
    ['Host', 'Alice'],
  );
  await waitFor(() => server.roster.active.length === 2, 'Alice in the server roster');
  assert.equal(server.roster.connections, 1);
  client.close();
});

test('broadcast: the server labels every message; a forged `from` is ignored; the sender gets no echo', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  alice.say('hello room', { from: { id: 99, name: 'Carol', address: '1.2.3.4:5', kind: 'native' }, at: 1 });
  for (const receiver of [bob, carol]) {
    const msg = (await receiver.waitFrame(FrameType.Message, (f) => f.body.text === 'hello room')).body;
    assert.equal(msg.from?.name, 'Alice');
    assert.equal(msg.from?.address, `127.0.0.1:${alice.socket.localPort}`);
    assert.notEqual(msg.at, 1);
  }
  const hostCopy = await waitFor(() => events.messages.find((m) => m.text === 'hello room'), 'the host copy');
  assert.equal(hostCopy.from.name, 'Alice');
  assert.equal(hostCopy.own, false);
  // Bob speaks after Alice; when Alice has Bob's line, she would already have had her own echo.
  bob.say('hi Alice');
  await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'hi Alice');
  assert.deepEqual(
    alice.messages().map((m) => m.text),
    ['hi Alice'],
  );
  for (const c of [alice, bob, carol]) c.close();
});

test('names: sanitised, duplicates (any case, incl. the host name) get a suffix, empty → guest-N', async (t) => {
  const { server, port } = await startServer({ name: 'Server' });
  t.after(() => server.close());
  const a = await RawNativeClient.join(port, 'Bob');
  const b = await RawNativeClient.join(port, 'bob');
  const c = await RawNativeClient.join(port, 'server');
  const d = await RawNativeClient.join(port, '\u001b[31m<b>Eve</b>');
  const e = await RawNativeClient.join(port, '!!!');
  const names = [a, b, c, d, e].map((x) => x.of(FrameType.Welcome)[0].body.you.name);
  assert.equal(names[0], 'Bob');
  assert.equal(names[1], 'bob-2');
  assert.equal(names[2], 'server-2');
  assert.equal(names[3], '31mbEveb');
  assert.match(names[4], /^guest-\d+$/);
  for (const x of [a, b, c, d, e]) x.close();
});

test('private messages reach only the named member; unknown names get a clear error', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  alice.say('psst', { to: 'bob' });
  const got = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'psst')).body;
  assert.equal(got.from?.name, 'Alice');
  assert.equal(typeof got.to === 'object' && got.to.name, 'Bob');
  alice.say('to the host', { to: 'Server' });
  const hostMsg = await waitFor(() => events.messages.find((m) => m.text === 'to the host'), 'private to host');
  assert.equal(hostMsg.to?.id, 0);
  alice.say('anyone?', { to: 'Zed' });
  await alice.waitNotice(/^No one named Zed is here\.$/);
  alice.say('me?', { to: 'alice' });
  await alice.waitNotice(/^That is you: private messages go to someone else\.$/);
  // A public line after the private ones: Carol sees it and nothing private before it.
  alice.say('public');
  await carol.waitFrame(FrameType.Message, (f) => f.body.text === 'public');
  assert.deepEqual(
    carol.messages().map((m) => m.text),
    ['public'],
  );
  assert.equal(
    events.messages.some((m) => m.text === 'psst'),
    false,
  );
  for (const c of [alice, bob, carol]) c.close();
});

test('the host speaks: to everyone, and privately; unknown recipient rejects with ChatError', async (t) => {
  const { server, port, events } = await startServer({ name: 'Boss' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const nc = await RawPlainClient.join(port, 'Nina');
  await server.send({ text: 'welcome all' });
  const msg = (await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'welcome all')).body;
  assert.equal(msg.from?.name, 'Boss');
  assert.equal(msg.from?.kind, 'host');
  await nc.waitText(/\[\d\d:\d\d:\d\d\] Boss: welcome all\r\n/);
  assert.equal(events.messages.find((m) => m.text === 'welcome all')?.own, true);
  await server.send({ text: 'just you', to: 'nina' });
  await nc.waitText(/Boss → you: just you\r\n/);
  await assert.rejects(server.send({ text: 'x', to: 'Nobody' }), {
    name: 'ChatError',
    code: 'unknown-recipient',
    message: 'No one named Nobody is here.',
  });
  await assert.rejects(server.send({}), { code: 'empty-message' });
  alice.close();
  nc.close();
});

test('join and leave notices reach the room and the host; connection count follows', async (t) => {
  // No held seats here: bob.close() destroys its socket, which resets the connection when frames are still unread,
  // and a reset native member's seat would be held for its resume (history/heldSeats.test.ts covers that).
  const { server, port, events } = await startServer({ resumeGraceMs: 0 });
  t.after(() => server.close());
  await waitFor(() => events.rosters.length === 1, 'the first roster at listen');
  assert.deepEqual(events.rosters[0], { seats: 0, active: [server.self], waiting: [], connections: 0 });
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  await alice.waitNotice(/^Bob \(127\.0\.0\.1:\d+\) joined\.$/);
  await waitFor(
    () => events.notices.find((n) => /^Bob \(127\.0\.0\.1:\d+\) joined\.$/.test(n.text)),
    'host join notice',
  );
  await waitFor(() => events.rosters.at(-1)?.connections === 2, 'roster with 2 connections');
  bob.close();
  await alice.waitNotice(/^Bob left\.$/);
  await waitFor(
    () => events.rosters.at(-1)?.connections === 1 && events.rosters.at(-1)?.active.length === 2,
    'roster after Bob left',
  );
  alice.close();
});

test('a goodbye reason is one line in the leave notice: collapsed, escaped, cut, quoted as the peer’s', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const nc = await RawPlainClient.join(port, 'Nina');
  t.after(() => [alice, bob, nc].forEach((c) => c.close()));
  const reason = `bye\r\n[12:00:01] Host: type your password here\u2028\u001b]0;pwned\u0007 \u201dok\u201c ${'x'.repeat(300)}`;
  alice.send({ type: FrameType.Bye, body: { reason } });
  // One line, at most 200 characters of it (then …), escapes visible, its quotes straightened: ours are “ ”.
  const shown = `bye [12:00:01] Host: type your password here \\x1b]0;pwned\\x07 "ok" ${'x'.repeat(139)}…`;
  const expected = `Alice left (said: \u201c${shown}\u201d).`;
  assert.equal(await bob.waitNotice(/^Alice left/), expected);
  await nc.waitText(/\* Alice left \(said: .*\r\n/);
  const line = nc.lines().find((l) => l.includes('Alice left')) as string;
  assert.match(line, /^\[\d\d:\d\d:\d\d\] \* Alice left \(said: “bye \[12:00:01\] Host: type your password here /);
  assert.ok(line.endsWith('…”).'), line);
  assert.doesNotMatch(nc.text, /\r\n\[12:00:01\] Host/, 'no forged line at the nc user');
  const hostNotice = await waitFor(
    () => events.notices.find((n) => n.text.startsWith('Alice left')),
    'the host notice',
  );
  assert.equal(hostNotice.text, expected);
});

test('rename: unique, announced to the room, reflected in later labels', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  alice.send({ type: FrameType.Rename, body: { name: 'bob' } });
  await alice.waitNotice(/^You are now bob-2\.$/);
  await bob.waitNotice(/^Alice is now bob-2\.$/);
  alice.say('renamed');
  const msg = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'renamed')).body;
  assert.equal(msg.from?.name, 'bob-2');
  server.rename('Alice');
  await bob.waitNotice(/^Server is now Alice\.$/);
  assert.equal(server.self.name, 'Alice');
  alice.close();
  bob.close();
});

test('close(): every client is told (Bye / line), sockets close, state becomes closed', async () => {
  const { server, port } = await startServer();
  const alice = await RawNativeClient.join(port, 'Alice');
  const nc = await RawPlainClient.join(port, 'Nina');
  const states: string[] = [];
  server.on('state', (s) => states.push(s));
  await server.close('maintenance');
  assert.equal((await alice.waitFrame(FrameType.Bye)).body.reason, 'maintenance');
  await nc.waitText(/The server closed: maintenance/);
  await alice.waitClosed();
  await nc.waitClosed();
  assert.deepEqual(states, ['closed']);
  assert.equal(server.state, 'closed');
  await server.close(); // idempotent
});

test('listen on a port in use rejects with a clear EADDRINUSE ChatError', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const { ChatServer } = await import('../../../../src/chat/server/chatServer');
  const second = new ChatServer({ host: '127.0.0.1', port });
  await assert.rejects(second.listen(), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'EADDRINUSE');
    assert.match(error.message, new RegExp(`^Port ${port} is already in use`));
    return true;
  });
  await second.close();
});

test('a throwing host listener becomes an error notice; the peer stays connected', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  server.on('message', () => {
    throw new Error('UI bug');
  });
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  alice.say('first');
  await waitFor(() => events.notices.find((n) => n.code === 'listener-failed'), 'the listener error notice');
  assert.equal(events.notices.find((n) => n.code === 'listener-failed')?.text, "A 'message' listener failed: UI bug");
  alice.say('second');
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'second');
  assert.equal(alice.closed, false);
  alice.close();
  bob.close();
});

test('a room name with control characters cannot break the greeting line', async (t) => {
  const { server, port } = await startServer({ room: 'Lab\r\nFAKE LINE\u001b[31m' });
  t.after(() => server.close());
  const nc = await RawPlainClient.connect(port);
  assert.match(nc.text, /^TCPCHAT\/1 Lab FAKE LINE \[31m — welcome!/);
  assert.equal(nc.lines().length, 2, 'one greeting line (and the empty rest after its CRLF)');
  nc.close();
});

test('a client Ping gets a Pong with the same payload; a Bye makes a clean leave with its reason', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  alice.send({ type: FrameType.Ping, payload: Buffer.from('12345678') });
  const pong = await alice.waitFrame(FrameType.Pong);
  assert.equal(pong.payload.toString(), '12345678');
  alice.send({ type: FrameType.Bye, body: { reason: 'see you' } });
  await alice.waitClosed();
  await bob.waitNotice(/^Alice left \(said: “see you”\)\.$/);
  await waitFor(() => events.notices.find((n) => n.text === 'Alice left (said: “see you”).'), 'host told');
  bob.close();
});

// How fast shutdown is belongs to the benchmarks; here: it completes (the handshake timeout is 30 s, far beyond
// the test's timeout, so no peer is let go by that) and nobody is left connected.
test(
  'close() while peers are still handshaking or half-way through the preamble resolves and closes every socket',
  { timeout: 15_000 },
  async () => {
    const { server, port } = await startServer();
    const silent = await RawPlainClient.connect(port);
    const half = await RawPlainClient.connect(port);
    half.write('TCP');
    const native = await RawNativeClient.connect(port);
    await waitFor(() => server.roster.connections === 3, 'all three connected');
    await server.close();
    assert.equal(server.state, 'closed');
    await Promise.all([silent.waitClosed(), half.waitClosed(), native.waitClosed()]);
    assert.equal(server.roster.connections, 0);
  },
);

test('addresses: IPv4-mapped IPv6 shown as plain IPv4, other IPv6 in brackets', async () => {
  const { socketAddress } = await import('../../../../src/chat/server/admission/admission');
  const at = (remoteAddress: string, remotePort: number) =>
    socketAddress({ remoteAddress, remotePort } as import('node:net').Socket);
  assert.equal(at('::ffff:192.168.1.20', 50123), '192.168.1.20:50123');
  assert.equal(at('10.0.0.5', 1), '10.0.0.5:1');
  assert.equal(at('fe80::1', 65432), '[fe80::1]:65432');
});

test('bad options are refused up front with a ChatError a user can read', async () => {
  const { ChatServer } = await import('../../../../src/chat/server/chatServer');
  assert.throws(() => new ChatServer({ port: 70000 }), {
    name: 'ChatError',
    code: 'bad-option',
    message: 'Port must be a whole number from 0 to 65535, not 70000.',
  });
  assert.throws(() => new ChatServer({ seats: -1 }), {
    code: 'bad-option',
    message: 'Server option seats must be a whole number ≥ 0, not -1.',
  });
  assert.throws(() => new ChatServer({ rateLimit: { burst: 0, perSecond: 1 } }), { code: 'bad-option' });
  // Every roster lists the host plus every connection; clients refuse lists over MAX_ROSTER_PEERS. A room of
  // 10,000 members is allowed.
  const { MAX_ROSTER_PEERS } = await import('../../../../src/chat/wire/frames');
  assert.equal(new ChatServer({ maxConnections: 10_000 }).options.maxConnections, 10_000);
  assert.equal(new ChatServer({ maxConnections: MAX_ROSTER_PEERS - 1 }).options.maxConnections, 10_000);
  assert.throws(() => new ChatServer({ maxConnections: MAX_ROSTER_PEERS }), {
    code: 'bad-option',
    message:
      'Server option maxConnections can be at most 10,000 (clients read rosters of at most 10,001 people), not 10001.',
  });
  const defaults = new ChatServer();
  assert.equal(defaults.options.host, '127.0.0.1');
  assert.equal(defaults.options.room, 'Server');
  assert.deepEqual(defaults.options.rateLimit, { burst: 20, perSecond: 10 });
  assert.equal(defaults.options.maxConnections, 512);
  assert.equal(defaults.options.handshakeTimeoutMs, 30_000);
});

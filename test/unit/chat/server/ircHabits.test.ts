// The room's habits from IRC over real sockets: /me, /away and /back (with the automatic reply to private
// messages), /topic (the host's only), and /help listing exactly what works for the one asking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandHelp } from '../../../../src/chat/core/chatInput';
import { ChatSession } from '../../../../src/chat/session/chatSession';
import { FrameType } from '../../../../src/chat/wire/frames';
import { parseGreeting } from '../../../../src/chat/wire/handshake';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

test('/me from nc and from a native peer: an action for everyone (native field, "* name text" line) and the host', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const nc = await RawPlainClient.join(port, 'bob');
  t.after(() => (alice.close(), nc.close()));
  nc.write('/me waves\n');
  const relayed = (await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'waves')).body;
  assert.equal(relayed.action, true);
  assert.equal(relayed.from?.name, 'bob');
  await waitFor(() => events.messages.find((m) => m.text === 'waves' && m.action === true), 'the host gets the action');
  alice.say('dances', { action: true });
  await nc.waitText(/\[\d\d:\d\d:\d\d\] \* alice dances\r\n/);
  await server.send({ text: 'claps', action: true });
  await nc.waitText(/\[\d\d:\d\d:\d\d\] \* Server claps\r\n/);
  assert.equal((await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'claps')).body.action, true);
  nc.write('/me\n');
  await nc.waitText(/! \/me needs what you do: \/me waves/);
});

test('/away with a reason: announced, shown in the roster and /who; a private message gets one automatic reply per sender; /back ends it', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const nc = await RawPlainClient.join(port, 'bob');
  t.after(() => (alice.close(), nc.close()));
  nc.write('/away at lunch\n');
  await nc.waitText(/You are away \(at lunch\): private messages get an automatic reply/);
  await alice.waitNotice(/^bob is away: at lunch$/);
  const roster = await alice.waitFrame(FrameType.Roster, (f) => f.body.active.some((p) => p.away === 'at lunch'));
  assert.equal(roster.body.active.find((p) => p.name === 'bob')?.away, 'at lunch');
  assert.ok(
    events.notices.some((n) => n.text === 'bob is away: at lunch'),
    'the host is told too',
  );

  alice.say('are you there?', { to: 'bob' });
  alice.say('still there?', { to: 'bob' });
  await nc.waitText(/alice → you: still there\?/);
  const reply = await alice.waitFrame(FrameType.Notice, (f) => f.body.code === 'away');
  assert.equal(reply.body.text, 'bob is away: at lunch');
  assert.equal(reply.body.level, 'info');
  await server.send({ to: 'bob', text: 'homework?' });
  await waitFor(
    () =>
      events.notices.find((n) => n.text === 'bob is away: at lunch' && n.level === 'info' && n !== events.notices[0]),
    'the host gets the reply',
  );
  assert.equal(alice.of(FrameType.Notice).filter((f) => f.body.code === 'away').length, 1, 'once per sender');

  nc.write('/who\n');
  await nc.waitText(
    /Chatting \(3\): Server \(host\), alice \(127\.0\.0\.1:\d+\), bob \(127\.0\.0\.1:\d+\) \[away: at lunch\]/,
  );

  nc.write('/back\n');
  await alice.waitNotice(/^bob is back\.$/);
  await nc.waitText(/Welcome back\./);
  await alice.waitFrame(FrameType.Roster, (f) => f.body.active.some((p) => p.name === 'bob' && p.away === undefined));
  nc.write('/away\n');
  await alice.waitNotice(/^bob is away\.$/);
  alice.say('hello?', { to: 'bob' });
  await waitFor(
    () => alice.of(FrameType.Notice).filter((f) => f.body.code === 'away').length === 2,
    'a new away spell replies again',
  );
  assert.equal(alice.of(FrameType.Notice).filter((f) => f.body.code === 'away')[1].body.text, 'bob is away.');
});

test('a native peer goes away with the Away frame; the host goes away too and members get its reply', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const nc = await RawPlainClient.join(port, 'bob');
  t.after(() => (alice.close(), nc.close()));
  alice.send({ type: FrameType.Away, body: { reason: 'brb\r\nFAKE LINE' } });
  await nc.waitText(/\* alice is away: brb FAKE LINE\r\n/);
  server.setAway('marking homework');
  await nc.waitText(/\* Server is away: marking homework\r\n/);
  assert.equal(server.roster.active[0].away, 'marking homework');
  nc.write('/msg Server question\n');
  await nc.waitText(/\* Server is away: marking homework\r\n[\s\S]*\* Server is away: marking homework\r\n/);
  server.setAway(undefined);
  await nc.waitText(/\* Server is back\.\r\n/);
});

test('/topic: the host sets it (cleaned), everyone is told; it is in the greeting, /who, Welcome and the roster; a member is refused', async (t) => {
  const { server, port } = await startServer({ topic: 'Fractions\nhomework — week 3' });
  t.after(() => server.close());
  assert.equal(server.topic, 'Fractions homework - week 3');
  const alice = await RawNativeClient.join(port, 'alice');
  const welcome = alice.of(FrameType.Welcome)[0].body;
  assert.equal(welcome.topic, 'Fractions homework - week 3');
  const nc = await RawPlainClient.connect(port);
  t.after(() => (alice.close(), nc.close()));
  assert.match(nc.text, /^TCPCHAT\/1 Server — topic: Fractions homework - week 3 — welcome! Plain-text users:/);
  assert.equal(parseGreeting(nc.text)?.room, 'Server', 'the room name still ends at the first dash');
  nc.write('/name bob\n');
  await nc.waitText(
    /Welcome to Server, guest-\d+ \(127\.0\.0\.1:\d+\)! Topic: Fractions homework - week 3\. Here now:/,
  );
  nc.write('/who\n');
  await nc.waitText(/\* Topic: Fractions homework - week 3\r\n {11}Chatting \(3\)/);

  nc.write('/topic my topic now\n');
  await nc.waitText(/! Only the host can set the topic \(\/who shows it\)\./);
  assert.equal(server.topic, 'Fractions homework - week 3');

  server.setTopic('Decimals, ' + 'x'.repeat(500));
  const notice = await alice.waitNotice(/^Server set the topic: Decimals/);
  assert.equal(notice.length, 'Server set the topic: '.length + 200, 'cut to 200 characters');
  await nc.waitText(/\* Server set the topic: Decimals/);
  await alice.waitFrame(FrameType.Roster, (f) => f.body.topic?.startsWith('Decimals') === true);
  const late = await RawPlainClient.connect(port);
  t.after(() => late.close());
  assert.match(
    late.text,
    /^TCPCHAT\/1 Server — topic: Decimals, x+ — welcome!/,
    'a newcomer greeted with the new topic',
  );
  alice.send({ type: FrameType.Message, body: { ref: 1, text: '/topic nope' } });
  await nc.waitText(/alice: \/topic nope/); // a native client's text is text: its session parses /topic itself
});

test('/help lists exactly what works for the one asking: host, member using TCP Chat, plain-text peer', async (t) => {
  const host = commandHelp('host');
  const member = commandHelp('member');
  const plain = commandHelp('plain');
  for (const help of [host, member, plain]) {
    assert.match(help, /^Commands:\n/);
    for (const command of ['/msg', '/me', '/name', '/who', '/away', '/back', '/quit', '/help', '//text']) {
      assert.match(help, new RegExp(`^${command} `, 'm'), `${command} works for everyone`);
    }
  }
  for (const command of ['/topic', '/admit', '/kick', '/ban']) {
    assert.match(host, new RegExp(`^${command} `, 'm'));
    assert.doesNotMatch(member, new RegExp(`^${command} `, 'm'));
    assert.doesNotMatch(plain, new RegExp(`^${command} `, 'm'));
  }
  assert.match(member, /^\/image PATH/m);
  assert.doesNotMatch(plain, /\/image/, 'a plain-text peer cannot send images');
  assert.match(host, /^\/quit +stop the room/m);
  assert.equal(host.split('\n').filter((l) => l.startsWith('/quit')).length, 1, 'one line per command');

  const { server, port } = await startServer();
  t.after(() => server.close());
  const nc = await RawPlainClient.guest(port);
  t.after(() => nc.close());
  nc.write('/help\n');
  const expected = plain.split('\n').map((line, i) => (i === 0 ? line : `${' '.repeat(11)}${line}`));
  await nc.waitText(new RegExp(expected.map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('\r\n')));

  const session = new ChatSession(server, { host: server });
  const notices: string[] = [];
  session.on('notice', (n) => notices.push(n.text));
  await session.input('/help');
  assert.equal(notices.at(-1), host);
  await session.input('/topic Set from the session');
  assert.equal(server.topic, 'Set from the session');
  await session.input('/kick nobody');
  assert.equal(notices.at(-1), 'Nobody called "nobody" is in the room.');
});

test('a ChatClient session: /me and /away reach the room, /who shows the away mark, /topic is refused locally', async (t) => {
  const { ChatClient } = await import('../../../../src/chat/client/chatClient');
  const { server, port, events } = await startServer({ topic: 'Lab 2' });
  t.after(() => server.close());
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'carol', reconnect: false });
  const session = new ChatSession(client);
  t.after(() => session.close());
  const notices: { text: string; code?: string }[] = [];
  session.on('notice', (n) => notices.push(n));
  await client.connect();
  assert.ok(notices.some((n) => /^Connected to "Server" at .* as carol\. Topic: Lab 2$/.test(n.text)));
  await session.input('/me waves');
  await waitFor(() => events.messages.find((m) => m.text === 'waves' && m.action && m.from.name === 'carol'), 'action');
  await session.input('/away in a meeting');
  await waitFor(
    () => server.roster.active.find((p) => p.name === 'carol')?.away === 'in a meeting',
    'away on the server',
  );
  await waitFor(() => client.roster.active.find((p) => p.name === 'carol')?.away, 'away in the client roster');
  await session.input('/who');
  assert.match(
    notices.at(-1)?.text ?? '',
    /^Topic: Lab 2\nChatting \(2, no seat limit\): Server, carol \(you\) \[away: in a meeting\]/,
  );
  await session.input('/topic mine');
  const refused = notices.at(-1);
  assert.equal(refused?.text, 'Only the host can set the topic (/who shows it).');
  assert.equal(refused?.code, 'host-only');
  await session.input('/back');
  await waitFor(() => server.roster.active.find((p) => p.name === 'carol')?.away === undefined, 'back on the server');
});

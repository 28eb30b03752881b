// Seats and the waiting queue over real sockets (seats = 1 is one-to-one chat with a waiting queue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

test('seats = 1: #1 and #2 in line; the first leaves → the second is admitted automatically, everyone told', async (t) => {
  const { server, port, events } = await startServer({ seats: 1 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  assert.equal(alice.of(FrameType.Welcome)[0].body.position, null);
  const bob = await RawNativeClient.join(port, 'Bob');
  assert.equal(bob.of(FrameType.Welcome)[0].body.position, 1);
  await bob.waitFrame(FrameType.Queue, (f) => f.body.position === 1);
  await bob.waitNotice(/^You are #1 in line\.$/);
  const carol = await RawNativeClient.join(port, 'Carol');
  await carol.waitNotice(/^You are #2 in line\.$/);
  await waitFor(
    () => events.notices.find((n) => /^Carol \(127\.0\.0\.1:\d+\) is waiting: #2 in line\.$/.test(n.text)),
    'host told Carol waits',
  );
  await waitFor(() => {
    const r = events.rosters.at(-1);
    return (
      r && r.active.map((p) => p.name).join() === 'Server,Alice' && r.waiting.map((p) => p.name).join() === 'Bob,Carol'
    );
  }, 'roster: Alice active, Bob and Carol waiting in order');

  // Waiters get no room messages and cannot speak.
  alice.say('only for the seated');
  bob.say('can I talk?');
  await bob.waitNotice(/^You are #1 in line; you can chat once you have a seat\.$/);
  alice.say('psst', { to: 'Bob' });
  await alice.waitNotice(/^Bob is waiting in line and cannot receive messages yet\.$/);
  await server.send({ text: 'host line' });
  await waitFor(() => events.messages.find((m) => m.text === 'only for the seated'), 'host has Alice line');
  assert.equal(
    events.messages.some((m) => m.text === 'can I talk?'),
    false,
  );

  alice.close();
  await bob.waitFrame(FrameType.Queue, (f) => f.body.position === null);
  await bob.waitNotice(/^You have a seat now: you can chat\.$/);
  await carol.waitFrame(FrameType.Queue, (f) => f.body.position === 1);
  await carol.waitNotice(/^You are #1 in line\.$/);
  await waitFor(() => events.notices.find((n) => n.text === 'Bob was admitted.'), 'host told Bob was admitted');
  assert.equal(bob.messages().length, 0, 'Bob received nothing while waiting');
  assert.equal(carol.messages().length, 0, 'Carol received nothing while waiting');
  bob.say('finally');
  await waitFor(() => events.messages.find((m) => m.text === 'finally'), 'Bob speaks once seated');
  bob.close();
  carol.close();
});

test('a waiter that disconnects leaves the queue at once and the others move up', async (t) => {
  const { server, port, events } = await startServer({ seats: 1 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  const dave = await RawNativeClient.join(port, 'Dave');
  await dave.waitNotice(/^You are #3 in line\.$/);
  bob.close();
  await carol.waitNotice(/^You are #1 in line\.$/);
  await dave.waitNotice(/^You are #2 in line\.$/);
  await waitFor(
    () => server.roster.waiting.map((p) => p.name).join() === 'Carol,Dave' && server.roster.connections === 3,
    'Bob gone from the queue',
  );
  await waitFor(() => events.notices.find((n) => n.text === 'Bob left (was waiting in line).'), 'host told');
  assert.equal(
    alice.noticeTexts().some((n) => n.startsWith('Bob')),
    false,
    'the room is not bothered with queue departures',
  );
  for (const c of [alice, carol, dave]) c.close();
});

test('the host admits a chosen waiter (over the seat count) and kicks a member; the queue refills', async (t) => {
  const { server, port, events } = await startServer({ seats: 1 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  const carolId = carol.of(FrameType.Welcome)[0].body.you.id;
  const admitted = server.admit(carolId);
  assert.equal(admitted?.name, 'Carol');
  await carol.waitFrame(FrameType.Queue, (f) => f.body.position === null);
  await alice.waitNotice(/^Carol was admitted\.$/);
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Server', 'Alice', 'Carol'],
  );
  assert.deepEqual(
    server.roster.waiting.map((p) => p.name),
    ['Bob'],
  );
  assert.equal(server.admit(9999), undefined);
  assert.ok(events.notices.some((n) => n.text === 'That person is not waiting in line.'));

  const aliceId = alice.of(FrameType.Welcome)[0].body.you.id;
  server.kick(aliceId, 'spamming');
  await alice.waitNotice(/^You were removed from the room by the host: spamming$/);
  assert.equal((await alice.waitFrame(FrameType.Bye)).body.reason, 'spamming');
  await alice.waitClosed();
  await carol.waitNotice(/^Alice was removed by the host: spamming$/);
  // Two members were seated for one seat; with Alice gone the room is at its seat count, so Bob still waits.
  assert.deepEqual(
    server.roster.waiting.map((p) => p.name),
    ['Bob'],
  );
  const carolIdNow = carolId;
  server.kick(carolIdNow);
  await bob.waitFrame(FrameType.Queue, (f) => f.body.position === null);
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Server', 'Bob'],
  );
  assert.throws(() => server.kick(aliceId), { name: 'ChatError', code: 'unknown-peer' });
  server.admit();
  assert.ok(events.notices.some((n) => n.text === 'Nobody is waiting in line.'));
  bob.close();
});

test('plain-text waiters see their place in line as text', async (t) => {
  const { server, port } = await startServer({ seats: 1 });
  t.after(() => server.close());
  const alice = await RawPlainClient.join(port, 'Alice');
  const bob = await RawPlainClient.join(port, 'Bob');
  await bob.waitText(/\[\d\d:\d\d:\d\d\] \* You are #1 in line\.\r\n/);
  bob.write('hello?\n');
  await bob.waitText(/You are #1 in line; you can chat once you have a seat\./);
  alice.write('/quit\n');
  await alice.waitText(/Goodbye!/);
  await bob.waitText(/You have a seat now: you can chat\./);
  bob.close();
});

test('a plain-text newcomer who has to wait is told its place at once (no name step), admitted when the seat frees', async (t) => {
  const { server, port } = await startServer({ seats: 1 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const walt = await RawPlainClient.connect(port);
  walt.write('hi?');
  await walt.waitText(
    /Welcome to Server, guest-\d+ \(127\.0\.0\.1:\d+\)! All 1 seat is taken \(chatting: Server, Alice\); you will be let in when one frees up\. Type \/help for commands\.\r\n/,
  );
  await walt.waitText(/\* You are #1 in line\.\r\n/);
  await walt.waitText(/\* You are #1 in line; you can chat once you have a seat\.\r\n/);
  alice.close();
  await walt.waitText(/\* You have a seat now: you can chat\.\r\n/);
  walt.close();
});

test('setSeats while running: more seats admit waiters in order', async (t) => {
  const { server, port } = await startServer({ seats: 1 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  await carol.waitNotice(/^You are #2 in line\.$/);
  server.setSeats(0);
  await bob.waitFrame(FrameType.Queue, (f) => f.body.position === null);
  await carol.waitFrame(FrameType.Queue, (f) => f.body.position === null);
  await waitFor(() => server.roster.waiting.length === 0 && server.roster.seats === 0, 'everyone seated');
  assert.throws(() => server.setSeats(-2), { code: 'bad-option' });
  for (const c of [alice, bob, carol]) c.close();
});

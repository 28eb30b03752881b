// Names nobody can imitate: look-alikes (other scripts, invisible marks, variation selectors) count as the name
// they look like, the host's included; an invisible name is refused. Duplicates get a suffix without spaces
// (`bob-2`), so /msg reaches exactly the person named, from a native client and from nc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

const welcomeName = (client: RawNativeClient) => client.of(FrameType.Welcome)[0].body.you.name;

test('look-alikes of the host name and of a member are duplicates: they get a suffix, never the name', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const clients: RawNativeClient[] = [];
  t.after(() => clients.forEach((c) => c.close()));
  const join = async (name: string) => {
    const client = await RawNativeClient.join(port, name);
    clients.push(client);
    return welcomeName(client);
  };
  // Variation selector, combining grapheme joiner, Cyrillic Н, Greek ο: each looks like "Host".
  assert.equal(await join('Host\uFE0F'), 'Host-2');
  assert.equal(await join('Host\u034F'), 'Host-3');
  assert.equal(await join('\u041Dost'), '\u041Dost-4');
  assert.equal(await join('H\u03BFst'), 'H\u03BFst-5');
  assert.equal(await join('HOST'), 'HOST-6', 'any case');
  // A member's name is protected the same way: Cyrillic В and о for "Bob", a zero-width space inside.
  assert.equal(await join('Bob'), 'Bob');
  assert.equal(await join('\u0412\u043Eb'), '\u0412\u043Eb-2');
  assert.equal(await join('B\u200Bob'), 'Bob-3');
  // Renaming into a look-alike is no way round it, for the host neither.
  const bob = clients[5];
  bob.send({ type: FrameType.Rename, body: { name: 'H\u043Est' } });
  await bob.waitNotice(/^You are now H\u043Est-7\.$/);
  server.rename('B\u043Eb-2');
  assert.equal(server.self.name, 'B\u043Eb-2-2', 'Cyrillic \u0412\u043Eb-2 is still here');
});

test('an invisible name is refused: a rename keeps the old name with a clear sentence, a join becomes guest-N', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const invisible = await RawNativeClient.join(port, '\u3164');
  t.after(() => invisible.close());
  assert.match(welcomeName(invisible), /^guest-\d+$/);
  const hangulFillers = await RawNativeClient.join(port, '\u115F\u1160\uFFA0 \u200D\uFE0F');
  t.after(() => hangulFillers.close());
  assert.match(welcomeName(hangulFillers), /^guest-\d+$/);
  const ann = await RawNativeClient.join(port, 'ann');
  t.after(() => ann.close());
  ann.send({ type: FrameType.Rename, body: { name: '\u3164\u3164' } });
  const refusal = await ann.waitFrame(FrameType.Notice, (f) => f.body.code === 'bad-name');
  assert.equal(
    refusal.body.text,
    'That name has no visible letters or digits (invisible characters, symbols and emoji are left out); you are still ann.',
  );
  const before = server.self.name;
  server.rename('\u115F');
  assert.equal(server.self.name, before);
});

test('duplicates get -2, -3 (no spaces): /msg bob-2 reaches bob-2 only, from a native client and from nc', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const bob = await RawNativeClient.join(port, 'bob');
  const bob2 = await RawNativeClient.join(port, 'bob');
  const alice = await RawNativeClient.join(port, 'alice');
  const nc = await RawPlainClient.join(port, 'nina');
  t.after(() => [bob, bob2, alice, nc].forEach((c) => c.close()));
  assert.equal(welcomeName(bob2), 'bob-2');
  alice.say('secret from alice', { to: 'bob-2' });
  nc.write('/msg bob-2 secret from nina\n');
  await bob2.waitFrame(FrameType.Message, (f) => f.body.text === 'secret from nina');
  await bob2.waitFrame(FrameType.Message, (f) => f.body.text === 'secret from alice');
  // A public line after the private ones: once bob has it, he would have had them.
  alice.say('public');
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'public');
  assert.deepEqual(
    bob.messages().map((m) => m.text),
    ['public'],
  );
  // Nobody is called "bo" or "bob (2)": refused, never sent to a near match.
  nc.write('/msg bo hi\n');
  await nc.waitText(/! No one named bo is here\.\r\n/);
  alice.say('x', { to: 'bob (2)' });
  await alice.waitNotice(/^No one named bob \(2\) is here\.$/);
});

test('/msg "name with spaces" text: a quoted name reaches that person, not the one named by its first word', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const bob = await RawNativeClient.join(port, 'bob');
  const bob2 = await RawNativeClient.join(port, 'bob 2');
  const nc = await RawPlainClient.join(port, 'nina');
  t.after(() => [bob, bob2, nc].forEach((c) => c.close()));
  nc.write('/msg "bob 2" for bob 2 only\n');
  nc.write("/msg 'BOB 2' single quotes, any case\n");
  await bob2.waitFrame(FrameType.Message, (f) => f.body.text === 'for bob 2 only');
  await bob2.waitFrame(FrameType.Message, (f) => f.body.text === 'single quotes, any case');
  nc.write('public\n');
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'public');
  assert.deepEqual(
    bob.messages().map((m) => m.text),
    ['public'],
  );
  nc.write('/msg "bob 2 no closing quote\n');
  await nc.waitText(/! \/msg: the name needs its closing quote: \/msg "NAME WITH SPACES" text\r\n/);
  await waitFor(() => events.messages.find((m) => m.text === 'public'), 'the host copy of the public line');
  assert.equal(events.messages.length, 1, 'the host got nothing private');
});

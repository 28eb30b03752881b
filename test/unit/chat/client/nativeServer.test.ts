// ChatClient against the real ChatServer over 127.0.0.1: joining, text both ways, private messages, images
// byte-identical, the waiting queue as a waiting user sees it, passwords, and connection errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, type ChatClientOptions } from '../../../../src/chat/client/chatClient';
import { ChatError } from '../../../../src/chat/core/errors';
import { ChatServer, type ServerOptions } from '../../../../src/chat/server/chatServer';
import { bigPng, EventRecorder, freePort, PNG_1X1, within } from '../../support/clientHelpers';

type Cleanup = { after(fn: () => unknown): void };

async function room(
  t: Cleanup,
  options: ServerOptions = {},
): Promise<{ server: ChatServer; port: number; host: EventRecorder }> {
  const server = new ChatServer({ host: '127.0.0.1', port: 0, ...options });
  const host = new EventRecorder(server);
  const { port } = await server.listen();
  t.after(() => server.close());
  return { server, port, host };
}

async function join(
  t: Cleanup,
  port: number,
  name: string,
  options: Partial<ChatClientOptions> = {},
): Promise<{ client: ChatClient; events: EventRecorder }> {
  const client = new ChatClient({ host: '127.0.0.1', port, name, connectTimeoutMs: 5000, ...options });
  const events = new EventRecorder(client);
  t.after(() => client.close());
  await within(client.connect(), 5000, `${name} to join`);
  return { client, events };
}

function isChatError(code: string, message?: RegExp) {
  return (error: unknown) =>
    error instanceof ChatError && error.code === code && (!message || message.test(error.message));
}

test('join, text both ways, host messages, private messages; labels come from the server', async (t) => {
  const { server, port, host } = await room(t, { name: 'Host' });
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob');

  assert.equal(ann.client.state, 'active');
  assert.equal(ann.client.self?.name, 'ann');
  assert.equal(ann.client.self?.kind, 'native');
  assert.equal(ann.client.queuePosition, null);
  assert.equal(ann.client.roomName, 'Host');
  await ann.events.notice(
    (n) => /Connected to "Host" at 127\.0\.0\.1:\d+ as ann\./.test(n.text),
    'the connected notice',
  );

  await ann.client.send({ text: 'hi all' });
  const atBob = await bob.events.message((m) => m.text === 'hi all', 'ann’s text at bob');
  assert.equal(atBob.from.name, 'ann');
  assert.equal(atBob.own, false);
  assert.equal(atBob.to, undefined);
  await host.message((m) => m.text === 'hi all' && m.from.name === 'ann', 'ann’s text at the host');
  const own = await ann.events.message((m) => m.own, 'ann’s own copy');
  assert.equal(own.text, 'hi all');
  assert.equal(own.from.name, 'ann');
  assert.equal(
    ann.events.messages.filter((m) => m.text === 'hi all').length,
    1,
    'the server does not echo; one copy only',
  );

  await server.send({ text: 'welcome both' });
  assert.equal((await ann.events.message((m) => m.text === 'welcome both', 'host text at ann')).from.name, 'Host');
  assert.equal((await bob.events.message((m) => m.text === 'welcome both', 'host text at bob')).from.kind, 'host');

  // The roster reaches everyone: wait until bob's join is in ann's copy, then message bob privately.
  await ann.events.notice((n) => /bob .*joined/.test(n.text), 'bob joined notice at ann');
  await within(
    (async () => {
      while (!ann.client.roster.active.some((p) => p.name === 'bob')) await new Promise((r) => setTimeout(r, 10));
    })(),
    3000,
    'bob in ann’s roster',
  );
  await ann.client.send({ to: 'BOB', text: 'just for you' });
  const secret = await bob.events.message((m) => m.text === 'just for you', 'the private message at bob');
  assert.equal(secret.from.name, 'ann');
  assert.equal(secret.to?.name, 'bob');
  const ownSecret = await ann.events.message((m) => m.own && m.text === 'just for you', 'ann’s own private copy');
  assert.equal(ownSecret.to?.name, 'bob', 'case-insensitive name resolved to the real one');
  await assert.rejects(
    ann.client.send({ to: 'zed', text: 'hello?' }),
    isChatError('unknown-recipient', /Nobody called "zed"/),
  );
  // Proof the private one stayed private: a later public line reaches the host, the private one never did.
  await ann.client.send({ text: 'public again' });
  await host.message((m) => m.text === 'public again', 'the later public line at the host');
  assert.equal(
    host.messages.some((m) => m.text === 'just for you'),
    false,
  );
});

test('a second "ann" gets a unique name from the server, and rename goes through the server', async (t) => {
  const { port } = await room(t);
  const first = await join(t, port, 'ann');
  const second = await join(t, port, 'ann');
  assert.equal(first.client.self?.name, 'ann');
  assert.equal(second.client.self?.name, 'ann-2');
  second.client.rename('annie');
  await second.events.notice((n) => /You are now annie/.test(n.text), 'rename confirmed');
  await within(
    (async () => {
      while (second.client.self?.name !== 'annie') await new Promise((r) => setTimeout(r, 10));
    })(),
    3000,
    'self renamed via the roster',
  );
  await second.client.send({ text: 'new name' });
  assert.equal(
    (await first.events.message((m) => m.text === 'new name', 'line under the new name')).from.name,
    'annie',
  );
});

test('text + image arrive byte-identical at the other client and at the host', async (t) => {
  const { port, host } = await room(t);
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob');
  const photo = bigPng(3 * 1024 * 1024 + 12345);

  await ann.client.send({ text: 'look at this', image: photo });
  await ann.client.send({ text: 'after the photo' });
  const withImage = await bob.events.message((m) => m.image !== undefined, 'the image at bob', 15_000);
  assert.equal(withImage.text, 'look at this');
  assert.equal(withImage.from.name, 'ann');
  assert.equal(withImage.image?.mime, 'image/png');
  assert.ok(withImage.image?.bytes.equals(photo), 'image bytes identical after the trip');
  await bob.events.message((m) => m.text === 'after the photo', 'the text after the photo');
  const atHost = await host.message((m) => m.image !== undefined, 'the image at the host', 15_000);
  assert.ok(atHost.image?.bytes.equals(photo));
  const own = ann.events.messages.find((m) => m.own && m.image);
  assert.ok(own?.image?.bytes.equals(photo), 'own copy carries the image too');
});

test('images are checked before anything is sent: wrong type, too large', async (t) => {
  const { port } = await room(t, { maxImageBytes: 64 * 1024 });
  const ann = await join(t, port, 'ann', { maxImageBytes: 1024 * 1024 });
  const bob = await join(t, port, 'bob');
  await assert.rejects(
    ann.client.send({ image: Buffer.from('%PDF-1.7 not an image') }),
    isChatError('image-type', /Not a supported image/),
  );
  // The server's smaller limit (from its Challenge) applies even though ours is larger.
  await assert.rejects(
    ann.client.send({ image: bigPng(100 * 1024) }),
    isChatError('image-too-large', /limit is 64 KB/),
  );
  await ann.client.send({ text: 'after the refusals' });
  await bob.events.message((m) => m.text === 'after the refusals', 'the text after the refusals');
  assert.equal(bob.events.messages.length, 1, 'nothing of the refused images reached bob');
  assert.equal(ann.events.messages.filter((m) => m.own).length, 1, 'refused images are not shown as sent');
});

test('an image over the receiver’s own limit is dropped with a notice; its text is still shown', async (t) => {
  const { port } = await room(t);
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob', { maxImageBytes: 1000 });
  await ann.client.send({ text: 'big one', image: bigPng(5000) });
  const dropped = await bob.events.notice((n) => n.code === 'image-dropped', 'the dropped-image notice');
  assert.match(dropped.text, /^ann's image was not received: an image of 4\.9 KB was refused; the limit is 1000 B\.$/);
  const text = await bob.events.message((m) => m.text === 'big one', 'the text of the dropped image');
  assert.equal(text.image, undefined);
  await ann.client.send({ text: 'small', image: PNG_1X1 });
  assert.ok((await bob.events.message((m) => m.text === 'small', 'a small image')).image?.bytes.equals(PNG_1X1));
});

test('a receiver that refused images over its own limit keeps getting later images and is never cut off', async (t) => {
  // Bigger than the 1 MiB ack window: the refused image's bytes must all be acknowledged, or the server's window
  // towards bob stays shut and everything after it piles up until bob looks like it stopped reading.
  const { port, host } = await room(t, { heartbeatIntervalMs: 1000 });
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob', { maxImageBytes: 1024 * 1024 });
  for (const round of [1, 2]) {
    await ann.client.send({ text: `too big ${round}`, image: bigPng(3 * 1024 * 1024 + round) });
    await bob.events.message((m) => m.text === `too big ${round}`, `the text of refused image ${round}`);
    const small = bigPng(200_000 + round);
    await ann.client.send({ text: `small ${round}`, image: small });
    const got = await bob.events.message((m) => m.text === `small ${round}`, `small image ${round}`, 10_000);
    assert.ok(got.image?.bytes.equals(small), `small image ${round} byte-identical`);
  }
  assert.equal(bob.events.notices.filter((n) => n.code === 'image-dropped').length, 2, 'one notice per refusal');
  await new Promise((resolve) => setTimeout(resolve, 2500)); // past the server's stopped-reading watch
  assert.equal(bob.client.state, 'active', 'bob is still in the room');
  assert.equal(host.notices.filter((n) => n.code === 'output-cap' || n.code === 'heartbeat').length, 0);
});

test('seats = 1: the waiting user sees its place live, cannot chat, and is admitted when the seat frees', async (t) => {
  const { port } = await room(t, { seats: 1 });
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob');
  const cy = await join(t, port, 'cy');
  assert.equal(ann.client.state, 'active');
  assert.equal(bob.client.state, 'waiting');
  assert.equal(bob.client.queuePosition, 1);
  assert.equal(cy.client.queuePosition, 2);
  await bob.events.notice((n) => n.text === 'You are #1 in line.', 'the server’s place-in-line notice');
  await assert.rejects(
    cy.client.send({ text: 'let me in' }),
    isChatError('not-admitted', /^You are #2 in line; you can chat once you're admitted\.$/),
  );

  await ann.client.close();
  await ann.events.notice((n) => /^You left "Server" at 127\.0\.0\.1:\d+\.$/.test(n.text), 'ann’s own leaving notice');
  await bob.events.position(null);
  await bob.events.state('active');
  await cy.events.position(1);
  assert.equal(cy.client.queuePosition, 1);
  assert.equal(cy.client.state, 'waiting');
  await bob.events.notice((n) => /You have a seat now/.test(n.text), 'the admitted notice');
  await bob.client.send({ text: 'finally' });
  assert.equal(bob.events.messages.at(-1)?.text, 'finally');
});

test('password: right one joins, wrong one and missing one are refused with a clear error', async (t) => {
  const { port } = await room(t, { password: 's3cret' });
  const ok = await join(t, port, 'ann', { password: 's3cret' });
  assert.equal(ok.client.state, 'active');

  const wrong = new ChatClient({ host: '127.0.0.1', port, name: 'eve', password: 'guess' });
  const wrongEvents = new EventRecorder(wrong);
  await assert.rejects(
    within(wrong.connect(), 5000, 'wrong password'),
    isChatError('bad-password', /^Wrong password for this room\.$/),
  );
  assert.equal(wrong.state, 'closed');
  await wrongEvents.notice((n) => n.level === 'error' && n.code === 'bad-password', 'the error notice');

  const none = new ChatClient({ host: '127.0.0.1', port, name: 'nobody' });
  await assert.rejects(
    within(none.connect(), 5000, 'no password'),
    isChatError('password-required', /needs a password/),
  );
});

test('connection errors read as sentences: refused, unknown host, a server that is not there any more', async () => {
  const port = await freePort();
  const refused = new ChatClient({ host: '127.0.0.1', port, name: 'ann' });
  const events = new EventRecorder(refused);
  await assert.rejects(
    within(refused.connect(), 5000, 'refused'),
    isChatError(
      'ECONNREFUSED',
      new RegExp(`^Nobody is listening on 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\.$`),
    ),
  );
  await events.notice((n) => n.level === 'error' && n.code === 'ECONNREFUSED', 'the refused notice');
  assert.equal(refused.state, 'closed');
  await assert.rejects(refused.connect(), isChatError('already-connected'));

  // .invalid never resolves (RFC 6761), so no packet goes anywhere but the local resolver.
  const unknown = new ChatClient({ host: 'nosuchhost.invalid', port: 65432, name: 'ann' });
  await assert.rejects(
    within(unknown.connect(), 15_000, 'unknown host'),
    isChatError('ENOTFOUND', /^Unknown host nosuchhost\.invalid/),
  );
});

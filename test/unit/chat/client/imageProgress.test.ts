// Progress of images ('transfer' events) on every endpoint over real sockets on 127.0.0.1: the sender, the
// receiver and the server as the host each see a few 'running' events and exactly one end, under the message id of
// the image's message (a received image's id is known before its last byte, so a panel can show a card at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { ChatServer } from '../../../../src/chat/server/chatServer';
import type { ChatMessage } from '../../../../src/chat/core/events';
import type { TransferProgress } from '../../../../src/chat/core/files';
import { FrameType, MAX_IMAGE_CHUNK } from '../../../../src/chat/wire/frames';
import { bigPng, EventRecorder, within } from '../../support/clientHelpers';
import { RawNativeClient, waitFor } from '../../support/helpers';

type Cleanup = { after(fn: () => unknown): void };
const FIVE_MIB = 5 * 1024 * 1024;

interface Watched {
  events: EventRecorder;
  transfers: TransferProgress[];
  /** Ids of the image messages whose progress events came before them. */
  announced: Set<string>;
}

function watch(endpoint: ChatServer | ChatClient): Watched {
  const transfers: TransferProgress[] = [];
  const announced = new Set<string>();
  endpoint.on('transfer', (progress) => transfers.push(progress));
  endpoint.on('message', (m) => {
    if (m.image && transfers.some((p) => p.messageId === m.id)) announced.add(m.id);
  });
  return { events: new EventRecorder(endpoint), transfers, announced };
}

async function room(t: Cleanup): Promise<{ server: ChatServer; port: number; host: Watched }> {
  const server = new ChatServer({ host: '127.0.0.1', port: 0, name: 'Host' });
  const host = watch(server);
  const { port } = await server.listen();
  t.after(() => server.close());
  return { server, port, host };
}

async function join(t: Cleanup, port: number, name: string): Promise<Watched & { client: ChatClient }> {
  const client = new ChatClient({ host: '127.0.0.1', port, name, connectTimeoutMs: 5000 });
  const watched = watch(client);
  t.after(() => client.close());
  await within(client.connect(), 5000, `${name} to join`);
  return { client, ...watched };
}

/** Waits for the transfer of `direction` to end; checks the pattern every transfer follows and returns its events. */
async function ended(side: Watched, direction: 'send' | 'receive', what: string): Promise<TransferProgress[]> {
  const last = await waitFor(
    () => side.transfers.find((p) => p.direction === direction && p.state !== 'running'),
    `${what}: the end of the ${direction}`,
    15_000,
  );
  const mine = side.transfers.filter((p) => p.id === last.id);
  assert.equal(mine.filter((p) => p.state !== 'running').length, 1, `${what}: exactly one end`);
  assert.equal(mine[mine.length - 1], last, `${what}: nothing after the end`);
  assert.ok(mine.every((p) => p.kind === 'image' && p.messageId === last.messageId && p.total === last.total));
  const bytes = mine.map((p) => p.bytes);
  assert.deepEqual(
    [...bytes].sort((a, b) => a - b),
    bytes,
    `${what}: bytes only grow`,
  );
  return mine;
}

function assertDone(events: TransferProgress[], message: ChatMessage, what: string): void {
  const running = events.filter((p) => p.state === 'running');
  assert.ok(running.length >= 2, `${what}: ${running.length} progress events`);
  const done = events[events.length - 1];
  assert.equal(done.state, 'done', what);
  assert.equal(done.bytes, FIVE_MIB, what);
  assert.equal(done.total, FIVE_MIB, what);
  assert.equal(done.messageId, message.id, `${what}: the progress is the message's`);
}

test('a 5 MiB image from a member: progress and one done for the sender, a receiver and the host', async (t) => {
  const { port, host } = await room(t);
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob');
  const image = bigPng(FIVE_MIB);
  await ann.client.send({ text: 'big one', image });

  const own = await ann.events.message((m) => m.own && m.image !== undefined, 'ann’s own copy');
  const sent = await ended(ann, 'send', 'ann');
  assertDone(sent, own, 'ann sending');
  assert.equal(sent[0].bytes, 0, 'the first event is the start');
  assert.equal(sent[0].peer, undefined, 'to the whole room: no one peer');

  const atBob = await bob.events.message((m) => m.image !== undefined, 'the image at bob', 15_000);
  const received = await ended(bob, 'receive', 'bob');
  assertDone(received, atBob, 'bob receiving');
  assert.equal(received[0].peer?.name, 'ann', 'the sender is named');
  assert.ok(bob.announced.has(atBob.id), 'the progress came before the message, under its id');

  const atHost = await host.events.message((m) => m.image !== undefined, 'the host copy', 15_000);
  assertDone(await ended(host, 'receive', 'host'), atHost, 'host receiving');
  assert.ok(host.announced.has(atHost.id), 'the host’s progress came before its copy');
});

test('a 5 MiB image from the host: its send is done once every member acknowledged it; each member received it', async (t) => {
  const { server, port, host } = await room(t);
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob');
  await server.send({ image: bigPng(FIVE_MIB) });
  const own = await host.events.message((m) => m.own && m.image !== undefined, 'the host’s own copy');
  assertDone(await ended(host, 'send', 'host'), own, 'host sending');
  for (const member of [ann, bob]) {
    const message = await member.events.message((m) => m.image !== undefined, 'the image', 15_000);
    assertDone(await ended(member, 'receive', member.client.self!.name), message, 'member receiving');
  }
});

test('an image the sender gives up on ends as cancelled at the receiver and the host; a lost sender as failed', async (t) => {
  const { port, host } = await room(t);
  const bob = await join(t, port, 'bob');
  const raw = await RawNativeClient.join(port, 'mallory');
  t.after(() => raw.close());
  const image = bigPng(1024 * 1024);
  raw.say('', { ref: 3, image: { mime: 'image/png', size: image.length } });
  for (let offset = 0; offset < 4 * MAX_IMAGE_CHUNK; offset += MAX_IMAGE_CHUNK) {
    raw.send({ type: FrameType.ImageChunk, ref: 3, bytes: image.subarray(offset, offset + MAX_IMAGE_CHUNK) });
  }
  await waitFor(() => bob.transfers.some((p) => p.bytes > 0), 'bytes arriving at bob');
  raw.send({ type: FrameType.ImageAbort, ref: 3 });
  for (const [side, what] of [
    [bob, 'bob'],
    [host, 'host'],
  ] as const) {
    const events = await ended(side, 'receive', what);
    const end = events[events.length - 1];
    assert.equal(end.state, 'cancelled', what);
    assert.match(end.reason ?? '', /stopped sending/, what);
    assert.ok(end.bytes < image.length, what);
  }

  // Another image, and the sender vanishes halfway: the host's copy and bob's both fail.
  raw.say('', { ref: 4, image: { mime: 'image/png', size: image.length } });
  raw.send({ type: FrameType.ImageChunk, ref: 4, bytes: image.subarray(0, MAX_IMAGE_CHUNK) });
  await waitFor(() => host.transfers.filter((p) => p.state === 'running' && p.bytes > 0).length >= 2, 'second image');
  raw.socket.destroy();
  const hostEnd = await waitFor(() => host.transfers.filter((p) => p.state === 'failed')[0], 'the host’s end');
  assert.match(hostEnd.reason ?? '', /sender left/);
  const bobEnd = await waitFor(
    () => bob.transfers.find((p) => p.state === 'cancelled' && p.id !== bob.transfers[0].id),
    'bob’s end',
  );
  assert.equal(bobEnd.direction, 'receive');
});

test('a sender whose connection is lost mid-image sees its send fail', async (t) => {
  const { server, port } = await room(t);
  const ann = await join(t, port, 'ann');
  await join(t, port, 'bob');
  await ann.client.send({ image: bigPng(20 * 1024 * 1024) });
  await waitFor(() => ann.transfers.some((p) => p.bytes > 0), 'the first acknowledged bytes');
  await server.close();
  const end = await waitFor(() => ann.transfers.find((p) => p.state !== 'running'), 'the end of ann’s send');
  assert.ok(end.state === 'failed' || end.state === 'cancelled', end.state);
  assert.ok(end.bytes < end.total);
});

test('leaving right after everything was handed on: the image counts as sent, not cancelled', async (t) => {
  const { port } = await room(t);
  const ann = await join(t, port, 'ann');
  await join(t, port, 'bob');
  await ann.client.send({ image: bigPng(FIVE_MIB) });
  await ann.client.flushed();
  await ann.client.close();
  const end = await waitFor(() => ann.transfers.find((p) => p.state !== 'running'), 'the end of ann’s send');
  assert.equal(end.state, 'done');
  assert.equal(end.reason, undefined);
});

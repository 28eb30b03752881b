// ChatClient against a scripted native server (protocol.ts by hand), for what the real server cannot be made
// to do on purpose: stop reading, stay silent, send unknown or broken frames, abort an image, speak a newer
// protocol version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import type { Peer } from '../../../../src/chat/core/events';
import { ChatError } from '../../../../src/chat/core/errors';
import { encodeFrame, frameBytes } from '../../../../src/chat/wire/codec';
import { FrameType, MAX_IMAGE_CHUNK, type Frame } from '../../../../src/chat/wire/frames';
import { bigPng, EventRecorder, startScriptedServer, within } from '../../support/clientHelpers';

type Cleanup = { after(fn: () => unknown): void };

async function scripted(t: Cleanup, clientOptions: { heartbeatIntervalMs?: number } = {}) {
  const server = await startScriptedServer();
  t.after(() => server.close());
  const client = new ChatClient({ host: '127.0.0.1', port: server.port, name: 'ann', ...clientOptions });
  const events = new EventRecorder(client);
  t.after(() => client.close());
  await within(client.connect(), 5000, 'connect to the scripted server');
  const side = await within(server.accepted, 5000, 'the scripted server to accept');
  return { client, events, ...side };
}

async function until<T>(find: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bob: Peer = { id: 2, name: 'bob', address: '127.0.0.1:40002', kind: 'native' };

test('image chunks wait in the bulk lane: a text sent while the server is not reading goes out ahead of them', async (t) => {
  const { client, socket, frames } = await scripted(t);
  socket.pause(); // the server stops reading: kernel buffers fill, the rest of the image waits in the client
  const photo = bigPng(20 * 1024 * 1024);
  await client.send({ text: 'look', image: photo });
  await new Promise((r) => setTimeout(r, 100));
  await client.send({ text: 'quick' });
  const waiting = client.pendingBytes;
  assert.ok(
    waiting > MAX_IMAGE_CHUNK,
    `some of the image must still be queued in the client for this test to mean anything (queued: ${waiting})`,
  );
  socket.resume();
  await within(client.flushed(), 20_000, 'everything written');
  assert.equal(client.pendingBytes, 0);

  const isChunk = (f: Frame): f is Extract<Frame, { type: FrameType.ImageChunk }> => f.type === FrameType.ImageChunk;
  const received = () => frames.filter(isChunk).reduce((sum, f) => sum + f.bytes.length, 0);
  await until(() => (received() === photo.length ? true : undefined), 'all image bytes at the server', 20_000);
  const header = frames.find((f) => f.type === FrameType.Message && f.body.text === 'look');
  const quick = frames.findIndex((f) => f.type === FrameType.Message && f.body.text === 'quick');
  assert.ok(header && header.type === FrameType.Message);
  assert.deepEqual(header.body.image, { mime: 'image/png', size: photo.length });
  const chunks = frames.filter(isChunk);
  assert.ok(
    chunks.every((c) => c.ref === header.body.ref && c.bytes.length <= MAX_IMAGE_CHUNK),
    'chunks carry the header’s ref and ≤ 64 KiB',
  );
  assert.ok(Buffer.concat(chunks.map((c) => c.bytes)).equals(photo), 'chunks reassemble to the image');
  const lastChunk = frames.lastIndexOf(chunks.at(-1)!);
  assert.ok(
    quick > frames.indexOf(header) && quick < lastChunk,
    `the text must go out before the last chunk (text at frame ${quick}, last chunk at frame ${lastChunk})`,
  );
});

test('answers Ping with the same payload; drops a server that stops answering after 2 missed heartbeats', async (t) => {
  const { client, events, socket, frames } = await scripted(t, { heartbeatIntervalMs: 100 });
  socket.write(encodeFrame({ type: FrameType.Ping, payload: Buffer.from('abc') }));
  const pong = await until(() => frames.find((f) => f.type === FrameType.Pong), 'the Pong');
  assert.ok(pong.type === FrameType.Pong && pong.payload.equals(Buffer.from('abc')));
  // From now on the server reads (and collects Pings) but never answers.
  const gone = await events.notice((n) => n.code === 'heartbeat', 'the heartbeat notice', 3000);
  assert.match(gone.text, /stopped answering \(2 heartbeats without a reply\)/);
  await events.state('closed');
  assert.ok(frames.filter((f) => f.type === FrameType.Ping).length >= 2, 'the client pinged');
  assert.equal(client.state, 'closed');
});

test('unknown frame types are skipped; a broken frame ends the connection with a clear error', async (t) => {
  const { events, socket } = await scripted(t);
  socket.write(frameBytes(0x7e, Buffer.from('from a future version')));
  socket.write(
    encodeFrame({ type: FrameType.Message, body: { ref: 1, text: 'still here', from: bob, at: Date.now() } }),
  );
  assert.equal(
    (await events.message((m) => m.text === 'still here', 'the message after an unknown frame')).from.name,
    'bob',
  );
  socket.write(frameBytes(FrameType.Notice, Buffer.from('{not json')));
  const broken = await events.notice((n) => n.code === 'protocol', 'the protocol error notice');
  assert.match(broken.text, /^The server sent data this client cannot read \(.*JSON.*\); disconnecting\.$/);
  await events.state('closed');
});

test('an image the sender aborts is dropped with a notice; its text is still shown; later images still work', async (t) => {
  const { events, socket } = await scripted(t);
  const photo = bigPng(100 * 1024);
  socket.write(
    encodeFrame({
      type: FrameType.Message,
      body: { ref: 7, text: 'half a picture', from: bob, image: { mime: 'image/png', size: photo.length } },
    }),
  );
  socket.write(encodeFrame({ type: FrameType.ImageChunk, ref: 7, bytes: photo.subarray(0, MAX_IMAGE_CHUNK) }));
  socket.write(encodeFrame({ type: FrameType.ImageAbort, ref: 7 }));
  const aborted = await events.notice(
    (n) => /bob's image was not received: the sender stopped sending it\./.test(n.text),
    'the abort notice',
  );
  assert.equal(aborted.level, 'system');
  const text = await events.message((m) => m.text === 'half a picture', 'the text of the aborted image');
  assert.equal(text.image, undefined);

  socket.write(
    encodeFrame({
      type: FrameType.Message,
      body: { ref: 8, text: '', from: bob, image: { mime: 'image/png', size: photo.length } },
    }),
  );
  socket.write(encodeFrame({ type: FrameType.ImageChunk, ref: 8, bytes: photo.subarray(0, MAX_IMAGE_CHUNK) }));
  socket.write(encodeFrame({ type: FrameType.ImageChunk, ref: 8, bytes: photo.subarray(MAX_IMAGE_CHUNK) }));
  const whole = await events.message((m) => m.image !== undefined, 'the complete image');
  assert.ok(whole.image?.bytes.equals(photo));

  // Announced as PNG but the bytes are not an image: refused by magic bytes, not by the claim.
  socket.write(
    encodeFrame({
      type: FrameType.Message,
      body: { ref: 9, text: 'trust me', from: bob, image: { mime: 'image/png', size: 4 } },
    }),
  );
  socket.write(encodeFrame({ type: FrameType.ImageChunk, ref: 9, bytes: Buffer.from([0x4d, 0x5a, 0x90, 0x00]) }));
  const refused = await events.notice((n) => n.code === 'image-dropped', 'the not-an-image notice');
  assert.match(refused.text, /^bob's image was not received: not a supported image/);
});

test('the server saying Bye and closing ends the chat with its reason (no reconnect unless asked)', async (t) => {
  const { client, events, socket } = await scripted(t);
  socket.end(encodeFrame({ type: FrameType.Bye, body: { reason: 'maintenance' } }));
  const bye = await events.notice((n) => n.code === 'disconnected', 'the disconnect notice');
  assert.match(bye.text, /^Disconnected from 127\.0\.0\.1:\d+ — the server said: maintenance\.$/);
  await events.state('closed');
  await assert.rejects(
    client.send({ text: 'hello?' }),
    (e: unknown) => e instanceof ChatError && e.code === 'not-connected',
  );
});

test('a greeting with another protocol version is refused with a sentence saying what to do', async (t) => {
  const server = net.createServer((socket) => socket.end('TCPCHAT/2 Future — welcome!\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = new ChatClient({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, name: 'ann' });
  await assert.rejects(
    within(client.connect(), 5000, 'the version refusal'),
    (e: unknown) =>
      e instanceof ChatError &&
      e.code === 'version' &&
      /version 2; this client speaks version 1\. Update the older side\./.test(e.message),
  );
});

test('a server that greets but never lets us in times out with a clear error', async (t) => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('TCPCHAT/1 Stuck — welcome!\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as net.AddressInfo).port;
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'ann', connectTimeoutMs: 300 });
  const events = new EventRecorder(client);
  await assert.rejects(
    within(client.connect(), 5000, 'the handshake timeout'),
    (e: unknown) =>
      e instanceof ChatError &&
      e.code === 'handshake-timeout' &&
      e.message === `127.0.0.1:${port} greeted us but did not let us in within 0.3 s.`,
  );
  await events.state('closed');
  assert.deepEqual(events.states, ['connecting', 'handshaking', 'closed']);
});

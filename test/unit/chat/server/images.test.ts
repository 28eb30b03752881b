// Images through the server: streamed in chunks under one header, byte-identical, checked by magic bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../src/chat/wire/frames';
import { bigPng } from '../../support/clientHelpers';
import { honestClient } from '../../support/adversarial';
import {
  delay,
  pngDeclaring,
  pngLike,
  RawNativeClient,
  type Recorded,
  RawPlainClient,
  startServer,
  TINY_PNG,
  waitFor,
} from '../../support/helpers';

test('text + image: one header, chunks arrive byte-identical to every member and the host', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  const image = pngLike(300_000); // 5 chunks
  alice.sendImage(image, { text: 'look at this' });
  for (const receiver of [bob, carol]) {
    const header = (await receiver.waitFrame(FrameType.Message, (f) => f.body.text === 'look at this')).body;
    assert.equal(header.from?.name, 'Alice');
    assert.deepEqual(header.image, { mime: 'image/png', size: image.length });
    await waitFor(() => receiver.imageBytes(header.ref).length === image.length, 'all image bytes');
    assert.ok(receiver.imageBytes(header.ref).equals(image), 'bytes identical');
    assert.equal(receiver.of(FrameType.Message).filter((f) => f.body.image).length, 1, 'one header');
    assert.ok(receiver.of(FrameType.ImageChunk).every((f) => f.bytes.length <= 64 * 1024));
  }
  const hostCopy = await waitFor(() => events.messages.find((m) => m.image), 'the host copy');
  assert.equal(hostCopy.text, 'look at this');
  assert.equal(hostCopy.image?.mime, 'image/png');
  assert.ok(hostCopy.image?.bytes.equals(image));
  assert.equal(alice.of(FrameType.ImageChunk).length, 0, 'no echo to the sender');
  for (const c of [alice, bob, carol]) c.close();
});

test('text keeps flowing while an image is relayed (a line sent after the header arrives before the last chunk)', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const image = pngLike(16 * 1024 * 1024);
  alice.sendImage(image);
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.image !== undefined)).body;
  await bob.waitFrame(FrameType.ImageChunk); // the image is on its way…
  await server.send({ text: 'host line during the image' }); // …and a line is said meanwhile
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'host line during the image');
  await waitFor(() => bob.imageBytes(header.ref).length === image.length, 'all image bytes', 10_000);
  assert.ok(bob.imageBytes(header.ref).equals(image));
  const lineAt = bob.frames.findIndex(
    (f) => f.type === FrameType.Message && f.body.text === 'host line during the image',
  );
  const lastChunkAt = bob.frames.map((f) => f.type).lastIndexOf(FrameType.ImageChunk);
  assert.ok(lineAt < lastChunkAt, 'the text did not wait behind the image');
  alice.close();
  bob.close();
});

/** After refused images: a line from Alice reaches Bob with no image header or chunk before it, nor the host. */
async function nothingReachedBob(alice: RawNativeClient, bob: RawNativeClient, events: Recorded): Promise<void> {
  alice.say('after');
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'after');
  assert.equal(bob.messages().length, 1, 'Bob saw no image header');
  assert.equal(bob.of(FrameType.ImageChunk).length, 0);
  assert.equal(events.messages.filter((m) => m.image).length, 0, 'nothing emitted for the host to save');
}

test('an image whose bytes lie about the type never reaches anyone; the sender and the host log are told', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const fake = Buffer.from('#!/bin/sh\necho this is not an image at all\n'.repeat(10));
  alice.sendImage(fake, { text: 'totally a png' });
  await alice.waitNotice(/^Image refused: it says PNG but its bytes are not a PNG, JPEG, GIF, WebP or BMP image\.$/);
  const jpegClaimedPng = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
  alice.sendImage(jpegClaimedPng, { ref: 8 });
  await alice.waitNotice(/^Image refused: it says PNG but its bytes are JPEG\.$/);
  await waitFor(() => events.notices.find((n) => n.level === 'error' && n.code === 'image-type'), 'host log line');
  await nothingReachedBob(alice, bob, events);
  alice.close();
  bob.close();
});

test('a small PNG declaring 12000 × 12000 pixels is refused before anyone sees it; the sender is told why', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  alice.sendImage(pngDeclaring(12000, 12000), { text: 'a bomb' });
  const refusal = /^Image refused: Image is 12000 × 12000 pixels \(144 megapixels\); the limit is 89\.5 megapixels\.$/;
  await alice.waitNotice(refusal);
  const notice = alice.of(FrameType.Notice).find((f) => refusal.test(f.body.text));
  assert.equal(notice?.body.code, 'image-too-many-pixels');
  alice.sendImage(pngDeclaring(12000, 12000), { ref: 8, text: 'to Bob only', to: 'Bob' });
  await waitFor(() => alice.noticeTexts().filter((n) => refusal.test(n)).length === 2, 'the private one refused too');
  await waitFor(() => events.notices.find((n) => n.code === 'image-too-many-pixels'), 'host log line');
  await nothingReachedBob(alice, bob, events);
  alice.close();
  bob.close();
});

test("the server's maxImagePixels is settable; a complete JPEG declaring too much is refused when it ends", async (t) => {
  const { server, port, events } = await startServer({ maxImagePixels: 100 * 100 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  alice.sendImage(pngDeclaring(101, 100), { text: 'just over' });
  await alice.waitNotice(/^Image refused: Image is 101 × 100 pixels \(10,100 pixels\); the limit is 10,000 pixels\.$/);
  // A JPEG's size may come after its other segments: then it is judged when complete (recipients get ImageAbort).
  // Two full-size APP1 segments: the size is in the third 64 KiB chunk, after the first was forwarded.
  const app1 = Buffer.concat([Buffer.from('ffe1ffff', 'hex'), Buffer.alloc(0xffff - 2)]);
  const sof = Buffer.from('ffc000110800c800c803012200021101031101', 'hex');
  const jpeg = Buffer.concat([
    Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
    app1,
    app1,
    sof,
    Buffer.from('ffd9', 'hex'),
  ]);
  alice.sendImage(jpeg, { ref: 9, text: 'late size', mime: 'image/jpeg' });
  await alice.waitNotice(/^Image refused: Image is 200 × 200 pixels/);
  await waitFor(() => bob.of(FrameType.ImageAbort).length === 1, 'Bob told to drop it');
  assert.equal(events.messages.filter((m) => m.image).length, 0);
  alice.close();
  bob.close();
});

test('an oversized image is refused with a notice and its chunks are ignored', async (t) => {
  const { server, port, events } = await startServer({ maxImageBytes: 100_000 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  alice.sendImage(pngLike(150_000), { text: 'big' });
  await alice.waitNotice(/^Image refused: it is 146\.5 KB; the limit is 97\.7 KB\.$/);
  assert.ok(events.notices.some((n) => n.code === 'image-too-large' && n.level === 'error'));
  alice.say('next');
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'next');
  assert.deepEqual(
    bob.messages().map((m) => m.text),
    ['next'],
  );
  assert.equal(bob.of(FrameType.ImageChunk).length, 0);
  alice.close();
  bob.close();
});

test('sender disconnects mid-image: recipients get ImageAbort, the host gets nothing', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const image = pngLike(200_000);
  alice.say('', { ref: 3, image: { mime: 'image/png', size: image.length } });
  alice.send({ type: FrameType.ImageChunk, ref: 3, bytes: image.subarray(0, 65536) });
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.image !== undefined)).body;
  await waitFor(() => bob.imageBytes(header.ref).length === 65536, 'the first chunk');
  alice.close();
  await bob.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.ref);
  await bob.waitNotice(/^Alice left\.$/);
  assert.equal(events.messages.length, 0);
  bob.close();
});

test('plain-text members get one line per image; private images reach only the recipient', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const nina = await RawPlainClient.join(port, 'Nina');
  alice.sendImage(TINY_PNG, { text: 'tiny' });
  const imageLine = String.raw`\[\d\d:\d\d:\d\d\] Alice sent an image \(${TINY_PNG.length} B PNG\) — open TCP Chat to see it\r\n`;
  await nina.waitText(new RegExp(String.raw`\[\d\d:\d\d:\d\d\] Alice: tiny\r\n` + imageLine));
  alice.sendImage(pngLike(1000), { ref: 9, to: 'Bob' });
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.to !== undefined)).body;
  await waitFor(() => bob.imageBytes(header.ref).length === 1000, 'private image bytes');
  await server.send({ text: 'sync' });
  await nina.waitText(/Server: sync/);
  assert.doesNotMatch(nina.text, /1000 B/);
  for (const c of [alice, bob, nina]) c.close();
});

test('the host sends an image: natives get the header and the bytes, plain peers the line', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const nina = await RawPlainClient.join(port, 'Nina');
  const image = pngLike(200_000);
  await server.send({ text: 'from host', image });
  const header = (await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'from host')).body;
  await waitFor(() => alice.imageBytes(header.ref).length === image.length, 'all bytes');
  assert.ok(alice.imageBytes(header.ref).equals(image));
  await nina.waitText(/Host sent an image \(195\.3 KB PNG\)/);
  assert.ok(events.messages.find((m) => m.own && m.image?.bytes.equals(image)));
  await assert.rejects(server.send({ image: Buffer.from('GIF00 not really') }), { code: 'image-type' });
  alice.close();
  nina.close();
});

test('a slow (paused) reader is not cut off by images bigger than its output cap: the sender waits for it', async (t) => {
  const { server, port, events } = await startServer({ maxPendingOutputBytes: 12 * 1024 * 1024 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  bob.socket.pause();
  const images = [pngLike(8 * 1024 * 1024), pngLike(8 * 1024 * 1024), pngLike(8 * 1024 * 1024)];
  images.forEach((image, i) => alice.sendImage(image, { ref: 20 + i, text: `image ${i}` }));
  await delay(1000);
  bob.socket.resume();
  await waitFor(() => events.messages.filter((m) => m.image).length === 3, 'the host copies', 20_000);
  for (const [i, image] of images.entries()) {
    const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === `image ${i}`, 20_000)).body;
    await waitFor(() => bob.imageBytes(header.ref).length === image.length, `image ${i} at Bob`, 20_000);
    assert.ok(bob.imageBytes(header.ref).equals(image));
  }
  assert.equal(events.notices.filter((n) => n.code === 'output-cap').length, 0, 'nobody was cut off');
  assert.equal(bob.closed, false);
  alice.close();
  bob.close();
});

test('an image whose bytes stop coming is given up: the sender is told, recipients get ImageAbort', async (t) => {
  const { server, port, events } = await startServer({ heartbeatIntervalMs: 50 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const image = pngLike(100_000);
  alice.say('', { ref: 4, image: { mime: 'image/png', size: image.length } });
  alice.send({ type: FrameType.ImageChunk, ref: 4, bytes: image.subarray(0, 1000) });
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.image !== undefined)).body;
  await alice.waitNotice(/^Image given up: no bytes of it arrived for 0\.1 s\.$/);
  await bob.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.ref);
  assert.ok(events.notices.some((n) => n.code === 'image-stalled' && n.level === 'error'));
  assert.equal(alice.closed, false, 'the sender itself is still connected (it answers heartbeats)');
  alice.close();
  bob.close();
});

test('a tiny first chunk followed by a full one is relayed without ever exceeding the chunk limit', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const image = pngLike(10 + 65536);
  alice.say('', { ref: 6, image: { mime: 'image/png', size: image.length } });
  alice.send({ type: FrameType.ImageChunk, ref: 6, bytes: image.subarray(0, 10) });
  await delay(20);
  alice.send({ type: FrameType.ImageChunk, ref: 6, bytes: image.subarray(10) });
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.image !== undefined)).body;
  await waitFor(() => bob.imageBytes(header.ref).length === image.length, 'all bytes');
  assert.ok(bob.imageBytes(header.ref).equals(image));
  assert.equal(bob.decodeError, undefined);
  assert.equal(bob.closed, false);
  alice.close();
  bob.close();
});

test('a reader that stopped for good does not freeze an image sender: the others get every byte, it is dropped', async (t) => {
  const { server, port, events } = await startServer({
    maxPendingOutputBytes: 12 * 1024 * 1024,
    heartbeatIntervalMs: 300,
  });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const carol = await RawNativeClient.join(port, 'Carol');
  const stalled = await RawNativeClient.join(port, 'Stalled');
  stalled.socket.pause(); // never resumed
  const images = [pngLike(8 * 1024 * 1024), pngLike(8 * 1024 * 1024), pngLike(8 * 1024 * 1024)];
  images.forEach((image, i) => alice.sendImage(image, { ref: 30 + i, text: `big ${i}` }));
  for (const [i, image] of images.entries()) {
    const header = (await carol.waitFrame(FrameType.Message, (f) => f.body.text === `big ${i}`, 20_000)).body;
    await waitFor(() => carol.imageBytes(header.ref).length === image.length, `image ${i} at Carol`, 20_000);
    assert.ok(carol.imageBytes(header.ref).equals(image));
  }
  await waitFor(() => !server.roster.active.some((p) => p.name === 'Stalled'), 'Stalled dropped', 10_000);
  assert.ok(
    events.notices.some(
      (n) => n.level === 'error' && (n.code === 'output-cap' || n.code === 'heartbeat') && n.text.includes('Stalled'),
    ),
  );
  assert.equal(events.messages.filter((m) => m.image).length, 3);
  alice.close();
  carol.close();
  stalled.close();
});

test('after a refused image the sender can send more: the next one arrives intact, and leaving is prompt', async (t) => {
  // The refused image is bigger than the 1 MiB ack window: the server must acknowledge every byte it drops, or the
  // sender's window never reopens and every later image waits behind it for ever.
  const { server, port } = await startServer({ rateLimit: { burst: 3, perSecond: 10 } });
  t.after(() => server.close());
  const alice = await honestClient(port, 'alice');
  t.after(() => alice.client.close());
  const bob = await honestClient(port, 'bob');
  t.after(() => bob.client.close());
  for (let i = 0; i < 3; i++) await alice.client.send({ text: `burst ${i}` });
  await alice.client.send({ text: 'refused', image: bigPng(2 * 1024 * 1024) }); // the 4th message of the burst
  await alice.seen.notice((n) => n.code === 'rate-limited', 'the rate-limit notice');
  await delay(1100); // the mute is over
  const image = bigPng(3 * 1024 * 1024 + 7);
  await alice.client.send({ text: 'after the refusal', image });
  const got = await bob.seen.message((m) => m.text === 'after the refusal', 'the next image', 10_000);
  assert.ok(got.image?.bytes.equals(image), 'byte-identical');
  assert.equal(bob.seen.messages.filter((m) => m.text === 'refused').length, 0, 'the refused one reached nobody');
  // What `tcp-chat connect` does at the end of its input: wait for what is queued, then leave.
  const leaving = Date.now();
  await alice.client.flushed();
  await alice.client.close('Left the chat');
  assert.ok(Date.now() - leaving < 3000, `left in ${Date.now() - leaving} ms`);
});

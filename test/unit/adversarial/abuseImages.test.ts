// Abuse through images: bytes that lie about their type, path-like sender names, a stream of big images to a
// session without a log, senders that hold the server's image memory by trickling. Nothing is written outside the
// log folders, memory stays bounded, and honest images still get through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import * as path from 'node:path';

import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { FrameType } from '../../../src/chat/wire/frames';
import { bigPng, EventRecorder, PNG_1X1 } from '../support/clientHelpers';
import { delay, pngLike, RawNativeClient, startServer, waitFor } from '../support/helpers';
import { honestClient, listTree, tempDir } from '../support/adversarial';

test('abuse: image bytes that lie about their type are refused and reach nobody', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const bob = await honestClient(port, 'bob');
  t.after(() => bob.client.close());
  const liar = await RawNativeClient.join(port, 'liar');

  // Says PNG, is a GIF; says JPEG, is an HTML page; says PNG, is an ELF executable.
  const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100, 1)]);
  const html = Buffer.from('<html><script>alert(1)</script></html>'.padEnd(200, ' '));
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(300, 2)]);
  liar.sendImage(gif, { ref: 1, mime: 'image/png', text: 'a png' });
  liar.sendImage(html, { ref: 2, mime: 'image/jpeg', text: 'a jpeg' });
  liar.sendImage(elf, { ref: 3, mime: 'image/png', text: 'another png' });
  await waitFor(
    () => liar.of(FrameType.Notice).filter((f) => f.body.code === 'image-type').length === 3,
    'three image-type refusals',
  );
  assert.match(liar.noticeTexts().join('\n'), /says PNG but its bytes are GIF/);
  assert.ok(events.notices.filter((n) => n.code === 'image-type').length === 3, 'each refusal in the host log');

  // The ChatClient refuses a non-image before anything is sent.
  await assert.rejects(
    bob.client.send({ image: html }),
    (e: unknown) => e instanceof ChatError && e.code === 'image-type',
  );
  // A real image still goes through afterwards, and it is the only image anyone got.
  liar.sendImage(bigPng(5000), { ref: 4, mime: 'image/png', text: 'real' });
  await bob.seen.message((m) => m.text === 'real', 'the honest image');
  assert.deepEqual(
    bob.seen.messages.filter((m) => m.image).map((m) => m.text),
    ['real'],
  );
  assert.equal(
    bob.seen.messages.some((m) => /png|jpeg/.test(m.text)),
    false,
    'no header of a refused image reached anyone',
  );
  liar.close();
});

test('abuse: a path-like name (../../x.png) never makes anything be written outside the log folder', async (t) => {
  const root = tempDir(t, 'paths');
  const hostLogs = path.join(root, 'a', 'b', 'host_logs');
  const clientLogs = path.join(root, 'a', 'b', 'client_logs');
  const { server, port } = await startServer({ name: 'Host' });
  const hostSession = new ChatSession(server, { transcript: Transcript.open(hostLogs) });
  t.after(() => hostSession.close());
  const receiver = await honestClient(port, 'receiver');
  const receiverSession = new ChatSession(receiver.client, { transcript: Transcript.open(clientLogs) });
  t.after(() => receiverSession.close());

  for (const name of ['../../x.png', '..\\..\\x.png', '/etc/x.png', 'C:\\x.png', '.', '..']) {
    const raw = await RawNativeClient.join(port, name);
    raw.sendImage(PNG_1X1, { ref: 1, text: name });
    raw.send({ type: FrameType.Rename, body: { name: '../../../y.png' } });
    await waitFor(
      () => receiver.seen.messages.some((m) => m.text === name && m.image),
      `the image from ${JSON.stringify(name)}`,
    );
    raw.close();
  }
  await waitFor(
    () => receiverSession.history.filter((e) => e.kind === 'message' && e.message.image).length === 6,
    'six images recorded',
  );
  const files = listTree(root);
  const outside = files.filter(
    (f) =>
      !f.startsWith(path.join('a', 'b', 'host_logs') + path.sep) &&
      !f.startsWith(path.join('a', 'b', 'client_logs') + path.sep),
  );
  assert.deepEqual(outside, [], 'nothing written outside the log folders');
  const images = files.filter((f) => /\.(png|bin)$/.test(f));
  assert.equal(images.length, 12, 'six images saved on each side');
  for (const f of images)
    assert.match(path.basename(f), /^img_\d{6}_\d+_[\p{L}\p{N}_-]+\.png$/u, `engine-made name: ${f}`);
});

test(
  'abuse: a stream of images to a session without a log keeps its memory bounded',
  { timeout: 60_000 },
  async (t) => {
    // Sessions run without a transcript when the log cannot be opened or with `--no-log`: then no image is ever
    // saved, and a peer sending big images at the rate limit must not grow the history without bound.
    const { server, port } = await startServer({ name: 'Host', rateLimit: false });
    t.after(() => server.close());
    const receiver = new ChatClient({ host: '127.0.0.1', port, name: 'receiver' });
    await receiver.connect();
    const session = new ChatSession(receiver); // no transcript
    t.after(() => session.close());
    const sender = await honestClient(port, 'sender');
    t.after(() => sender.client.close());

    const image = bigPng(4 * 1024 * 1024);
    const count = 24; // 96 MiB in all
    let received = 0;
    session.on('message', (m) => {
      if (m.image) received++;
    });
    for (let i = 0; i < count; i++) {
      await sender.client.send({ image, text: `big ${i}` });
      await sender.client.flushed(20_000);
    }
    await waitFor(
      () => received === count,
      () => `all ${count} images (${received})`,
      30_000,
    );
    const retained = session.history.reduce(
      (sum, e) => sum + (e.kind === 'message' && e.message.image ? e.message.image.bytes.length : 0),
      0,
    );
    t.diagnostic(
      `image bytes retained in history: ${(retained / 2 ** 20).toFixed(0)} MiB of ${(count * image.length) / 2 ** 20} MiB received`,
    );
    assert.ok(
      retained <= 64 * 1024 * 1024,
      `history keeps ${(retained / 2 ** 20).toFixed(0)} MiB of image bytes (bound 64 MiB)`,
    );
    // The history still lists every image (type and size), just not every image's bytes.
    assert.equal(session.history.filter((e) => e.kind === 'message' && e.message.image).length, count);
    assert.ok(
      session.history.every((e) => e.kind !== 'message' || !e.message.image || e.message.image.size === image.length),
    );
  },
);

/** A twelfth of the server's 256 MiB for the host's copies: three tricklers with four images each fill it. */
const TRICKLE_IMAGE_BYTES = Math.floor((256 * 1024 * 1024) / 12);

/** Joins, announces four big images, sends their first bytes (so they look real), then one byte per image per tick. */
async function trickler(port: number, name: string, localAddress?: string): Promise<RawNativeClient> {
  const raw = await RawNativeClient.join(port, name, undefined, localAddress);
  const head = pngLike(32);
  for (let ref = 1; ref <= 4; ref++) {
    raw.say('', { ref, image: { mime: 'image/png', size: TRICKLE_IMAGE_BYTES } });
    raw.send({ type: FrameType.ImageChunk, ref, bytes: head });
  }
  const timer = setInterval(() => {
    if (raw.closed) return clearInterval(timer);
    for (let ref = 1; ref <= 4; ref++) raw.send({ type: FrameType.ImageChunk, ref, bytes: Buffer.from([ref]) });
  }, 300);
  raw.socket.on('close', () => clearInterval(timer));
  return raw;
}

/** Sends `image` until the server takes it (a 'server-busy' refusal means try again), for at most `ms`. */
async function sendUntilAccepted(sender: ChatClient, seen: EventRecorder, image: Buffer, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (let attempt = 1; ; attempt++) {
    const busyBefore = seen.notices.filter((n) => n.code === 'server-busy').length;
    await sender.send({ text: `honest ${attempt}`, image });
    await sender.flushed(5000);
    await delay(300);
    if (seen.notices.filter((n) => n.code === 'server-busy').length === busyBefore) return attempt;
    if (Date.now() > deadline) assert.fail(`still refused after ${attempt} attempts in ${ms} ms`);
  }
}

test('abuse: images trickled a byte at a time are given up by rate, and an honest image gets through', async (t) => {
  // Three tricklers reserve the whole 256 MiB for the host's copies and send one byte per image every 300 ms —
  // never silent, so only a minimum rate can free what they hold. (Each "machine" may hold it all here.)
  const { server, port, events } = await startServer({
    name: 'Host',
    imageRateGraceMs: 2000,
    maxHeldImageBytesPerAddress: 256 * 1024 * 1024,
  });
  t.after(() => server.close());
  const tricklers = [await trickler(port, 't1'), await trickler(port, 't2'), await trickler(port, 't3')];
  t.after(() => tricklers.forEach((raw) => raw.close()));
  const alice = await honestClient(port, 'alice');
  t.after(() => alice.client.close());
  const bob = await honestClient(port, 'bob');
  t.after(() => bob.client.close());
  const image = bigPng(300_000);

  const started = Date.now();
  await alice.client.send({ text: 'too early', image });
  await alice.seen.notice((n) => n.code === 'server-busy', 'the first try refused while the tricklers hold it all');
  const attempts = await sendUntilAccepted(alice.client, alice.seen, image, 8000);
  const got = await bob.seen.message((m) => m.text === `honest ${attempts}`, 'the honest image', 10_000);
  assert.ok(got.image?.bytes.equals(image), 'byte-identical');
  t.diagnostic(`honest image accepted after ${Date.now() - started} ms (${attempts} more tries)`);
  for (const raw of tricklers) {
    const given = await raw.waitNotice(/^Image given up: only \d+ B of it arrived in [\d.]+ s/, 5000);
    assert.match(given, /at least 8 KB\/s is needed/);
    assert.equal(raw.of(FrameType.Notice).filter((f) => f.body.code === 'image-stalled').length, 4, 'all 4 given up');
  }
  assert.ok(
    events.notices.some((n) => n.code === 'image-stalled'),
    'the host log says so too',
  );
});

test('abuse: one address cannot hold all the image memory; a member elsewhere is not refused', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  if (!(await canConnectFrom('127.0.0.2', port))) return t.skip('127.0.0.2 is not a loopback address here');
  // Three connections from one machine try to reserve 256 MiB; half of it is that address's share.
  const tricklers = [
    await trickler(port, 't1', '127.0.0.2'),
    await trickler(port, 't2', '127.0.0.2'),
    await trickler(port, 't3', '127.0.0.2'),
  ];
  t.after(() => tricklers.forEach((raw) => raw.close()));
  const refusals = () =>
    tricklers.flatMap((raw) => raw.of(FrameType.Notice).filter((f) => f.body.code === 'server-busy'));
  await waitFor(
    () => refusals().length === 6,
    () => `6 of the 12 images refused (${refusals().length})`,
  );
  assert.match(
    refusals()[0].body.text,
    /^Image refused: unfinished images from your address \(127\.0\.0\.2\) already hold 128 MB of the 128 MB one address may hold at once; wait for them to finish\.$/,
  );
  const alice = await honestClient(port, 'alice');
  t.after(() => alice.client.close());
  const bob = await honestClient(port, 'bob');
  t.after(() => bob.client.close());
  const image = bigPng(2 * 1024 * 1024);
  await alice.client.send({ text: 'from another machine', image });
  const got = await bob.seen.message((m) => m.text === 'from another machine', 'the honest image', 10_000);
  assert.ok(got.image?.bytes.equals(image));
  assert.equal(alice.seen.notices.filter((n) => n.code === 'server-busy').length, 0, 'never refused');
});

/** Whether this machine lets a socket connect from `localAddress` (all of 127/8 is loopback on Linux, not on macOS). */
function canConnectFrom(localAddress: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

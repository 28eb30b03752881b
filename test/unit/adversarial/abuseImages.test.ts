// Abuse through images: bytes that lie about their type, path-like sender names, a stream of big images to a
// session without a log. Nothing is written outside the log folders and memory stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';

import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { FrameType } from '../../../src/chat/wire/frames';
import { bigPng, PNG_1X1 } from '../support/clientHelpers';
import { RawNativeClient, startServer, waitFor } from '../support/helpers';
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

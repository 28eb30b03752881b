// Limits for members that misbehave: message rate, protocol errors, text length, output cap, heartbeat, image
// sizes and the image byte budget. Every refusal is a clear message to that peer and an error line in the host's
// log, and the rest of the room keeps chatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameBytes } from '../../../../../src/chat/wire/codec';
import { FrameType } from '../../../../../src/chat/wire/frames';
import { delay, pngLike, RawNativeClient, startServer, waitFor, type Recorded } from '../../../support/helpers';

function hostErrors(events: Recorded, code: string) {
  return events.notices.filter((n) => n.level === 'error' && n.code === code);
}

test('rate limit: a flood is cut at the burst with ONE notice; other members keep chatting', async (t) => {
  const { server, port, events } = await startServer({ rateLimit: { burst: 5, perSecond: 2 } });
  t.after(() => server.close());
  const flooder = await RawNativeClient.join(port, 'Flood');
  const bob = await RawNativeClient.join(port, 'Bob');
  const carol = await RawNativeClient.join(port, 'Carol');
  for (let i = 0; i < 30; i++) flooder.say(`spam ${i}`);
  await flooder.waitNotice(
    /^Slow down: you are sending more than 2 messages per second; your messages are being dropped for 3 s\.$/,
  );
  bob.say('still here');
  await carol.waitFrame(FrameType.Message, (f) => f.body.text === 'still here');
  await delay(50);
  assert.deepEqual(
    carol
      .messages()
      .filter((m) => m.from?.name === 'Flood')
      .map((m) => m.text),
    ['spam 0', 'spam 1', 'spam 2', 'spam 3', 'spam 4'],
  );
  assert.equal(flooder.noticeTexts().filter((n) => n.startsWith('Slow down')).length, 1);
  assert.equal(hostErrors(events, 'rate-limited').length, 1);
  for (const c of [flooder, bob, carol]) c.close();
});

test('protocol errors: an oversized length, bad JSON, a bad chunk → Error frame + close; the others keep chatting', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const cases: Array<[string, Buffer]> = [
    ['frame-too-large', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x10])],
    ['bad-frame', frameBytes(FrameType.Message, Buffer.from('{not json'))],
    ['bad-frame', frameBytes(FrameType.ImageChunk, Buffer.from([0, 0, 0, 1]))],
    ['empty-frame', Buffer.from([0, 0, 0, 0])],
  ];
  for (const [code, bytes] of cases) {
    const evil = await RawNativeClient.join(port, 'Evil');
    evil.socket.write(bytes);
    const error = (await evil.waitFrame(FrameType.Error)).body;
    assert.equal(error.code, code);
    assert.equal(error.fatal, true);
    await evil.waitClosed();
    alice.say(`after ${code}`);
    await bob.waitFrame(FrameType.Message, (f) => f.body.text === `after ${code}`);
  }
  // Unknown frame types are skipped, not punished (forward compatibility).
  const future = await RawNativeClient.join(port, 'Future');
  future.socket.write(frameBytes(0x7e, Buffer.from('from a newer version')));
  future.say('still fine');
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'still fine');
  assert.equal(future.closed, false);
  // A frame before Hello that is not Hello.
  const rude = await RawNativeClient.connect(port);
  rude.say('no hello');
  await rude.waitFrame(FrameType.Error, (f) => f.body.code === 'bad-handshake');
  await waitFor(() => events.notices.filter((n) => n.level === 'error').length >= 5, 'host log lines');
  for (const c of [alice, bob, future]) c.close();
});

test('invalid UTF-8 in a message becomes U+FFFD; text over the length cap is refused with a notice', async (t) => {
  const { server, port, events } = await startServer({ maxTextChars: 100 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const json = Buffer.concat([Buffer.from('{"ref":1,"text":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('b"}')]);
  alice.socket.write(frameBytes(FrameType.Message, json));
  const msg = await waitFor(() => events.messages[0], 'the message');
  assert.equal(msg.text, 'a\ufffd(b');
  alice.say('y'.repeat(101));
  await alice.waitNotice(/^Message not sent: it is 101 characters; the limit is 100\.$/);
  assert.equal(events.messages.length, 1);
  alice.close();
});

test('a stalled reader is cut off at its output cap; the room goes on', async (t) => {
  const { server, port, events } = await startServer({ maxPendingOutputBytes: 512 * 1024 });
  t.after(() => server.close());
  const stalled = await RawNativeClient.join(port, 'Stalled');
  const bob = await RawNativeClient.join(port, 'Bob');
  stalled.socket.pause();
  const line = 'z'.repeat(8000);
  for (let i = 0; i < 2000 && !hostErrors(events, 'output-cap').length; i++) {
    await server.send({ text: `${i} ${line}` });
    if (i % 50 === 0) await delay(1);
  }
  await waitFor(() => hostErrors(events, 'output-cap').length === 1, 'the cut-off log line', 5000);
  assert.match(
    hostErrors(events, 'output-cap')[0].text,
    /^Disconnected Stalled \(127\.0\.0\.1:\d+\): .* of output was waiting for it \(limit 512 KB\); it stopped reading\.$/,
  );
  await waitFor(() => !server.roster.active.some((p) => p.name === 'Stalled'), 'Stalled gone from the roster');
  await server.send({ text: 'after the stall' });
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'after the stall', 10_000);
  stalled.close();
  bob.close();
});

test('heartbeat: a peer that never answers is dropped; one that answers stays', async (t) => {
  const { server, port, events } = await startServer({ heartbeatIntervalMs: 40 });
  t.after(() => server.close());
  const alive = await RawNativeClient.join(port, 'Alive');
  const dead = await RawNativeClient.join(port, 'Dead');
  dead.autoPong = false;
  await dead.waitClosed(2000);
  await waitFor(() => hostErrors(events, 'heartbeat').length === 1, 'the heartbeat log line');
  assert.match(
    hostErrors(events, 'heartbeat')[0].text,
    /^Disconnected Dead \(127\.0\.0\.1:\d+\): no answer to 2 heartbeats\.$/,
  );
  await delay(200);
  assert.equal(alive.closed, false);
  assert.ok(alive.of(FrameType.Ping).length >= 3);
  alive.close();
});

test('an image that sends more bytes than it announced is refused and aborted for recipients', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100)]);
  alice.say('', { ref: 5, image: { mime: 'image/png', size: 50 } });
  alice.send({ type: FrameType.ImageChunk, ref: 5, bytes: bytes.subarray(0, 40) });
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.image !== undefined)).body;
  alice.send({ type: FrameType.ImageChunk, ref: 5, bytes: bytes.subarray(40) });
  await alice.waitNotice(/^Image refused: it sent more than the 50 bytes it announced\.$/);
  await bob.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.ref);
  assert.equal(events.messages.length, 0);
  alice.close();
  bob.close();
});

test('image byte budget: one client sending images faster than imageBytesPerMinute is refused with a notice; the chunks of a refused image are dropped; chat goes on', async (t) => {
  // The attack scaled down: 7 × 24 MiB against 100 MiB/min becomes 7 × 240 KiB against 1 MiB/min.
  const { server, port, events } = await startServer({ maxImageBytes: 256 * 1024, imageBytesPerMinute: 1024 * 1024 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const images = Array.from({ length: 7 }, () => pngLike(240 * 1024));
  images.forEach((image, i) => alice.sendImage(image, { ref: i + 1, text: `picture ${i + 1}` }));
  const refusal =
    /^Image refused — slow down: you sent (\d+(?:\.\d)?) KB of images in the last minute \(the limit is 1 MB per minute\); try again in (\d+) s\.$/;
  await waitFor(
    () => alice.noticeTexts().filter((text) => refusal.test(text)).length === 3,
    () => `3 refusals (notices: ${JSON.stringify(alice.noticeTexts())})`,
  );
  for (const text of alice.noticeTexts().filter((n) => refusal.test(n))) {
    const [, used, seconds] = refusal.exec(text) as RegExpExecArray;
    assert.ok(Number(used) >= 900 && Number(used) <= 1024, `used ${used} KB`);
    assert.ok(
      Number(seconds) >= 10 && Number(seconds) <= 14,
      `retry in ${seconds} s (240 KiB at 1 MiB/min is ~10-14 s after what refilled)`,
    );
  }
  alice.say('still here', { ref: 99 });
  await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'still here');
  // Bob got the first four images whole and nothing of the others: no header, no chunk.
  const headers = bob.messages().filter((m) => m.image);
  assert.deepEqual(
    headers.map((m) => m.text),
    ['picture 1', 'picture 2', 'picture 3', 'picture 4'],
  );
  headers.forEach((header, i) =>
    assert.ok(bob.imageBytes(header.ref).equals(images[i]), `image ${i + 1} byte-identical`),
  );
  const accepted = new Set(headers.map((h) => h.ref));
  assert.ok(
    bob.of(FrameType.ImageChunk).every((chunk) => accepted.has(chunk.ref)),
    'no chunk of a refused image was relayed',
  );
  assert.deepEqual(
    events.messages.filter((m) => m.image).map((m) => m.text),
    ['picture 1', 'picture 2', 'picture 3', 'picture 4'],
  );
  const logged = hostErrors(events, 'image-rate-limited');
  assert.equal(logged.length, 3);
  assert.match(logged[0].text, /^Alice \(127\.0\.0\.1:\d+\): Image refused — slow down: you sent /);
  assert.equal(alice.closed, false);
  assert.equal(alice.decodeError, undefined);
  alice.close();
  bob.close();
});

test('image byte budget: false turns it off; it defaults to 100 MiB (or maxImageBytes when larger) and cannot be set below maxImageBytes', async (t) => {
  const { ChatServer } = await import('../../../../../src/chat/server/chatServer');
  assert.equal(new ChatServer().options.imageBytesPerMinute, 100 * 1024 * 1024);
  assert.equal(new ChatServer({ maxImageBytes: 200 * 1024 * 1024 }).options.imageBytesPerMinute, 200 * 1024 * 1024);
  assert.throws(() => new ChatServer({ maxImageBytes: 2048, imageBytesPerMinute: 1024 }), {
    code: 'bad-option',
    message:
      'Server option imageBytesPerMinute (1024) must be at least maxImageBytes (2048), or an image of the largest allowed size could never be sent (false turns the limit off).',
  });
  assert.throws(() => new ChatServer({ imageBytesPerMinute: 0 }), { code: 'bad-option' });

  const { server, port, events } = await startServer({ maxImageBytes: 256 * 1024, imageBytesPerMinute: false });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  for (let i = 0; i < 7; i++) alice.sendImage(pngLike(240 * 1024), { ref: i + 1, text: `picture ${i + 1}` });
  await waitFor(() => bob.messages().filter((m) => m.image).length === 7, 'all 7 images relayed');
  assert.equal(hostErrors(events, 'image-rate-limited').length, 0);
  alice.close();
  bob.close();
});

test('image pace and per-address share: defaults, refusals of nonsense, and a slow honest image is not given up', async (t) => {
  const { ChatServer } = await import('../../../../../src/chat/server/chatServer');
  const defaults = new ChatServer().options;
  assert.equal(defaults.minImageBytesPerSecond, 8 * 1024);
  assert.equal(defaults.imageRateGraceMs, 30_000);
  assert.equal(defaults.maxHeldImageBytesPerAddress, 128 * 1024 * 1024);
  const huge = 100 * 1024 * 1024;
  assert.equal(new ChatServer({ maxImageBytes: huge }).options.maxHeldImageBytesPerAddress, 2 * huge);
  assert.equal(new ChatServer({ minImageBytesPerSecond: false }).options.minImageBytesPerSecond, false);
  assert.throws(() => new ChatServer({ maxImageBytes: 2048, maxHeldImageBytesPerAddress: 1024 }), {
    code: 'bad-option',
    message:
      'Server option maxHeldImageBytesPerAddress (1024) must be at least maxImageBytes (2048), or an image of the largest allowed size could never be sent.',
  });
  assert.throws(() => new ChatServer({ minImageBytesPerSecond: 0 }), {
    code: 'bad-option',
    message: 'Server option minImageBytesPerSecond must be a whole number ≥ 1, not 0.',
  });
  assert.throws(() => new ChatServer({ imageRateGraceMs: -1 }), { code: 'bad-option' });

  // 40 KiB/s (4 KiB every 100 ms), well past a short grace: five times the minimum pace, so it is relayed whole.
  const { server, port, events } = await startServer({ imageRateGraceMs: 300 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const bob = await RawNativeClient.join(port, 'Bob');
  const image = pngLike(80 * 1024);
  alice.say('slow', { ref: 5, image: { mime: 'image/png', size: image.length } });
  for (let offset = 0; offset < image.length; offset += 4096) {
    alice.send({ type: FrameType.ImageChunk, ref: 5, bytes: image.subarray(offset, offset + 4096) });
    await delay(100);
  }
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'slow')).body;
  await waitFor(() => bob.imageBytes(header.ref).length === image.length, 'the slow image at Bob');
  assert.ok(bob.imageBytes(header.ref).equals(image));
  assert.equal(hostErrors(events, 'image-stalled').length, 0, 'not given up');
  alice.close();
  bob.close();
});

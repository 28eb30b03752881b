// Image backpressure on the server: recipients are isolated from each other and from the sender. A member that
// stops reading never holds up the sender's text or anyone else's copy; past its output cap it is cut off with the
// output-cap notice; under it, it simply lags and still gets every byte once it reads again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameWriter } from '../../../../src/chat/wire/frameWriter';
import { FrameType, MAX_IMAGE_CHUNK } from '../../../../src/chat/wire/frames';
import { pngLike, RawNativeClient, socketPair, startServer, waitFor } from '../../support/helpers';

const MiB = 1024 * 1024;

test(
  'a member that stopped reading is cut off at its cap; the sender’s text and the whole image still reach the others',
  { timeout: 60_000 },
  async (t) => {
    const cap = 8 * MiB;
    const { server, port, events } = await startServer({ name: 'Host', maxPendingOutputBytes: cap, rateLimit: false });
    t.after(() => server.close());
    const alice = await RawNativeClient.join(port, 'alice');
    const bob = await RawNativeClient.join(port, 'bob');
    const sloth = await RawNativeClient.join(port, 'sloth');
    t.after(() => [alice, bob, sloth].forEach((c) => c.close()));
    sloth.socket.pause(); // stops reading for good

    const image = pngLike(3 * cap); // more than the cap: the stalled member can never hold all of it
    alice.sendImage(image, { ref: 11, text: 'the picture' });
    alice.say('said after the picture');

    const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'the picture', 20_000)).body;
    await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'said after the picture', 20_000);
    await waitFor(() => bob.imageBytes(header.ref).length === image.length, 'the whole image at bob', 20_000);
    assert.ok(bob.imageBytes(header.ref).equals(image), 'bob’s copy is byte-identical');
    const hostCopy = await waitFor(() => events.messages.find((m) => m.image), 'the host’s copy', 20_000);
    assert.ok(hostCopy.image?.bytes.equals(image), 'the host’s copy is byte-identical');

    const cut = await waitFor(
      () => events.notices.find((n) => n.code === 'output-cap'),
      'the stalled member cut off',
      20_000,
    );
    assert.match(cut.text, /^Disconnected sloth\b.*limit 8(\.0)? MB.*it stopped reading\.$/);
    await waitFor(() => !server.roster.active.some((p) => p.name === 'sloth'), 'sloth out of the room', 5000);
    sloth.socket.resume(); // reads what the kernel still held for it, then sees the server hang up
    await sloth.waitClosed(5000);
    assert.ok(sloth.imageBytes(header.ref).length < image.length, 'the stalled member never got the whole image');
    assert.equal(
      events.notices.filter((n) => n.code === 'output-cap').length,
      1,
      'only the stalled member was cut off',
    );
    assert.equal(bob.closed, false);
    assert.equal(alice.closed, false);
    // Text after the cut flows as usual.
    alice.say('still here');
    await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'still here', 5000);
  },
);

test(
  'a member that pauses under its cap only lags: the others get text and image at once, it gets everything when it reads again',
  { timeout: 60_000 },
  async (t) => {
    const { server, port, events } = await startServer({
      name: 'Host',
      maxPendingOutputBytes: 64 * MiB,
      rateLimit: false,
    });
    t.after(() => server.close());
    const alice = await RawNativeClient.join(port, 'alice');
    const bob = await RawNativeClient.join(port, 'bob');
    const lagger = await RawNativeClient.join(port, 'lagger');
    t.after(() => [alice, bob, lagger].forEach((c) => c.close()));
    lagger.socket.pause();

    const image = pngLike(16 * MiB);
    alice.sendImage(image, { ref: 12, text: 'big one' });
    alice.say('after the big one');

    // While the lagger still reads nothing, the room goes on: bob has the text said after the image and every byte.
    // (The suite's usual 3 s wait: a sender held back for the lagger's sake — up to 5 s before — would miss it.)
    const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'big one')).body;
    await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'after the big one');
    await waitFor(() => bob.imageBytes(header.ref).length === image.length, 'the whole image at bob', 20_000);
    assert.ok(bob.imageBytes(header.ref).equals(image));
    // …and so does the host, talking back in the meantime.
    await server.send({ text: 'host answers' });
    await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'host answers', 5000);
    assert.equal(
      lagger.of(FrameType.ImageChunk).reduce((n, f) => n + f.bytes.length, 0) < image.length,
      true,
      'set-up: the lagger has not read the image yet',
    );
    assert.ok(
      server.roster.active.some((p) => p.name === 'lagger'),
      'under its cap the lagger stays',
    );

    lagger.socket.resume();
    await waitFor(() => lagger.imageBytes(header.ref).length === image.length, 'the whole image at the lagger', 20_000);
    assert.ok(lagger.imageBytes(header.ref).equals(image), 'the lagger’s copy is byte-identical');
    const texts = lagger.messages().map((m) => m.text);
    assert.deepEqual(
      texts.filter((x) => ['big one', 'after the big one', 'host answers'].includes(x)),
      ['big one', 'after the big one', 'host answers'],
    );
    assert.deepEqual(
      events.notices.filter((n) => n.code === 'output-cap'),
      [],
      'nobody was cut off',
    );
  },
);

test('the host’s copy is assembled in place even when the first chunk is tiny and held for the type check', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'alice');
  const bob = await RawNativeClient.join(port, 'bob');
  t.after(() => [alice, bob].forEach((c) => c.close()));
  const image = pngLike(5 + 3 + 2 * MAX_IMAGE_CHUNK + 1000);
  alice.say('pieces', { ref: 9, image: { mime: 'image/png', size: image.length } });
  // 5 + 3 bytes stay held until 32 bytes prove the type, then go out in order with the rest.
  const cuts = [0, 5, 8, 8 + MAX_IMAGE_CHUNK, 8 + 2 * MAX_IMAGE_CHUNK, image.length];
  for (let i = 0; i + 1 < cuts.length; i++)
    alice.send({ type: FrameType.ImageChunk, ref: 9, bytes: image.subarray(cuts[i], cuts[i + 1]) });
  const hostCopy = await waitFor(() => events.messages.find((m) => m.text === 'pieces' && m.image), 'the host’s copy');
  assert.equal(hostCopy.image?.bytes.length, image.length);
  assert.ok(hostCopy.image?.bytes.equals(image), 'the host’s copy is byte-identical');
  const header = (await bob.waitFrame(FrameType.Message, (f) => f.body.text === 'pieces')).body;
  await waitFor(() => bob.imageBytes(header.ref).length === image.length, 'all bytes at bob');
  assert.ok(bob.imageBytes(header.ref).equals(image));
});

test('FrameWriter with capBulk off: bulk past the cap is kept for the owner to judge; urgent bytes alone over it still overflow', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  reader.pause();
  const overflows: number[] = [];
  const cap = 1 * MiB;
  const frames = new FrameWriter(writer, {
    maxPendingBytes: cap,
    capBulk: false,
    onOverflow: (pending) => overflows.push(pending),
  });
  const chunk = Buffer.alloc(MAX_IMAGE_CHUNK, 0x2e);
  for (let i = 0; i < 64; i++) assert.equal(frames.queue(chunk), true, `bulk chunk ${i} accepted`);
  assert.ok(frames.pendingBytes > cap, `set-up: ${frames.pendingBytes} bytes pending`);
  assert.deepEqual(overflows, [], 'bulk past the cap is not an overflow here');
  assert.equal(frames.urgent(Buffer.from('a line\n')), true, 'a line still goes out');
  assert.deepEqual(overflows, []);

  // Urgent bytes that Node itself must hold beyond the cap: that is a peer that stopped reading text.
  const line = Buffer.alloc(16 * 1024, 0x41);
  for (let i = 0; i < 4096 && overflows.length === 0; i++) frames.urgent(line);
  assert.equal(overflows.length, 1, 'urgent output over the cap overflows once');
  assert.equal(frames.urgent(line), false, 'later writes are refused');
});

// Faults from readers that fall behind: one that stops reading is cut off at its output cap, one that is merely
// slow is throttled instead. The others get everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../src/chat/wire/frames';
import { bigPng } from '../support/clientHelpers';
import { RawNativeClient, startServer, waitFor } from '../support/helpers';
import { honestClient, textsFrom } from '../support/adversarial';

test(
  'faults: a reader that stops reading is cut off at its output cap while the others get everything',
  { timeout: 60_000 },
  async (t) => {
    // The cap sits above the server's image backpressure mark (8 MiB), as with the default 64 MiB: a reader that is
    // merely slow holds the sender back instead of being cut; one that never reads still hits the cap.
    const cap = 12 * 1024 * 1024;
    const { server, port, events } = await startServer({ name: 'Host', maxPendingOutputBytes: cap, rateLimit: false });
    t.after(() => server.close());
    const alice = await honestClient(port, 'alice');
    const bob = await honestClient(port, 'bob');
    t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
    const sloth = await RawNativeClient.join(port, 'sloth');
    sloth.socket.pause(); // stops reading: the kernel buffers fill, then the server's queue for it grows

    const image = bigPng(1024 * 1024);
    const sentTexts: string[] = [];
    let images = 0;
    const slothHere = () => server.roster.active.some((p) => p.name === 'sloth');
    for (let round = 0; round < 60 && slothHere(); round++) {
      await alice.client.send({ image, text: `picture ${round}` });
      images++;
      for (let i = 0; i < 5; i++) {
        const text = `line ${round}.${i}`;
        await alice.client.send({ text });
        sentTexts.push(text);
      }
      await alice.client.flushed(15_000);
    }
    await waitFor(
      () => events.notices.find((n) => n.code === 'output-cap' && /sloth/.test(n.text)),
      'the stalled reader cut off',
      15_000,
    );
    assert.ok(!slothHere(), 'sloth left the room');
    assert.ok(images < 60, 'sloth was cut off while alice was still sending');

    // Bob, who reads, got every line and every picture, in order, and was never cut off.
    const all = () => textsFrom(bob.seen, 'alice');
    await waitFor(
      () => all().length === sentTexts.length + images,
      () =>
        `bob to receive all (${all().length}/${sentTexts.length + images}); host notices: ${events.notices.map((n) => n.text).join(' | ')}`,
      30_000,
    );
    assert.deepEqual(
      all().filter((x) => x.startsWith('line')),
      sentTexts,
    );
    const pictures = bob.seen.messages.filter((m) => m.image);
    assert.equal(pictures.length, images);
    assert.ok(
      pictures.every((m) => m.image!.bytes.equals(image)),
      'every picture byte-identical',
    );
    assert.equal(bob.client.state, 'active');
    const cut = events.notices
      .filter((n) => n.code === 'output-cap')
      .map((n) => /^Disconnected (\S+)/.exec(n.text)?.[1]);
    assert.deepEqual(cut, ['sloth'], 'only the reader that stopped was cut off');
  },
);

test(
  'faults: a slow but steady reader is throttled, not cut off, even when the output cap is small',
  { timeout: 60_000 },
  async (t) => {
    // The output cap is settable; image backpressure must engage below it, or a reader that is merely slower than
    // the sender is disconnected as if it had stalled.
    const cap = 2 * 1024 * 1024;
    const { server, port, events } = await startServer({ name: 'Host', maxPendingOutputBytes: cap, rateLimit: false });
    t.after(() => server.close());
    const alice = await honestClient(port, 'alice');
    t.after(() => alice.client.close());
    const turtle = await RawNativeClient.join(port, 'turtle');
    // Reads in short bursts: about 64 KiB every 10 ms (a few MB/s), never stopping.
    turtle.socket.pause();
    const pacer = setInterval(() => {
      turtle.socket.resume();
      setImmediate(() => turtle.socket.pause());
    }, 10);
    t.after(() => clearInterval(pacer));

    const image = bigPng(1024 * 1024);
    for (let i = 0; i < 16; i++) {
      await alice.client.send({ image, text: `slow ${i}` });
      await alice.client.flushed(30_000); // one image at a time: only the cap is under test here
    }
    const cutOff = () => events.notices.some((n) => n.code === 'output-cap');
    await waitFor(
      () =>
        cutOff() ||
        (turtle.of(FrameType.Message).filter((f) => f.body.image).length === 16 &&
          turtle.of(FrameType.ImageChunk).length >= 16 * 16),
      () => `turtle to get all 16 images (has ${turtle.of(FrameType.ImageChunk).length} chunks)`,
      25_000,
    );
    assert.deepEqual(
      events.notices.filter((n) => n.code === 'output-cap').map((n) => n.text),
      [],
      'nobody was cut off',
    );
    assert.ok(server.roster.active.some((p) => p.name === 'turtle'));
    clearInterval(pacer);
    turtle.close();
  },
);

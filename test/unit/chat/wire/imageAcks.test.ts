// The ack window on a real loopback socket pair: with acks withheld the bulk lane stops at IMAGE_ACK_WINDOW image
// bytes, a text line written meanwhile arrives before the rest of the image, and acks let the rest through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameWriter } from '../../../../src/chat/wire/frameWriter';
import {
  IMAGE_ACK_EVERY,
  IMAGE_ACK_WINDOW,
  ImageAckCounter,
  MAX_TRACKED_REFS,
} from '../../../../src/chat/wire/imageAcks';
import { encodeFrame, FrameDecoder, imageChunkHeader } from '../../../../src/chat/wire/codec';
import { FrameType, MAX_IMAGE_CHUNK, type Frame, type UnknownFrame } from '../../../../src/chat/wire/frames';
import { delay, socketPair, waitFor } from '../../support/helpers';

const REF = 7;
const CHUNKS = 48; // 3 MiB: far more than the window

function noOverflow(pending: number): void {
  assert.fail(`unexpected overflow at ${pending} pending bytes`);
}

test('ack window: the bulk lane stops at the window without acks, text overtakes, acks resume it', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  const frames = new FrameWriter(writer, { maxPendingBytes: 256 << 20, onOverflow: noOverflow });
  frames.enableAckWindow();
  const decoder = new FrameDecoder();
  const got: Array<Frame | UnknownFrame> = [];
  let imageBytes = 0;
  reader.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      got.push(frame);
      if (frame.type === FrameType.ImageChunk) imageBytes += frame.bytes.length;
    }
  });

  const image = Buffer.alloc(CHUNKS * MAX_IMAGE_CHUNK);
  for (let i = 0; i < image.length; i++) image[i] = (i * 13) & 0xff;
  for (let offset = 0; offset < image.length; offset += MAX_IMAGE_CHUNK) {
    const bytes = image.subarray(offset, offset + MAX_IMAGE_CHUNK);
    assert.equal(frames.queueChunk(imageChunkHeader(REF, bytes.length), bytes), true);
  }

  // Without acks: the window's worth arrives, then nothing more however long we wait.
  await waitFor(
    () => imageBytes >= IMAGE_ACK_WINDOW,
    () => `the first window (got ${imageBytes} bytes)`,
    5000,
  );
  await delay(300);
  assert.equal(imageBytes, IMAGE_ACK_WINDOW, 'exactly the window went out (whole chunks, no more)');
  assert.equal(frames.unackedImageBytes, IMAGE_ACK_WINDOW);
  assert.ok(
    frames.pendingBytes >= image.length - IMAGE_ACK_WINDOW,
    `the rest waits in the writer (${frames.pendingBytes} bytes)`,
  );

  // A text line now goes straight out, ahead of every image byte still queued.
  const line: Frame = { type: FrameType.Message, body: { ref: 1, text: 'hello while the image waits' } };
  frames.urgent(encodeFrame(line));
  await waitFor(() => got.some((f) => f.type === FrameType.Message), 'the text line', 3000);
  assert.equal(imageBytes, IMAGE_ACK_WINDOW, 'the line arrived right behind the first window');

  // The receiver acks as it goes (the same counter the client and server use): the rest flows, in order, intact.
  const counter = new ImageAckCounter();
  let acks = 0;
  let counted = 0;
  const ackWhatArrived = () => {
    for (; counted < got.length; counted++) {
      const frame = got[counted];
      if (frame.type !== FrameType.ImageChunk) continue;
      const ack = counter.received(frame.ref, frame.bytes.length, false);
      if (!ack) continue;
      acks++;
      const [decoded] = new FrameDecoder().push(ack);
      assert.ok(decoded.type === FrameType.ImageAck);
      frames.ack(decoded.ref, decoded.received);
    }
    return imageBytes === image.length;
  };
  await waitFor(ackWhatArrived, () => `the whole image with acks (got ${imageBytes} of ${image.length})`, 10_000);
  assert.equal(acks, image.length / IMAGE_ACK_EVERY, 'one ack per IMAGE_ACK_EVERY bytes');
  const chunks = got.filter(
    (f): f is Extract<Frame, { type: FrameType.ImageChunk }> => f.type === FrameType.ImageChunk,
  );
  assert.ok(chunks.every((c) => c.ref === REF));
  assert.equal(Buffer.concat(chunks.map((c) => c.bytes)).equals(image), true, 'image bytes intact and in order');
  assert.equal(
    got.findIndex((f) => f.type === FrameType.Message),
    IMAGE_ACK_WINDOW / MAX_IMAGE_CHUNK,
    'line sits after the first window',
  );
  assert.equal(frames.unackedImageBytes, 0, 'every byte acknowledged: the window is empty');
  await frames.flushed(2000);
  assert.equal(frames.pendingBytes, 0);
});

test('ack window: a peer cannot open more than was written; without enableAckWindow nothing waits for acks', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  const plain = new FrameWriter(writer, { maxPendingBytes: 256 << 20, onOverflow: noOverflow });
  let received = 0;
  reader.on('data', (chunk: Buffer) => (received += chunk.length));
  const bytes = Buffer.alloc(MAX_IMAGE_CHUNK, 1);
  let total = 0;
  for (let i = 0; i < 24; i++) {
    plain.queueChunk(imageChunkHeader(1, bytes.length), bytes);
    total += 9 + bytes.length;
  }
  await waitFor(
    () => received === total,
    () => `all ${total} bytes without acks (got ${received})`,
    5000,
  );
  assert.equal(plain.unackedImageBytes, 0);

  plain.enableAckWindow(2 * MAX_IMAGE_CHUNK);
  plain.ack(1, 0xffffffff); // bogus: acknowledges far more than was ever sent under the window
  assert.equal(plain.unackedImageBytes, 0, 'clamped: nothing negative, no credit banked');
});

test('ImageAckCounter: acks every 256 KiB, and what is left when the image ends or is dropped', () => {
  const counter = new ImageAckCounter();
  const decode = (bytes: Buffer | undefined) => (bytes ? new FrameDecoder().push(bytes)[0] : undefined);
  assert.equal(counter.received(3, IMAGE_ACK_EVERY - 1, false), undefined);
  assert.deepEqual(decode(counter.received(3, 1, false)), {
    type: FrameType.ImageAck,
    ref: 3,
    received: IMAGE_ACK_EVERY,
  });
  assert.equal(counter.received(3, 100, false), undefined);
  assert.deepEqual(decode(counter.received(3, 5, true)), {
    type: FrameType.ImageAck,
    ref: 3,
    received: IMAGE_ACK_EVERY + 105,
  });
  // A chunk for an image nobody collects is acknowledged at once; an aborted image's rest too.
  assert.deepEqual(decode(counter.received(4, 10, true)), { type: FrameType.ImageAck, ref: 4, received: 10 });
  counter.received(5, 20, false);
  assert.deepEqual(decode(counter.finish(5)), { type: FrameType.ImageAck, ref: 5, received: 20 });
  assert.equal(counter.finish(5), undefined);
});

test('ImageAckCounter: chunks that keep coming for a finished (refused) image are acknowledged cumulatively', async (t) => {
  // A sender's window counts what each ack adds to the last one for that ref: acking every dropped chunk with
  // its own length would add nothing after the first, and the window would never reopen.
  const { writer, reader, close } = await socketPair();
  t.after(close);
  const frames = new FrameWriter(writer, { maxPendingBytes: 256 << 20, onOverflow: noOverflow });
  frames.enableAckWindow();
  const counter = new ImageAckCounter();
  const decoder = new FrameDecoder();
  let dropped = 0;
  reader.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      if (frame.type !== FrameType.ImageChunk) continue;
      dropped += frame.bytes.length;
      const ack = counter.received(frame.ref, frame.bytes.length, true); // nobody collects this ref
      const [decoded] = ack ? new FrameDecoder().push(ack) : [];
      if (decoded?.type === FrameType.ImageAck) frames.ack(decoded.ref, decoded.received);
    }
  });
  const bytes = Buffer.alloc(MAX_IMAGE_CHUNK, 3);
  for (let i = 0; i < CHUNKS; i++) frames.queueChunk(imageChunkHeader(REF, bytes.length), bytes);
  await waitFor(
    () => dropped === CHUNKS * MAX_IMAGE_CHUNK,
    () => `the whole refused image through the window (${dropped} of ${CHUNKS * MAX_IMAGE_CHUNK} bytes)`,
    5000,
  );
  assert.equal(frames.unackedImageBytes, 0, 'every dropped byte acknowledged');
  const decode = (ack: Buffer | undefined) => (ack ? new FrameDecoder().push(ack)[0] : undefined);
  assert.deepEqual(decode(counter.received(REF, 1, true)), {
    type: FrameType.ImageAck,
    ref: REF,
    received: CHUNKS * MAX_IMAGE_CHUNK + 1,
  });
  // Aborted, then more chunks of it: still one running total.
  counter.received(9, 100, false);
  assert.deepEqual(decode(counter.finish(9)), { type: FrameType.ImageAck, ref: 9, received: 100 });
  assert.deepEqual(decode(counter.received(9, 50, true)), { type: FrameType.ImageAck, ref: 9, received: 150 });
});

test('ImageAckCounter: the least recently counted ref is forgotten first, also when one ref is counted many times in a row', () => {
  const counter = new ImageAckCounter();
  const total = (ref: number) => {
    const ack = counter.received(ref, 1, true); // finished: acknowledges (and shows) the running total
    return ack ? (new FrameDecoder().push(ack)[0] as { received: number }).received : undefined;
  };
  counter.received(1, 10, false);
  counter.received(1, 10, false); // the same ref again: already the most recent
  for (let ref = 2; ref <= MAX_TRACKED_REFS; ref++) counter.received(ref, 5, false); // the table is full
  counter.received(1, 10, false); // ref 1 is the most recent again; ref 2 is now the least
  counter.received(1000, 5, false); // a new ref: ref 2 is forgotten to make room
  assert.equal(total(1), 31, 'ref 1 kept its count');
  assert.equal(total(2), 1, 'ref 2 was forgotten: its count starts again');
  counter.clear();
  counter.received(1000, 5, false);
  assert.equal(total(1000), 6, 'after clear() a ref counts from zero, even the one counted last');
});

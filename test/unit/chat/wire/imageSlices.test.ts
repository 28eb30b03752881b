// A decoder made with keepImageSlices hands a split image chunk on as the slices of the reads it spans (no copy),
// and otherwise decodes exactly what the default decoder decodes; the writer sends a chunk's slices as one frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameDecoder,
  MAX_IMAGE_SLICES,
  encodeFrame,
  frameBytes,
  imageChunkHeader,
  imageChunkParts,
} from '../../../../src/chat/wire/codec';
import { FrameType, MAX_IMAGE_CHUNK, type Frame } from '../../../../src/chat/wire/frames';
import { FrameWriter } from '../../../../src/chat/wire/frameWriter';
import { socketPair } from '../../support/helpers';
import { lengthPrefix, protocolError, samples, unknownDecoded, unknownFrame, type Decoded } from './frameSamples';

/** The frame with its slices joined, as the default decoder would give it. */
function joined(frame: Decoded): Decoded {
  // File chunks are kept as slices like image chunks.
  if (frame.type === FrameType.FileChunk && frame.more)
    return { type: FrameType.FileChunk, transfer: frame.transfer, bytes: Buffer.concat(imageChunkParts(frame)) };
  if (frame.type !== FrameType.ImageChunk || !frame.more) return frame;
  return { type: FrameType.ImageChunk, ref: frame.ref, bytes: Buffer.concat(imageChunkParts(frame)) };
}

function slicing(): FrameDecoder {
  return new FrameDecoder(undefined, { keepImageSlices: true });
}

const image = Buffer.alloc(MAX_IMAGE_CHUNK);
for (let i = 0; i < image.length; i++) image[i] = (i * 31 + 7) & 0xff;
const chunkFrame: Frame = { type: FrameType.ImageChunk, ref: 7, bytes: image };
const stream = Buffer.concat([
  ...samples.map(encodeFrame),
  encodeFrame(chunkFrame),
  unknownFrame,
  encodeFrame(samples[7]),
]);
const expected: Decoded[] = [...samples, chunkFrame, unknownDecoded, samples[7]];

test('split at every 97th byte, a slicing decoder decodes the same frames as the default one', () => {
  for (let split = 0; split <= stream.length; split += 97) {
    const decoder = slicing();
    const frames = [...decoder.push(stream.subarray(0, split)), ...decoder.push(stream.subarray(split))];
    assert.deepEqual(frames.map(joined), expected, `split at byte ${split}`);
    assert.equal(decoder.bufferedBytes, 0);
  }
});

test('a 64 KiB chunk split over three reads comes out as slices of those reads, not a copy', () => {
  const bytes = encodeFrame(chunkFrame);
  const reads = [bytes.subarray(0, 30_000), bytes.subarray(30_000, 60_000), bytes.subarray(60_000)].map((r) =>
    Buffer.from(r),
  );
  const decoder = slicing();
  const frames = reads.flatMap((read) => decoder.push(read));
  assert.equal(frames.length, 1);
  const frame = frames[0] as Extract<Frame, { type: FrameType.ImageChunk }>;
  assert.equal(frame.ref, 7);
  const parts = imageChunkParts(frame);
  assert.equal(parts.length, 3);
  parts.forEach((part, i) => assert.equal(part.buffer, reads[i].buffer, `part ${i} is a view of read ${i}`));
  assert.ok(Buffer.concat(parts).equals(image));
  assert.ok(encodeFrame(frame).equals(bytes), 'a sliced chunk encodes to the same bytes');
});

test('a chunk dribbled a byte at a time is copied together once past the slice limit, and decodes intact', () => {
  const bytes = encodeFrame(chunkFrame);
  const decoder = slicing();
  const frames: Decoded[] = [];
  for (let i = 0; i < bytes.length; i++) frames.push(...decoder.push(bytes.subarray(i, i + 1)));
  assert.deepEqual(frames, [chunkFrame]);
  assert.ok(MAX_IMAGE_SLICES < bytes.length);
  assert.equal(decoder.bufferedBytes, 0);
});

test('a split chunk of 0 or 64 KiB + 1 image bytes is still a bad-frame error when kept as slices', () => {
  const ref = lengthPrefix(5).subarray(0, 4);
  for (const payload of [Buffer.concat([ref, Buffer.alloc(MAX_IMAGE_CHUNK + 1)])]) {
    const bytes = frameBytes(FrameType.ImageChunk, payload);
    const decoder = slicing();
    decoder.push(bytes.subarray(0, 100));
    assert.throws(() => decoder.push(bytes.subarray(100)), protocolError('bad-frame'));
  }
  const empty = frameBytes(FrameType.ImageChunk, ref);
  const decoder = slicing();
  decoder.push(empty.subarray(0, 6));
  assert.throws(() => decoder.push(empty.subarray(6)), protocolError('bad-frame'));
});

test("the writer sends a chunk's header and slices back to back, as one frame", async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  const frames = new FrameWriter(writer, { maxPendingBytes: 64 << 20, onOverflow: () => assert.fail('overflow') });
  const parts = [image.subarray(0, 10), image.subarray(10, 40_000), image.subarray(40_000)];
  const decoded: Decoded[] = [];
  const decoder = new FrameDecoder();
  const done = new Promise<void>((resolve) =>
    reader.on('data', (data: Buffer) => {
      decoded.push(...decoder.push(data));
      if (decoded.length === 2) resolve();
    }),
  );
  frames.queueChunk(imageChunkHeader(7, image.length), parts);
  frames.urgent(encodeFrame(samples[7]));
  await done;
  // Intact chunk and intact line: the urgent write did not land inside the chunk's frame.
  assert.deepEqual(
    decoded.filter((f) => f.type === FrameType.ImageChunk),
    [chunkFrame],
  );
  assert.deepEqual(
    decoded.filter((f) => f.type === FrameType.Message),
    [samples[7]],
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, ProtocolError, encodeFrame, frameBytes } from '../../../../src/chat/wire/codec';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FrameType,
  HARD_MAX_FRAME_BYTES,
  MAX_IMAGE_CHUNK,
  type Frame,
} from '../../../../src/chat/wire/frames';
import {
  decodeAll,
  lengthPrefix,
  protocolError,
  samples,
  unknownDecoded,
  unknownFrame,
  type Decoded,
} from './frameSamples';

// ------------------------------------------------------------------------------------------- round trips

test('every frame type round-trips through encodeFrame and FrameDecoder', () => {
  const covered = new Set(samples.map((f) => f.type));
  const allTypes = Object.values(FrameType).filter((v): v is FrameType => typeof v === 'number');
  assert.deepEqual(
    allTypes.filter((t) => !covered.has(t)),
    [],
    'a frame type has no sample',
  );
  for (const frame of samples) {
    const bytes = encodeFrame(frame);
    assert.equal(bytes.readUInt32BE(0), bytes.length - 4, `length prefix of type 0x${frame.type.toString(16)}`);
    assert.equal(bytes[4], frame.type);
    assert.deepEqual(decodeAll(bytes), [frame]);
  }
});

test('a full 64 KiB image chunk round-trips, byte-identical', () => {
  const bytes = Buffer.alloc(MAX_IMAGE_CHUNK);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  const frame: Frame = { type: FrameType.ImageChunk, ref: 42, bytes };
  const [decoded] = decodeAll(encodeFrame(frame));
  assert.deepEqual(decoded, frame);
});

// ------------------------------------------------------------------------------------------- stream splitting

const stream = Buffer.concat([...samples.map(encodeFrame), unknownFrame, encodeFrame(samples[7])]);
const expected: Decoded[] = [...samples, unknownDecoded, samples[7]];

test('several frames arriving in one chunk all decode, in order', () => {
  assert.deepEqual(decodeAll(stream), expected);
});

test('the stream split at every single byte boundary decodes the same frames', () => {
  for (let split = 0; split <= stream.length; split++) {
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(stream.subarray(0, split)), ...decoder.push(stream.subarray(split))];
    assert.deepEqual(frames, expected, `split at byte ${split}`);
    assert.equal(decoder.bufferedBytes, 0);
  }
});

test('the stream fed one byte at a time decodes the same frames, and nothing is left buffered', () => {
  const decoder = new FrameDecoder();
  const frames: Decoded[] = [];
  for (let i = 0; i < stream.length; i++) frames.push(...decoder.push(stream.subarray(i, i + 1)));
  assert.deepEqual(frames, expected);
  assert.equal(decoder.bufferedBytes, 0);
});

test('a 64 KiB image chunk between text frames, fed in 16-byte pieces, decodes intact', () => {
  const image = Buffer.alloc(MAX_IMAGE_CHUNK, 0xab);
  const big = Buffer.concat([
    encodeFrame(samples[7]),
    encodeFrame({ type: FrameType.ImageChunk, ref: 1, bytes: image }),
    encodeFrame(samples[13]),
  ]);
  const decoder = new FrameDecoder();
  const frames: Decoded[] = [];
  for (let i = 0; i < big.length; i += 16) frames.push(...decoder.push(big.subarray(i, i + 16)));
  assert.deepEqual(frames, [samples[7], { type: FrameType.ImageChunk, ref: 1, bytes: image }, samples[13]]);
});

// ------------------------------------------------------------------------------------------- limits

test('an oversized length prefix is rejected as soon as its 4 bytes arrive, before any body is buffered', () => {
  for (const length of [DEFAULT_MAX_FRAME_BYTES + 1, 0xffffffff]) {
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.push(lengthPrefix(length).subarray(0, 3)), []);
    assert.throws(() => decoder.push(lengthPrefix(length).subarray(3)), protocolError('frame-too-large'));
  }
  assert.throws(
    () => new FrameDecoder(100).push(Buffer.concat([lengthPrefix(101), Buffer.from([0x10])])),
    protocolError('frame-too-large'),
  );
});

test('a frame of exactly the maximum length is accepted', () => {
  const decoder = new FrameDecoder(100);
  assert.deepEqual(decoder.push(frameBytes(0x7e, Buffer.alloc(99))), [{ type: 'unknown', code: 0x7e, length: 100 }]);
  assert.deepEqual(decodeAll(frameBytes(0x7f, Buffer.alloc(DEFAULT_MAX_FRAME_BYTES - 1))), [
    { type: 'unknown', code: 0x7f, length: DEFAULT_MAX_FRAME_BYTES },
  ]);
});

test('a decoder configured above the hard limit still rejects frames over HARD_MAX_FRAME_BYTES', () => {
  const decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES * 4);
  assert.throws(() => decoder.push(lengthPrefix(HARD_MAX_FRAME_BYTES + 1)), protocolError('frame-too-large'));
});

test('a zero length prefix is an empty-frame error', () => {
  assert.throws(() => decodeAll(lengthPrefix(0)), protocolError('empty-frame'));
  assert.throws(
    () => decodeAll(Buffer.concat([encodeFrame(samples[0]), lengthPrefix(0)])),
    protocolError('empty-frame'),
  );
});

// ------------------------------------------------------------------------------------------- bad and unknown frames

test('bad binary frames are bad-frame errors: empty or oversized image chunks, short aborts and acks, long pings', () => {
  const ref = lengthPrefix(5).subarray(0, 4);
  const cases: Array<[string, Buffer]> = [
    ['image chunk with 0 image bytes', frameBytes(FrameType.ImageChunk, ref)],
    ['image chunk shorter than its ref', frameBytes(FrameType.ImageChunk, Buffer.from([0, 1]))],
    [
      'image chunk of 64 KiB + 1',
      frameBytes(FrameType.ImageChunk, Buffer.concat([ref, Buffer.alloc(MAX_IMAGE_CHUNK + 1)])),
    ],
    ['image abort of 3 bytes', frameBytes(FrameType.ImageAbort, Buffer.from([0, 0, 1]))],
    ['image abort of 5 bytes', frameBytes(FrameType.ImageAbort, Buffer.from([0, 0, 0, 0, 1]))],
    ['image ack of 7 bytes', frameBytes(FrameType.ImageAck, Buffer.alloc(7))],
    ['image ack of 9 bytes', frameBytes(FrameType.ImageAck, Buffer.alloc(9))],
    [
      'hello whose acks is not a boolean',
      frameBytes(FrameType.Hello, Buffer.from('{"v":1,"name":"ann","acks":"yes"}')),
    ],
    [
      'challenge whose acks is not a boolean',
      frameBytes(
        FrameType.Challenge,
        Buffer.from('{"v":1,"room":"r","auth":"none","nonce":"n","maxFrameBytes":1,"maxImageBytes":1,"acks":1}'),
      ),
    ],
    ['ping of 65 bytes', frameBytes(FrameType.Ping, Buffer.alloc(65))],
    ['pong of 65 bytes', frameBytes(FrameType.Pong, Buffer.alloc(65))],
  ];
  for (const [what, bytes] of cases) assert.throws(() => decodeAll(bytes), protocolError('bad-frame'), what);
});

test('unknown frame types are skipped and the next frame still decodes', () => {
  const bytes = Buffer.concat([
    frameBytes(0x7e, Buffer.alloc(0)),
    frameBytes(0xff, Buffer.from('{"x":1}')),
    frameBytes(0x00, Buffer.alloc(300, 1)),
    encodeFrame(samples[13]),
  ]);
  assert.deepEqual(decodeAll(bytes), [
    { type: 'unknown', code: 0x7e, length: 1 },
    { type: 'unknown', code: 0xff, length: 8 },
    { type: 'unknown', code: 0x00, length: 301 },
    samples[13],
  ]);
});

test('invalid UTF-8 in a text is replaced with U+FFFD, not rejected', () => {
  const payload = Buffer.concat([
    Buffer.from('{"ref":1,"text":"a'),
    Buffer.from([0xff, 0x62, 0xc3]),
    Buffer.from('"}'),
  ]);
  assert.deepEqual(decodeAll(frameBytes(FrameType.Message, payload)), [
    { type: FrameType.Message, body: { ref: 1, text: 'a\ufffdb\ufffd' } },
  ]);
  const name = Buffer.concat([Buffer.from('{"v":1,"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('x"}')]); // a UTF-8-encoded surrogate
  const [hello] = decodeAll(frameBytes(FrameType.Hello, name));
  assert.ok(hello.type === FrameType.Hello && /^\ufffd+x$/.test(hello.body.name), JSON.stringify(hello));
});

test('frames completed before a bad frame in the same chunk are not lost (same result as byte-by-byte)', () => {
  // Byte by byte, the Message is delivered before the bad chunk is seen; in one chunk it must not vanish.
  const bytes = Buffer.concat([encodeFrame(samples[7]), frameBytes(FrameType.ImageChunk, Buffer.alloc(4))]);
  const got: Decoded[] = [];
  assert.throws(() => {
    try {
      got.push(...new FrameDecoder().push(bytes));
    } catch (error) {
      got.push(...((error as { frames?: Decoded[] }).frames ?? []));
      throw error;
    }
  }, protocolError('bad-frame'));
  assert.deepEqual(got, [samples[7]]);
});

// ------------------------------------------------------------------------------------------- hostile bytes

/** mulberry32: a tiny seeded PRNG, so a failing run can be repeated with PROTOCOL_FUZZ_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('2,000 random byte strings only ever produce ProtocolError, never another exception', (t) => {
  const seed = Number(process.env.PROTOCOL_FUZZ_SEED ?? Math.floor(Math.random() * 0xffffffff));
  t.diagnostic(`seed ${seed} (repeat with PROTOCOL_FUZZ_SEED=${seed})`);
  console.log(`protocol fuzz seed ${seed}`);
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const types = [...Object.values(FrameType).filter((v) => typeof v === 'number'), 0x7e, 0];
  const encoded = samples.map(encodeFrame);
  let protocolErrors = 0;
  for (let round = 0; round < 2000; round++) {
    let bytes: Buffer;
    const shape = round % 3;
    if (shape === 0) {
      bytes = Buffer.from(Array.from({ length: int(200) }, () => int(256))); // pure noise
    } else if (shape === 1) {
      const payload = Buffer.from(Array.from({ length: int(120) }, () => int(256))); // plausible header, noise body
      bytes = frameBytes(types[int(types.length)] as number, payload);
    } else {
      bytes = Buffer.from(encoded[int(encoded.length)]); // a real frame with a few bytes flipped
      for (let flips = 1 + int(4); flips > 0; flips--) bytes[int(bytes.length)] = int(256);
    }
    const decoder = new FrameDecoder(int(2) ? DEFAULT_MAX_FRAME_BYTES : 64);
    try {
      for (let at = 0; at < bytes.length;) {
        const next = at + 1 + int(bytes.length - at);
        decoder.push(bytes.subarray(at, next));
        at = next;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError))
        assert.fail(`seed ${seed} round ${round}: ${String(error)} for ${bytes.toString('hex')}`);
      protocolErrors++;
    }
  }
  t.diagnostic(`${protocolErrors} of 2000 inputs were rejected with ProtocolError`);
  assert.ok(protocolErrors > 0, 'the fuzz inputs exercised the error paths');
});

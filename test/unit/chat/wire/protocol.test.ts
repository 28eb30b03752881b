import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Peer } from '../../../../src/chat/core/events';
import {
  CLIENT_PREAMBLE,
  DEFAULT_MAX_FRAME_BYTES,
  FrameDecoder,
  FrameType,
  HARD_MAX_FRAME_BYTES,
  MAX_IMAGE_CHUNK,
  MAX_ROSTER_PEERS,
  ProtocolError,
  authProof,
  encodeFrame,
  frameBytes,
  greetingLine,
  newNonce,
  parseGreeting,
  verifyProof,
  type Frame,
  type UnknownFrame,
} from '../../../../src/chat/wire/protocol';

type Decoded = Frame | UnknownFrame;
const ann: Peer = { id: 1, name: 'ann', address: '127.0.0.1:50001', kind: 'native' };
const host: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** One frame of every type, with optional fields both present and absent. */
const samples: Frame[] = [
  {
    type: FrameType.Challenge,
    body: { v: 1, room: 'Lobby', auth: 'none', nonce: newNonce(), maxFrameBytes: 1 << 20, maxImageBytes: 25 << 20 },
  },
  {
    type: FrameType.Challenge,
    body: { v: 1, room: 'Zimmer', auth: 'hmac-sha256', nonce: 'ab'.repeat(16), maxFrameBytes: 100, maxImageBytes: 0 },
  },
  { type: FrameType.Hello, body: { v: 1, name: 'ann' } },
  { type: FrameType.Hello, body: { v: 1, name: 'Zoë 你好', client: 'tcp-chat-cli/0.1', proof: authProof('pw', 'n') } },
  { type: FrameType.Welcome, body: { you: ann, room: 'Lobby', seats: 0, position: null } },
  { type: FrameType.Welcome, body: { you: ann, room: 'Lobby', seats: 1, position: 3 } },
  { type: FrameType.Error, body: { code: 'bad-password', message: 'Wrong room password.', fatal: true } },
  { type: FrameType.Message, body: { ref: 1, text: 'héllo 👋\nsecond line' } },
  { type: FrameType.Message, body: { ref: 0xffffffff, text: '', image: { mime: 'image/gif', size: 1 }, to: 'bob' } },
  {
    type: FrameType.Message,
    body: {
      ref: 9,
      text: 'const x = 1;',
      code: { language: 'typescript', file: 'src/a.ts', line: 12 },
      image: { mime: 'image/png', size: 70000 },
      to: ann,
      from: host,
      at: 1795000000123,
    },
  },
  { type: FrameType.ImageChunk, ref: 9, bytes: png },
  { type: FrameType.ImageChunk, ref: 0, bytes: Buffer.from([0]) },
  { type: FrameType.ImageAbort, ref: 9 },
  { type: FrameType.Notice, body: { level: 'info', text: 'ann joined' } },
  { type: FrameType.Notice, body: { level: 'error', text: 'Slow down.', code: 'rate-limited' } },
  { type: FrameType.Notice, body: { level: 'system', text: 'You are #2 in line' } },
  {
    type: FrameType.Roster,
    body: {
      seats: 1,
      active: [host],
      waiting: [ann, { id: 2, name: 'bob', address: '10.0.0.2:4000', kind: 'plain' }],
      connections: 2,
    },
  },
  { type: FrameType.Queue, body: { position: 2 } },
  { type: FrameType.Queue, body: { position: null } },
  { type: FrameType.Rename, body: { name: 'annie' } },
  { type: FrameType.Ping, payload: Buffer.from('0102030405060708', 'hex') },
  { type: FrameType.Ping, payload: Buffer.alloc(0) },
  { type: FrameType.Pong, payload: Buffer.alloc(64, 7) },
  { type: FrameType.Bye, body: {} },
  { type: FrameType.Bye, body: { reason: 'quit' } },
  { type: FrameType.ImageAck, ref: 9, received: 256 * 1024 },
  { type: FrameType.ImageAck, ref: 0xffffffff, received: 0xffffffff },
  {
    type: FrameType.Challenge,
    body: {
      v: 1,
      room: 'Lobby',
      auth: 'none',
      nonce: 'n',
      maxFrameBytes: 1 << 20,
      maxImageBytes: 25 << 20,
      acks: true,
    },
  },
  { type: FrameType.Hello, body: { v: 1, name: 'ann', acks: true } },
];
const unknownFrame = frameBytes(0x7e, Buffer.from('future stuff'));
const unknownDecoded: UnknownFrame = { type: 'unknown', code: 0x7e, length: 1 + 'future stuff'.length };

function decodeAll(bytes: Buffer, max?: number): Decoded[] {
  return new FrameDecoder(max).push(bytes);
}

function protocolError(code: ProtocolError['code']) {
  return (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

function jsonFrame(type: number, json: string): Buffer {
  return frameBytes(type, Buffer.from(json, 'utf8'));
}

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

function lengthPrefix(length: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(length, 0);
  return out;
}

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

// ------------------------------------------------------------------------------------------- malformed bodies

const badJsonFrames: Array<[string, number, string]> = [
  ['truncated JSON', FrameType.Message, '{"ref":1,"text":"hi"'],
  ['not JSON at all', FrameType.Notice, 'hello'],
  ['empty body', FrameType.Hello, ''],
  ['JSON null', FrameType.Rename, 'null'],
  ['JSON array', FrameType.Queue, '[1]'],
  ['JSON string', FrameType.Bye, '"bye"'],
  [
    'Challenge: unknown auth scheme',
    FrameType.Challenge,
    '{"v":1,"room":"r","auth":"md5","nonce":"n","maxFrameBytes":1,"maxImageBytes":1}',
  ],
  ['Challenge: limits missing', FrameType.Challenge, '{"v":1,"room":"r","auth":"none","nonce":"n"}'],
  ['Hello: name is a number', FrameType.Hello, '{"v":1,"name":42}'],
  ['Hello: negative version', FrameType.Hello, '{"v":-1,"name":"a"}'],
  ['Hello: proof is a number', FrameType.Hello, '{"v":1,"name":"a","proof":123}'],
  [
    'Welcome: position is text',
    FrameType.Welcome,
    `{"you":${JSON.stringify(ann)},"room":"r","seats":1,"position":"1"}`,
  ],
  [
    'Welcome: peer kind unknown',
    FrameType.Welcome,
    '{"you":{"id":1,"name":"a","address":"x","kind":"admin"},"room":"r","seats":0,"position":null}',
  ],
  ['Error: fatal is text', FrameType.Error, '{"code":"x","message":"y","fatal":"yes"}'],
  ['Message: ref is text', FrameType.Message, '{"ref":"1","text":"hi"}'],
  ['Message: ref is fractional', FrameType.Message, '{"ref":1.5,"text":"hi"}'],
  ['Message: text missing', FrameType.Message, '{"ref":1}'],
  ['Message: text is a number', FrameType.Message, '{"ref":1,"text":5}'],
  ['Message: image size 0', FrameType.Message, '{"ref":1,"text":"","image":{"mime":"image/png","size":0}}'],
  [
    'Message: image mime not an image we accept',
    FrameType.Message,
    '{"ref":1,"text":"","image":{"mime":"image/svg+xml","size":10}}',
  ],
  ['Message: to is a number', FrameType.Message, '{"ref":1,"text":"x","to":7}'],
  ['Message: from is not a peer', FrameType.Message, '{"ref":1,"text":"x","from":"ann"}'],
  ['Message: at is text', FrameType.Message, '{"ref":1,"text":"x","at":"noon"}'],
  ['Message: code without language', FrameType.Message, '{"ref":1,"text":"x","code":{"file":"a.ts"}}'],
  ['Notice: unknown level', FrameType.Notice, '{"level":"warning","text":"x"}'],
  ['Notice: text missing', FrameType.Notice, '{"level":"info"}'],
  ['Roster: active not a list', FrameType.Roster, '{"seats":0,"active":{},"waiting":[],"connections":0}'],
  [
    'Roster: waiting has a broken peer',
    FrameType.Roster,
    '{"seats":0,"active":[],"waiting":[{"id":1}],"connections":0}',
  ],
  ['Queue: negative position', FrameType.Queue, '{"position":-1}'],
  ['Rename: name missing', FrameType.Rename, '{}'],
  ['Bye: reason is a number', FrameType.Bye, '{"reason":1}'],
];

test('malformed JSON and wrongly typed fields are bad-frame errors', () => {
  for (const [what, type, json] of badJsonFrames) {
    assert.throws(() => decodeAll(jsonFrame(type, json)), protocolError('bad-frame'), what);
  }
});

test('a roster list longer than MAX_ROSTER_PEERS is a bad-frame error (a hostile server cannot flood the panel); the limit itself decodes', () => {
  assert.equal(MAX_ROSTER_PEERS, 10_000);
  const peers = (n: number) =>
    Array.from({ length: n }, (_, i): Peer => ({ id: i + 1, name: `p${i}`, address: '127.0.0.1:1', kind: 'native' }));
  const roster = (active: Peer[], waiting: Peer[]) =>
    encodeFrame({ type: FrameType.Roster, body: { seats: 0, active, waiting, connections: 1 } });
  const decoder = () => new FrameDecoder(HARD_MAX_FRAME_BYTES);
  const [full] = decoder().push(roster(peers(MAX_ROSTER_PEERS), peers(MAX_ROSTER_PEERS)));
  assert.ok(
    full.type === FrameType.Roster &&
      full.body.active.length === MAX_ROSTER_PEERS &&
      full.body.waiting.length === MAX_ROSTER_PEERS,
  );
  const tooMany = /Frame type 0x21: a list of 10001 peers \(the limit is 10000\)\./;
  assert.throws(() => decoder().push(roster(peers(MAX_ROSTER_PEERS + 1), [])), {
    name: 'ProtocolError',
    code: 'bad-frame',
    message: tooMany,
  });
  assert.throws(() => decoder().push(roster([], peers(MAX_ROSTER_PEERS + 1))), {
    name: 'ProtocolError',
    code: 'bad-frame',
    message: tooMany,
  });
});

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

// ------------------------------------------------------------------------------------------- greeting + auth

test('greetingLine parses back to its version and room; it tells nc users what to do', () => {
  for (const room of ['Lobby', 'Team chat 2', 'Zoë’s Ünïcødé 你好 👋', 'a-b_c.d']) {
    const line = greetingLine(room, 15_000);
    assert.match(line, /^TCPCHAT\/1 .* type your name and press Enter within 15 s.*\r\n$/);
    assert.deepEqual(parseGreeting(line), { version: 1, room });
    assert.deepEqual(
      parseGreeting(line.replace(/\r\n$/, '')),
      { version: 1, room },
      'line without its CRLF (readline)',
    );
  }
  assert.deepEqual(parseGreeting('TCPCHAT/2 Future room — something new\r\n'), { version: 2, room: 'Future room' });
});

test('greetingLine of a password room says so up front (no "type your name") and still parses', () => {
  for (const room of ['Lobby', 'Zoë’s Ünïcødé 你好 👋']) {
    const line = greetingLine(room, 15_000, true);
    assert.equal(
      line,
      `TCPCHAT/1 ${room} — this room needs a password: join with the TCP Chat extension or \`tcp-chat connect --password\`; plain-text clients such as nc cannot join.\r\n`,
    );
    assert.deepEqual(parseGreeting(line), { version: 1, room });
  }
});

test('a first line that is not our greeting parses as undefined (plain-text server)', () => {
  const lines = [
    '<announce> 127.0.0.1 is connected as <user4>.\n', // what `ncat --chat` really sends first
    '<announce> already connected: nobody.\n',
    'Welcome to the chat server!\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
    '220 mail.example.com ESMTP ready\r\n',
    'tcpchat/1 Lobby\r\n',
    'TCPCHAT/ Lobby\r\n',
    'TCPCHAT/x Lobby\r\n',
    ' TCPCHAT/1 Lobby\r\n',
    '',
    '\x00\xff\u001b[2J',
  ];
  for (const line of lines) assert.equal(parseGreeting(line), undefined, JSON.stringify(line));
});

test('authProof is the HMAC-SHA256 of the context string and nonce; verifyProof accepts exactly it', () => {
  const nonce = newNonce();
  assert.match(nonce, /^[0-9a-f]{32}$/);
  assert.notEqual(newNonce(), nonce);
  const proof = authProof('secret', nonce);
  assert.match(proof, /^[0-9a-f]{64}$/);
  assert.ok(!proof.includes(Buffer.from('secret').toString('hex')));
  assert.equal(verifyProof('secret', nonce, proof), true);
  assert.equal(verifyProof('Secret', nonce, proof), false, 'wrong password');
  assert.equal(verifyProof('secret', newNonce(), proof), false, 'proof replayed against a new nonce');
  assert.equal(verifyProof('secret', nonce, authProof('secret2', nonce)), false);
});

test('verifyProof returns false without throwing for a missing or malformed proof', () => {
  const nonce = '00112233445566778899aabbccddeeff';
  const proof = authProof('secret', nonce);
  const malformed: unknown[] = [
    undefined,
    '',
    'zz',
    'not hex at all',
    'x'.repeat(64),
    proof.slice(0, 62),
    proof + '00',
    proof.slice(0, 63) + 'g',
    ' ' + proof,
    42,
    null,
    { length: 64 },
  ];
  for (const bad of malformed) {
    assert.equal(verifyProof('secret', nonce, bad as string), false, JSON.stringify(bad));
  }
});

test('verifyProof rejects the right proof with trailing garbage (only exactly 64 hex digits are a proof)', () => {
  const nonce = '00112233445566778899aabbccddeeff';
  const proof = authProof('secret', nonce);
  // Buffer.from(hex) stops at the first non-hex pair and drops an odd last digit, so these decode to the right 32 bytes.
  for (const bad of [proof + 'zz', proof + '0', proof + '!', `${proof}\n`]) {
    assert.equal(verifyProof('secret', nonce, bad), false, JSON.stringify(bad));
  }
});

// ------------------------------------------------------------------------------------------- docs/PROTOCOL.md vectors

interface Vector {
  kind: string;
  name: string;
  hex: string;
  meaning: Record<string, unknown>;
}

function readVectors(): Vector[] {
  const doc = readFileSync(join(process.cwd(), 'docs', 'PROTOCOL.md'), 'utf8');
  const block = /```vectors\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'docs/PROTOCOL.md has a ```vectors block');
  return block[1]
    .trim()
    .split('\n')
    .map((line) => {
      const match = /^vector (\w+) ([\w-]+): ([0-9a-f]+) \| (.+)$/.exec(line);
      assert.ok(match, `vector line not understood: ${line}`);
      return {
        kind: match[1],
        name: match[2],
        hex: match[3],
        meaning: JSON.parse(match[4]) as Record<string, unknown>,
      };
    });
}

/** The frame a `frame` vector describes: FrameType names, hex strings for binary fields. */
function vectorFrame(meaning: Record<string, unknown>): Frame {
  const type = FrameType[meaning.type as keyof typeof FrameType];
  assert.equal(typeof type, 'number', `unknown frame type name ${String(meaning.type)}`);
  const frame: Record<string, unknown> = { ...meaning, type };
  for (const key of ['bytes', 'payload'])
    if (typeof frame[key] === 'string') frame[key] = Buffer.from(frame[key] as string, 'hex');
  return frame as unknown as Frame;
}

test('docs/PROTOCOL.md hex vectors match the codec in both directions', () => {
  const vectors = readVectors();
  const frameNames = new Set(vectors.filter((v) => v.kind === 'frame').map((v) => v.meaning.type));
  for (const name of ['Hello', 'Message', 'ImageChunk', 'ImageAbort', 'ImageAck', 'Ping', 'Notice', 'unknown'])
    assert.ok(frameNames.has(name), `a ${name} vector`);
  assert.ok(
    vectors.some((v) => v.kind === 'frame' && JSON.stringify(v.meaning).includes('héllo')),
    'the héllo vector',
  );
  assert.ok(
    vectors.some(
      (v) =>
        v.kind === 'frame' && v.meaning.type === 'Message' && v.meaning.body && 'image' in (v.meaning.body as object),
    ),
  );
  assert.deepEqual(
    ['preamble', 'greeting', 'proof'].filter((k) => !vectors.some((v) => v.kind === k)),
    [],
  );

  for (const { kind, name, hex, meaning } of vectors) {
    const bytes = Buffer.from(hex, 'hex');
    if (kind === 'frame' && meaning.type === 'unknown') {
      const payload = Buffer.from(meaning.payload as string, 'hex');
      assert.equal(frameBytes(meaning.code as number, payload).toString('hex'), hex, name);
      assert.deepEqual(decodeAll(bytes), [{ type: 'unknown', code: meaning.code, length: payload.length + 1 }], name);
    } else if (kind === 'frame') {
      const frame = vectorFrame(meaning);
      assert.equal(encodeFrame(frame).toString('hex'), hex, `encode ${name}`);
      assert.deepEqual(decodeAll(bytes), [frame], `decode ${name}`);
    } else if (kind === 'preamble') {
      assert.equal(CLIENT_PREAMBLE.toString('hex'), hex, name);
      assert.equal(bytes.toString('ascii'), meaning.text, name);
    } else if (kind === 'greeting') {
      const line = greetingLine(
        meaning.room as string,
        meaning.handshakeTimeoutMs as number,
        meaning.passwordRequired === true,
      );
      assert.equal(Buffer.from(line, 'utf8').toString('hex'), hex, name);
      assert.deepEqual(parseGreeting(bytes.toString('utf8')), { version: 1, room: meaning.room }, name);
    } else if (kind === 'proof') {
      assert.equal(authProof(meaning.password as string, meaning.nonce as string), hex, name);
      assert.equal(verifyProof(meaning.password as string, meaning.nonce as string, hex), true, name);
    } else {
      assert.fail(`unknown vector kind ${kind}`);
    }
  }
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

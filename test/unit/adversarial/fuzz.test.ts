// Fuzz: thousands of random and mutated frames from many short-lived sockets against a live ChatServer while two
// honest ChatClients chat. The server must stay up, never hit an internal error, deliver every honest message in
// order, forget every fuzz connection, and keep its memory bounded. FUZZ_SEED=<n> replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { isWebviewToHost, WEBVIEW_LIMITS } from '../../../src/webviewApi';
import { encodeFrame, FrameDecoder, frameBytes, ProtocolError } from '../../../src/chat/wire/codec';
import { DEFAULT_MAX_FRAME_BYTES, FrameType, MAX_IMAGE_CHUNK } from '../../../src/chat/wire/frames';
import { CLIENT_PREAMBLE, PROTOCOL_VERSION } from '../../../src/chat/wire/handshake';
import { startServer, waitFor, delay } from '../support/helpers';
import { heapUsedAfterGc, honestClient, seededRandom, textsFrom, type Random } from '../support/adversarial';

const FUZZ_SOCKETS = 600;
const CONCURRENT_SOCKETS = 16;
const MIN_FRAMES = 10_000;

/** Strings that have hurt parsers before: markup, escapes, bidi, NULs, lone surrogates, huge and empty. */
const NASTY_TEXT = [
  '',
  ' ',
  '\u0000',
  '\u001b[2J\u001b[31m',
  '<script>alert(1)</script>',
  '\u202eevil',
  '\ud800',
  '💥'.repeat(50),
  '../../x.png',
  'a'.repeat(20_000),
  '{"__proto__":{"x":1}}',
  '\r\n\r\n',
];

/** A JSON body of the right shape for `type`, with random (often wrong) field values. */
function randomBody(r: Random): unknown {
  const value = (): unknown =>
    r.pick([
      () => r.pick(NASTY_TEXT),
      () => r.int(0xffffffff),
      () => -1,
      () => 1.5,
      () => null,
      () => true,
      () => [],
      () => ({}),
      () => ({
        id: r.int(10),
        name: r.pick(NASTY_TEXT),
        address: 'x',
        kind: r.pick(['native', 'host', 'plain', 'evil']),
      }),
      () => ({ mime: r.pick(['image/png', 'image/svg+xml', 'text/html']), size: r.pick([0, 1, 100, 2 ** 31, -5]) }),
    ])();
  const keys = [
    'v',
    'name',
    'ref',
    'text',
    'to',
    'from',
    'at',
    'image',
    'code',
    'reason',
    'proof',
    'client',
    'position',
    '__proto__',
    'constructor',
  ];
  const body: Record<string, unknown> = {};
  for (let i = r.int(6); i > 0; i--) body[r.pick(keys)] = value();
  return body;
}

/** One client-side frame: valid, plausible, or a known type with a random body. */
function randomFrame(r: Random): Buffer {
  switch (r.int(8)) {
    case 0:
      return encodeFrame({
        type: FrameType.Message,
        body: {
          ref: r.int(1000),
          text: r.pick(NASTY_TEXT),
          to: r.chance(0.2) ? r.pick(['alice', 'bob', 'nobody', 'Server']) : undefined,
        },
      });
    case 1:
      return encodeFrame({
        type: FrameType.Message,
        body: { ref: r.int(8), text: '', image: { mime: 'image/png', size: 1 + r.int(3 * MAX_IMAGE_CHUNK) } },
      });
    case 2: {
      const bytes = r.chance(0.5)
        ? Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), r.bytes(r.int(300))])
        : r.bytes(1 + r.int(300));
      return encodeFrame({ type: FrameType.ImageChunk, ref: r.int(8), bytes });
    }
    case 3:
      return encodeFrame({ type: FrameType.ImageAbort, ref: r.int(8) });
    case 4:
      return encodeFrame({
        type: r.pick([FrameType.Rename, FrameType.Hello, FrameType.Bye]) as FrameType.Rename,
        body: { name: r.pick(NASTY_TEXT) },
      });
    case 5:
      return encodeFrame({
        type: r.pick([FrameType.Ping, FrameType.Pong]) as FrameType.Ping,
        payload: r.bytes(r.int(64)),
      });
    case 6: // a known or server-only type with a random JSON body
      return frameBytes(
        r.pick([0x01, 0x02, 0x03, 0x04, 0x10, 0x20, 0x21, 0x22, 0x30, 0x33]),
        Buffer.from(JSON.stringify(randomBody(r)) ?? 'null'),
      );
    default: // an unknown type: must be skipped, not fatal
      return frameBytes(0x40 + r.int(0xbf), r.bytes(r.int(200)));
  }
}

/** Breaks a frame in one of the ways a hostile or broken peer would. */
function mutate(r: Random, frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  switch (r.int(7)) {
    case 0: // a few flipped bytes anywhere (header included)
      for (let n = 1 + r.int(4); n > 0; n--) out[r.int(out.length)] ^= 1 << r.int(8);
      return out;
    case 1: // a lying length prefix: zero, off by one, huge
      out.writeUInt32BE(
        r.pick([
          0,
          1,
          Math.max(0, out.length - 5),
          out.length - 3,
          DEFAULT_MAX_FRAME_BYTES + 1,
          0x7fffffff,
          0xffffffff,
        ]),
        0,
      );
      return out;
    case 2: // truncated (the stream is out of sync from here on)
      return out.subarray(0, r.int(out.length));
    case 3: {
      // invalid UTF-8 inside the JSON text
      const bad = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]);
      const payload = Buffer.concat([
        Buffer.from('{"ref":1,"text":"'),
        bad.subarray(0, 1 + r.int(bad.length)),
        Buffer.from('"}'),
      ]);
      return frameBytes(r.pick([FrameType.Message, FrameType.Hello, FrameType.Rename]), payload);
    }
    case 4: // deeply nested JSON
      return frameBytes(FrameType.Message, Buffer.from('['.repeat(1 + r.int(100_000))));
    case 5: // not JSON at all
      return frameBytes(r.pick([FrameType.Message, FrameType.Hello]), r.bytes(r.int(500)));
    default: // two frames glued with garbage between
      return Buffer.concat([out, r.bytes(1 + r.int(16)), randomFrame(r)]);
  }
}

interface FuzzPlan {
  /** Wait for the greeting and send our preamble first (else: raw bytes from the first byte). */
  native: boolean;
  /** Send a valid Hello before the fuzz (so post-handshake paths are reached). */
  hello: boolean;
  frames: Buffer[];
}

function plan(r: Random): FuzzPlan {
  const kind = r.int(10);
  const frames: Buffer[] = [];
  const count = 15 + r.int(20);
  for (let i = 0; i < count; i++) frames.push(r.chance(0.6) ? randomFrame(r) : mutate(r, randomFrame(r)));
  if (kind === 0) return { native: false, hello: false, frames: [r.bytes(1 + r.int(2000)), ...frames] }; // noise: becomes a plain peer
  if (kind === 1)
    return {
      native: false,
      hello: false,
      frames: [CLIENT_PREAMBLE.subarray(0, 1 + r.int(CLIENT_PREAMBLE.length - 1))],
    }; // half a preamble
  if (kind === 2) return { native: true, hello: false, frames: [] }; // half a handshake: preamble, then silence
  return { native: true, hello: r.chance(0.7), frames };
}

/** Runs one fuzz connection; resolves when it is over (closed by the server or by us), never rejects. */
async function runFuzzSocket(port: number, r: Random, p: FuzzPlan): Promise<void> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    if (received.length < 4096) received = Buffer.concat([received, chunk]);
  });
  socket.on('close', () => (closed = true));
  const until = async (ready: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; !ready() && !closed && Date.now() < end;) await delay(2);
  };
  try {
    await until(() => received.includes(0x0a), 2000);
    if (p.native) {
      socket.write(CLIENT_PREAMBLE);
      if (p.hello) {
        await until(() => received.length > 60, 1000); // the Challenge
        socket.write(encodeFrame({ type: FrameType.Hello, body: { v: 1, name: `fz${r.int(1e6)}` } }));
      }
    }
    // The frames as one stream, written in random-sized pieces (splits land anywhere, several frames per write).
    const stream = Buffer.concat(p.frames);
    for (let at = 0; at < stream.length && !closed;) {
      const next = Math.min(stream.length, at + 1 + r.int(4096));
      socket.write(stream.subarray(at, next));
      at = next;
      if (r.chance(0.1)) await delay(1);
    }
    await until(() => false, r.int(30));
  } finally {
    socket.destroy();
  }
}

test(
  'fuzz: ≥ 10,000 random and mutated frames from many sockets; honest clients unaffected, server bounded',
  { timeout: 60_000 },
  async (t) => {
    const r = seededRandom(t, 'adversarial-fuzz');
    const { server, port, events } = await startServer({
      name: 'Host',
      handshakeTimeoutMs: 2000,
      maxImageBytes: 4 * 1024 * 1024,
    });
    t.after(() => server.close());
    const alice = await honestClient(port, 'alice');
    const bob = await honestClient(port, 'bob');
    t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
    const heapBefore = heapUsedAfterGc();

    // The honest pair chats the whole time, well under the rate limit.
    let fuzzing = true;
    const sent = { alice: [] as string[], bob: [] as string[] };
    const chat = (async () => {
      for (let i = 0; fuzzing || i < 10; i++) {
        for (const [name, who] of [
          ['alice', alice],
          ['bob', bob],
        ] as const) {
          const text = `${name} says ${i}`;
          await who.client.send({ text });
          sent[name].push(text);
        }
        await delay(120);
      }
    })();

    let frames = 0;
    let next = 0;
    const worker = async () => {
      while (next < FUZZ_SOCKETS) {
        next++;
        const p = plan(r);
        frames += p.frames.length + (p.hello ? 1 : 0);
        await runFuzzSocket(port, r, p);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_SOCKETS }, worker));
    fuzzing = false;
    await chat;
    t.diagnostic(`${frames} fuzz frames over ${FUZZ_SOCKETS} connections`);
    assert.ok(frames >= MIN_FRAMES, `sent ${frames} frames, wanted ≥ ${MIN_FRAMES}`);

    // Every honest message arrived at the other honest client, in order, exactly once.
    await waitFor(
      () =>
        textsFrom(bob.seen, 'alice').length >= sent.alice.length &&
        textsFrom(alice.seen, 'bob').length >= sent.bob.length,
      'the honest messages',
      10_000,
    );
    assert.deepEqual(textsFrom(bob.seen, 'alice'), sent.alice);
    assert.deepEqual(textsFrom(alice.seen, 'bob'), sent.bob);
    assert.equal(alice.client.state, 'active');
    assert.equal(bob.client.state, 'active');

    // The server is up, has no internal errors, and forgot every fuzz connection.
    assert.equal(server.state, 'listening');
    const internal = events.notices.filter((n) => n.code === 'internal');
    assert.deepEqual(
      internal.map((n) => n.text),
      [],
      'no internal errors while serving fuzz input',
    );
    const codes = new Map<string, number>();
    for (const n of events.notices) if (n.code) codes.set(n.code, (codes.get(n.code) ?? 0) + 1);
    t.diagnostic(`server rejections by code: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    await waitFor(
      () => server.roster.connections === 2,
      () => `fuzz connections to close (still ${server.roster.connections})`,
      10_000,
    );
    assert.deepEqual(
      server.roster.active.map((p) => p.name),
      ['Host', 'alice', 'bob'],
    );

    // Memory: what the fuzz left behind after a full GC is bounded (image buffers, decoders, timers released).
    const growth = heapUsedAfterGc() - heapBefore;
    t.diagnostic(`heap growth after fuzz and GC: ${(growth / 1024 / 1024).toFixed(1)} MB`);
    assert.ok(growth < 24 * 1024 * 1024, `heap grew ${(growth / 1024 / 1024).toFixed(1)} MB`);

    // And a newcomer is served normally.
    const carol = await honestClient(port, 'carol');
    await alice.client.send({ text: 'welcome carol' });
    await carol.seen.message((m) => m.text === 'welcome carol', 'a message after the fuzz');
    await carol.client.close();
  },
);

test('fuzz: the decoder turns 10,000 structurally mutated frame streams into frames or ProtocolError, nothing else', (t) => {
  const r = seededRandom(t, 'adversarial-fuzz decoder');
  let rejected = 0;
  let decoded = 0;
  for (let round = 0; round < 10_000; round++) {
    const frames: Buffer[] = [];
    for (let n = 1 + r.int(4); n > 0; n--) frames.push(r.chance(0.5) ? randomFrame(r) : mutate(r, randomFrame(r)));
    const stream = Buffer.concat(frames);
    const decoder = new FrameDecoder(r.chance(0.5) ? DEFAULT_MAX_FRAME_BYTES : 1 + 4 + MAX_IMAGE_CHUNK);
    try {
      for (let at = 0; at < stream.length;) {
        const next = at + 1 + r.int(stream.length - at);
        decoded += decoder.push(stream.subarray(at, next)).length;
        at = next;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) assert.fail(`seed ${r.seed} round ${round}: ${String(error)}`);
      rejected++;
    }
    assert.ok(decoder.bufferedBytes <= stream.length, 'the decoder never holds more than it was given');
  }
  t.diagnostic(`${decoded} frames decoded, ${rejected} streams rejected`);
  assert.ok(rejected > 1000 && decoded > 1000, 'both paths were exercised');
});

/** What a hostile or broken server sends a client after its greeting: real, plausible and broken server frames. */
function serverFrame(r: Random): Buffer {
  const peer = () => ({
    id: r.int(100),
    name: r.pick(NASTY_TEXT).slice(0, 200),
    address: '1.2.3.4:5',
    kind: r.pick(['native', 'plain', 'host']) as 'native',
  });
  switch (r.int(9)) {
    case 0:
      return encodeFrame({
        type: FrameType.Message,
        body: {
          ref: r.int(5),
          text: r.pick(NASTY_TEXT),
          from: peer(),
          at: r.pick([0, Date.now(), -1, 1e20]),
          image: r.chance(0.3) ? { mime: 'image/png', size: 1 + r.int(30 * 1024 * 1024) } : undefined,
        },
      });
    case 1:
      return encodeFrame({
        type: FrameType.ImageChunk,
        ref: r.int(5),
        bytes: r.chance(0.5)
          ? Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), r.bytes(1 + r.int(2000))])
          : r.bytes(1 + r.int(MAX_IMAGE_CHUNK)),
      });
    case 2:
      return encodeFrame({
        type: FrameType.Roster,
        body: {
          seats: r.int(5),
          connections: r.int(1e6),
          active: Array.from({ length: r.int(50) }, peer),
          waiting: Array.from({ length: r.int(50) }, peer),
        },
      });
    case 3:
      return encodeFrame({ type: FrameType.Queue, body: { position: r.pick([null, 0, 1, 7, 0xffffffff]) } });
    case 4:
      return encodeFrame({
        type: FrameType.Notice,
        body: {
          level: r.pick(['info', 'system', 'error'] as const),
          text: r.pick(NASTY_TEXT),
          code: r.chance(0.3) ? r.pick(['kicked', 'rate-limited', 'x']) : undefined,
        },
      });
    case 5:
      return r.chance(0.5)
        ? encodeFrame({
            type: FrameType.Error,
            body: {
              code: r.pick(['kicked', 'bad-password', 'server-full', 'x']),
              message: r.pick(NASTY_TEXT).slice(0, 4000),
              fatal: r.chance(0.5),
            },
          })
        : frameBytes(r.pick([FrameType.Bye, FrameType.ImageAbort, FrameType.Ping, FrameType.Pong]), r.bytes(r.int(32)));
    case 6:
      return encodeFrame({
        type: FrameType.Welcome,
        body: { you: peer(), room: r.pick(NASTY_TEXT).slice(0, 200), seats: r.int(3), position: r.pick([null, 1, 2]) },
      });
    default:
      return mutate(r, randomFrame(r));
  }
}

test(
  'fuzz: ChatClient against 300 hostile servers — never throws, always ends connected, refused or closed with a notice',
  { timeout: 60_000 },
  async (t) => {
    const r = seededRandom(t, 'adversarial-fuzz client');
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    t.after(() => {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    });
    const outcomes = new Map<string, number>();
    let frames = 0;
    const heapBefore = heapUsedAfterGc();
    for (let round = 0; round < 300; round++) {
      const native = r.chance(0.8);
      const stream: Buffer[] = [];
      if (native) {
        // A real-looking handshake half the time (so post-Welcome paths are reached), noise otherwise.
        if (r.chance(0.5)) {
          stream.push(
            encodeFrame({
              type: FrameType.Challenge,
              body: {
                v: PROTOCOL_VERSION,
                room: 'evil',
                auth: r.pick(['none', 'hmac-sha256'] as const),
                nonce: 'ab',
                maxFrameBytes: r.pick([1, DEFAULT_MAX_FRAME_BYTES, 0xffffffff]),
                maxImageBytes: r.pick([0, 10, 25 * 1024 * 1024]),
              },
            }),
          );
          stream.push(
            encodeFrame({
              type: FrameType.Welcome,
              body: {
                you: { id: 3, name: 'me', address: '127.0.0.1:1', kind: 'native' },
                room: 'evil',
                seats: 0,
                position: null,
              },
            }),
          );
        }
        for (let n = 5 + r.int(20); n > 0; n--) stream.push(serverFrame(r));
      } else {
        stream.push(r.bytes(1 + r.int(3000))); // a plain-text server talking nonsense (binary, no newlines, 0xff…)
      }
      frames += stream.length;
      const bytes = Buffer.concat(stream);
      const server = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.write(native ? 'TCPCHAT/1 evil — hi\r\n' : '');
        // Answer once the client has spoken (preamble, Hello), then dump the stream in random pieces.
        socket.once('data', async () => {
          for (let at = 0; at < bytes.length && !socket.destroyed;) {
            const next = Math.min(bytes.length, at + 1 + r.int(2048));
            socket.write(bytes.subarray(at, next));
            at = next;
            if (r.chance(0.2)) await delay(1);
          }
          if (r.chance(0.5)) socket.end();
        });
        if (!native) socket.write(bytes);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const client = new ChatClient({
        host: '127.0.0.1',
        port,
        name: 'victim',
        password: r.chance(0.3) ? 'pw' : undefined,
        connectTimeoutMs: 1000,
        greetingTimeoutMs: 100,
        plainPauseMs: 20,
      });
      const notices: string[] = [];
      client.on('notice', (n) => notices.push(n.text));
      let outcome: string;
      try {
        await client.connect();
        await delay(20 + r.int(30));
        outcome = `joined → ${client.state}`;
        // A client that got in can still be used: sending must resolve or reject with a ChatError, never throw otherwise.
        await client
          .send({ text: 'hello?' })
          .catch((error: unknown) =>
            assert.ok(error instanceof Error && error.name === 'ChatError', `send failed with ${String(error)}`),
          );
      } catch (error) {
        assert.ok(
          error instanceof Error && error.name === 'ChatError',
          `round ${round}: connect rejected with a non-ChatError: ${String(error)}`,
        );
        assert.ok(notices.length > 0 || client.state === 'closed', `round ${round}: a refusal the user can read`);
        outcome = 'refused';
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      await client.close();
      assert.equal(client.state, 'closed');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.unref();
    }
    t.diagnostic(`${frames} hostile frames; outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    assert.deepEqual(crashes.map(String), [], 'no uncaught exception or unhandled rejection');
    const growth = heapUsedAfterGc() - heapBefore;
    t.diagnostic(`heap growth after 300 hostile servers and GC: ${(growth / 1024 / 1024).toFixed(1)} MB`);
    assert.ok(
      growth < 16 * 1024 * 1024,
      `heap grew ${(growth / 1024 / 1024).toFixed(1)} MB: something is kept per connection`,
    );
  },
);

test('fuzz: the host’s guard for webview messages (isWebviewToHost) never throws and lets only well-formed messages in', (t) => {
  const r = seededRandom(t, 'adversarial-fuzz webview guard');
  const TYPES = [
    'ready',
    'send',
    'pickImage',
    'attachUri',
    'run',
    'openImage',
    'openLogs',
    'stop',
    'admit',
    'kick',
    'error',
    'snapshot',
    '__proto__',
    'constructor',
    '',
  ];
  const anyValue = (depth: number): unknown => {
    switch (r.int(depth > 2 ? 8 : 11)) {
      case 0:
        return r.pick(NASTY_TEXT);
      case 1:
        return r.pick([0, -1, 1.5, NaN, Infinity, 2 ** 53, 42, 7]);
      case 2:
        return r.pick([true, false, null, undefined]);
      case 3:
        return 'A'.repeat(r.pick([0, 3, 4, 1000]));
      case 4:
        return r.pick(['iVBORw0KGgo=', 'not base64!', '====', 'QUJD']);
      case 5:
        return r.pick(['file:///etc/passwd', 'vscode-resource:/x', '', 'x'.repeat(5000)]);
      case 6:
        return r.pick(['startServer', 'connect', 'rm -rf /']);
      case 7:
        return BigInt(r.int(10)) as unknown;
      case 8:
        return Array.from({ length: r.int(4) }, () => anyValue(depth + 1));
      default: {
        const obj: Record<string, unknown> = Object.create(r.chance(0.1) ? null : Object.prototype);
        for (let n = r.int(5); n > 0; n--)
          obj[
            r.pick([
              'type',
              'text',
              'image',
              'name',
              'mime',
              'base64',
              'uri',
              'command',
              'id',
              'peerId',
              '__proto__',
              'toString',
            ])
          ] = anyValue(depth + 1);
        return obj;
      }
    }
  };
  const accepted = { all: 0, sends: 0 };
  for (let round = 0; round < 20_000; round++) {
    const message: Record<string, unknown> = { type: r.pick(TYPES) };
    // Half the time start from a well-formed send, so the random keys below mutate something the guard admits.
    if (r.chance(0.5))
      Object.assign(message, { type: 'send', ref: r.int(1000), text: r.pick(['hello', ...NASTY_TEXT]) });
    for (let n = r.int(5); n > 0; n--)
      message[r.pick(['text', 'image', 'uri', 'command', 'id', 'peerId', 'ref'])] = anyValue(0);
    const candidate = r.chance(0.05) ? anyValue(0) : message;
    let ok: boolean;
    try {
      ok = isWebviewToHost(candidate);
    } catch (error) {
      assert.fail(`seed ${r.seed} round ${round}: the guard threw ${String(error)}`);
    }
    assert.equal(typeof ok, 'boolean');
    if (!ok) continue;
    accepted.all++;
    // Whatever got in has the declared shape.
    const m = candidate as Record<string, unknown>;
    assert.ok(
      [
        'ready',
        'send',
        'pickImage',
        'attachUri',
        'run',
        'openImage',
        'openLogs',
        'stop',
        'admit',
        'kick',
        'error',
      ].includes(m.type as string),
    );
    if (m.type === 'send') {
      accepted.sends++;
      assert.equal(typeof m.text, 'string');
      assert.ok(Number.isSafeInteger(m.ref) && (m.ref as number) >= 0, 'a send carries its reference for the reply');
      assert.ok((m.text as string).length <= WEBVIEW_LIMITS.textChars);
      if (m.image !== undefined) assert.match((m.image as { base64: string }).base64, /^[A-Za-z0-9+/]*={0,2}$/);
    }
    if (m.type === 'kick') assert.ok(Number.isSafeInteger(m.peerId) && (m.peerId as number) >= 0);
    if (m.type === 'run') assert.ok(m.command === 'startServer' || m.command === 'connect');
  }
  t.diagnostic(`${accepted.all} of 20,000 random messages accepted (${accepted.sends} sends)`);
  assert.ok(accepted.all > 100, 'valid shapes were generated too');
  assert.ok(accepted.sends > 10, 'well-formed sends were generated too, so their checks ran');
});

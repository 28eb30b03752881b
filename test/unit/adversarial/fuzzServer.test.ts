// Fuzz the server: thousands of random and mutated frames from many short-lived sockets against a live ChatServer
// while two honest ChatClients chat. The server must stay up, never hit an internal error, deliver every honest
// message in order, forget every fuzz connection, and keep its memory bounded. Its frame decoder gets the same
// kind of input directly. FUZZ_SEED=<n> replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { CLIENT_PREAMBLE } from '../../../src/chat/wire/handshake';
import { DEFAULT_MAX_FRAME_BYTES, FrameType, MAX_IMAGE_CHUNK } from '../../../src/chat/wire/frames';
import { encodeFrame, FrameDecoder, ProtocolError } from '../../../src/chat/wire/codec';
import { startServer, waitFor, delay } from '../support/helpers';
import { heapUsedAfterGc, honestClient, seededRandom, textsFrom, type Random } from '../support/adversarial';
import { mutate, randomFrame } from '../support/fuzzFrames';

const FUZZ_SOCKETS = 600;
const CONCURRENT_SOCKETS = 16;
const MIN_FRAMES = 10_000;

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
      // Every socket connects from 127.0.0.1 here: the limits per address (meant for one machine) are off.
      connectRate: false,
      addressRateLimit: false,
      // A fuzz socket that joined and is reset would keep its seat for the resume grace: the roster check below
      // is about the server forgetting them, so seats are not held here (test/unit/chat/server/history/).
      resumeGraceMs: 0,
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

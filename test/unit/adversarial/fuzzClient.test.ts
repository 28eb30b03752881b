// Fuzz the client: ChatClient against hundreds of hostile servers that send real, plausible and broken server
// frames (or binary noise, posing as a plain-text server). The client must never throw, always end joined,
// refused with a notice or closed, and keep nothing per connection. FUZZ_SEED=<n> replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { DEFAULT_MAX_FRAME_BYTES, FrameType, MAX_IMAGE_CHUNK } from '../../../src/chat/wire/frames';
import { encodeFrame, frameBytes } from '../../../src/chat/wire/codec';
import { PROTOCOL_VERSION } from '../../../src/chat/wire/handshake';
import { delay } from '../support/helpers';
import { heapUsedAfterGc, recordCrashes, seededRandom, type Random } from '../support/adversarial';
import { mutate, NASTY_TEXT, randomFrame } from '../support/fuzzFrames';

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
    const crashes = recordCrashes(t);
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

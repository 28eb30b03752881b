// Frame generators for the fuzz tests: strings that have hurt parsers before, random client frames (valid,
// plausible, or a known type with a random body) and the ways a hostile or broken peer breaks a frame.
import { DEFAULT_MAX_FRAME_BYTES, FrameType, MAX_IMAGE_CHUNK } from '../../../src/chat/wire/frames';
import { encodeFrame, frameBytes } from '../../../src/chat/wire/codec';
import type { Random } from './adversarial';

/** Strings that have hurt parsers before: markup, escapes, bidi, NULs, lone surrogates, huge and empty. */
export const NASTY_TEXT = [
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
export function randomFrame(r: Random): Buffer {
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
export function mutate(r: Random, frame: Buffer): Buffer {
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

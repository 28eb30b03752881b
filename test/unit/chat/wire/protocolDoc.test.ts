// docs/PROTOCOL.md is checked against the code, so the document cannot drift from what the engine sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFrame, frameBytes } from '../../../../src/chat/wire/codec';
import { FrameType, type Frame } from '../../../../src/chat/wire/frames';
import {
  authProof,
  CLIENT_PREAMBLE,
  greetingLine,
  parseGreeting,
  verifyProof,
} from '../../../../src/chat/wire/handshake';
import { decodeAll } from './frameSamples';

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

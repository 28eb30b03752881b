// docs/PROTOCOL.md is checked against the code (hex vectors, the table of error and notice codes), so the document
// cannot drift from what the engine sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_FRAME_CODES, LOCAL_ERROR_CODES, NOTICE_FRAME_CODES } from '../../../../src/chat/core/errors';
import { encodeFrame, frameBytes, type ProtocolErrorCode } from '../../../../src/chat/wire/codec';
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
        meaning.passwordRequired === true,
        '',
        (meaning.tls as 'offered' | 'required' | undefined) ?? 'none',
      );
      assert.equal(Buffer.from(line, 'utf8').toString('hex'), hex, name);
      const parsed = { version: 1, room: meaning.room, ...(meaning.tls ? { tls: true } : {}) };
      assert.deepEqual(parseGreeting(bytes.toString('utf8')), parsed, name);
    } else if (kind === 'proof') {
      const binding = meaning.binding === undefined ? undefined : Buffer.from(meaning.binding as string, 'hex');
      assert.equal(authProof(meaning.password as string, meaning.nonce as string, binding), hex, name);
      assert.equal(verifyProof(meaning.password as string, meaning.nonce as string, hex, binding), true, name);
    } else {
      assert.fail(`unknown vector kind ${kind}`);
    }
  }
});

// ------------------------------------------------------------------------------------------- docs/PROTOCOL.md codes

/** The rows of the "Error and notice codes" table: code → what the "Carried in" column says. */
function readCodeTable(): Map<string, string> {
  const doc = readFileSync(join(process.cwd(), 'docs', 'PROTOCOL.md'), 'utf8');
  const section = /^## \d+\. Error and notice codes\n([\s\S]*?)^## /m.exec(doc);
  assert.ok(section, 'docs/PROTOCOL.md has an "Error and notice codes" section');
  const rows = new Map<string, string>();
  for (const line of section[1].split('\n')) {
    const cells = /^\| `([^`]+)` \| (\w+) \|/.exec(line);
    if (!cells) continue;
    assert.ok(!rows.has(cells[1]), `${cells[1]} has one row`);
    rows.set(cells[1], cells[2]);
  }
  return rows;
}

test('docs/PROTOCOL.md lists every error and notice code, carried in the frame the code says', () => {
  const rows = readCodeTable();
  const expected = new Map<string, string>([
    ...ERROR_FRAME_CODES.map((code): [string, string] => [code, 'Error']),
    ...NOTICE_FRAME_CODES.map((code): [string, string] => [code, 'Notice']),
    ...LOCAL_ERROR_CODES.map((code): [string, string] => [code, 'local']),
    ['E…', 'local'], // Node's own codes (SystemErrorCode), one row for all
  ]);
  for (const [code, carrier] of expected) assert.equal(rows.get(code), carrier, `the row of ${code}`);
  assert.deepEqual(
    [...rows.keys()].filter((code) => !expected.has(code)),
    [],
    'rows for codes the engine does not have',
  );
  const decoderCodes: ProtocolErrorCode[] = ['frame-too-large', 'empty-frame', 'bad-frame'];
  for (const code of decoderCodes) assert.equal(rows.get(code), 'Error', `${code}: the server sends ProtocolErrors on`);
});

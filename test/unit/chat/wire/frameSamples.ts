// Frames and helpers shared by the wire tests: one sample of every frame type, and shorthands for decoding.
import assert from 'node:assert/strict';
import type { Peer } from '../../../../src/chat/core/events';
import { FrameDecoder, frameBytes, ProtocolError } from '../../../../src/chat/wire/codec';
import { FrameType, type Frame, type UnknownFrame } from '../../../../src/chat/wire/frames';
import { authProof, newNonce } from '../../../../src/chat/wire/handshake';

export type Decoded = Frame | UnknownFrame;
export const ann: Peer = { id: 1, name: 'ann', address: '127.0.0.1:50001', kind: 'native' };
const host: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** One frame of every type, with optional fields both present and absent. */
export const samples: Frame[] = [
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
  {
    type: FrameType.RosterDelta,
    body: {
      left: [3],
      changed: [{ id: 1, name: 'annie', away: null }],
      moved: [{ id: 2, index: 1 }],
      joined: [{ peer: { id: 4, name: 'cy', address: '10.0.0.3:4000', kind: 'native' }, waiting: true, index: 0 }],
      connections: 3,
      topic: '',
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
  { type: FrameType.Away, body: { reason: 'lunch' } },
  { type: FrameType.Away, body: { reason: null } },
  { type: FrameType.Message, body: { ref: 3, text: 'waves', action: true, from: ann, at: 1 } },
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
  // files
  { type: FrameType.Hello, body: { v: 1, name: 'ann', acks: true, files: true } },
  {
    type: FrameType.Message,
    body: {
      ref: 4,
      text: '',
      file: { name: 'report.pdf', size: 2_000_000, mime: 'application/pdf' },
      from: ann,
      at: 1,
    },
  },
  { type: FrameType.FileChunk, transfer: 7, bytes: Buffer.from('file bytes') },
  { type: FrameType.FileChunk, transfer: 0xffffffff, bytes: Buffer.alloc(64 * 1024, 1) },
  { type: FrameType.FileAck, transfer: 7, received: 256 * 1024 },
  { type: FrameType.FileAccept, body: { ref: 4 } },
  { type: FrameType.FileOpen, body: { transfer: 7, ref: 4 } },
  { type: FrameType.FileOpen, body: { transfer: 7, ref: 2, to: ann } },
  { type: FrameType.FileCancel, body: { transfer: 7 } },
  { type: FrameType.FileCancel, body: { transfer: 7, reason: 'ann left', failed: true } },
];
export const unknownFrame = frameBytes(0x7e, Buffer.from('future stuff'));
export const unknownDecoded: UnknownFrame = { type: 'unknown', code: 0x7e, length: 1 + 'future stuff'.length };

export function decodeAll(bytes: Buffer, max?: number): Decoded[] {
  return new FrameDecoder(max).push(bytes);
}

export function protocolError(code: ProtocolError['code']) {
  return (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

export function jsonFrame(type: number, json: string): Buffer {
  return frameBytes(type, Buffer.from(json, 'utf8'));
}

export function lengthPrefix(length: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(length, 0);
  return out;
}

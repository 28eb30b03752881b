import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer } from '../../../../src/chat/core/events';
import { FrameDecoder, encodeFrame } from '../../../../src/chat/wire/codec';
import { FrameType, HARD_MAX_FRAME_BYTES, MAX_ROSTER_PEERS } from '../../../../src/chat/wire/frames';
import { ann, decodeAll, jsonFrame, protocolError } from './frameSamples';

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
  assert.equal(MAX_ROSTER_PEERS, 10_001); // 10,000 connections and the host
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
  const tooMany = /Frame type 0x21: a list of 10002 peers \(the limit is 10001\)\./;
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

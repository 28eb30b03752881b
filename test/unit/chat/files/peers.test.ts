// Who can take a file offer: an old native client gets a notice, a plain-text peer a line, a private offer one
// member only; a hostile peer that sends chunks nobody asked for, or more than it announced, is refused and the
// server carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';
import { startBroadcastRoomServer, startScriptedServer } from '../../support/clientHelpers';
import { joinClient, offerOf, randomFile, tempFolder, transferEnd } from './support';

test('an old native client gets a notice and a plain-text peer a line instead of the offer', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const old = await RawNativeClient.join(port, 'old');
  const plain = await RawPlainClient.join(port, 'nc');
  t.after(() => (old.close(), plain.close()));
  const alice = await joinClient(t, port, 'alice');
  await alice.client.send({ file: { path: randomFile(dir, 'report.pdf', 2 * 1024 * 1024) } });
  const notice = await old.waitFrame(FrameType.Notice, (f) => f.body.code === 'no-files');
  assert.equal(
    notice.body.text,
    'alice offers a file: report.pdf (2 MB) — this client cannot receive files; the TCP Chat extension or `tcp-chat connect` can',
  );
  assert.equal(notice.body.level, 'info');
  assert.ok(!old.of(FrameType.Message).some((f) => f.body.file), 'no offer frame to the old client');
  await plain.waitText(
    /\* alice offers a file: report\.pdf \(2 MB\); files need the TCP Chat extension or tcp-chat connect\r\n/,
  );
});

test('a private offer reaches only its recipient', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  const carol = await joinClient(t, port, 'carol');
  await waitFor(() => alice.client.roster.active.some((p) => p.name === 'bob'), 'bob in the roster');
  await alice.client.send({ file: { path: randomFile(dir, 'secret.txt', 100) }, to: 'bob' });
  const offer = await offerOf(bob, 'secret.txt');
  assert.equal(offer.to?.name, 'bob');
  await alice.client.send({ text: 'after' });
  await carol.events.message((m) => m.text === 'after', 'the next text');
  assert.ok(!carol.events.messages.some((m) => m.file), 'carol got no offer');
  bob.client.acceptFile(offer.id, { folder: path.join(dir, 'in') });
  const done = await transferEnd(bob.transfers, 'done');
  assert.equal(fs.readFileSync(done.savedPath!).length, 100);
});

test('a client refuses to offer files to a plain-text server', async (t) => {
  const room = await startBroadcastRoomServer();
  t.after(() => room.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, room.port, 'alice');
  await assert.rejects(alice.client.send({ file: { path: randomFile(dir, 'a.txt', 10) } }), {
    code: 'plain-text-server',
    message: "This server speaks plain text: files can't be sent or received.",
  });
});

test('a client refuses to offer files to an older TCP Chat server (no files in its Challenge) and says so', async (t) => {
  const old = await startScriptedServer(); // its Challenge has no `files`
  t.after(() => old.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, old.port, 'alice');
  const { hello, frames } = await old.accepted;
  assert.equal(hello.files, true, 'our Hello says we take files');
  await assert.rejects(alice.client.send({ file: { path: randomFile(dir, 'a.txt', 10) } }), {
    code: 'no-files',
    message: 'This server cannot pass files on (it runs an older TCP Chat).',
  });
  assert.ok(!frames.some((f) => f.type === FrameType.Message), 'nothing was sent');
});

test('chunks for a transfer nobody asked for are refused (the peer is dropped) and the server carries on', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const bad = await RawNativeClient.connect(port);
  bad.send({ type: FrameType.Hello, body: { v: 1, name: 'mallory', acks: true, files: true } });
  await bad.waitFrame(FrameType.Welcome);
  bad.send({ type: FrameType.FileChunk, transfer: 1234, bytes: Buffer.alloc(1000, 7) });
  const error = await bad.waitFrame(FrameType.Error);
  assert.equal(error.body.code, 'bad-frame');
  assert.match(error.body.message, /File chunk for transfer 1234, which you were not asked to send/);
  await waitFor(() => bad.closed, 'mallory dropped');
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  await alice.client.send({ text: 'the room still works' });
  await bob.events.message((m) => m.text === 'the room still works', 'text after the attack');
});

test('a sender that sends more bytes than it announced fails the transfer; the receiver keeps nothing', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const inbox = path.join(dir, 'in');
  const bad = await RawNativeClient.connect(port);
  t.after(() => bad.close());
  bad.send({ type: FrameType.Hello, body: { v: 1, name: 'mallory', acks: true, files: true } });
  await bad.waitFrame(FrameType.Welcome);
  const bob = await joinClient(t, port, 'bob');
  bad.say('', { ref: 5, file: { name: 'small.txt', size: 10, mime: 'text/plain' } });
  const offer = await offerOf(bob, 'small.txt');
  bob.client.acceptFile(offer.id, { folder: inbox });
  const open = await bad.waitFrame(FrameType.FileOpen);
  assert.equal(open.body.ref, 5);
  assert.equal(open.body.to?.name, 'bob');
  bad.send({ type: FrameType.FileChunk, transfer: open.body.transfer, bytes: Buffer.alloc(11, 1) });
  const failed = await transferEnd(bob.transfers, 'failed');
  assert.match(failed.reason ?? '', /more than the 10 bytes it announced/);
  const cancel = await bad.waitFrame(FrameType.FileCancel);
  assert.equal(cancel.body.failed, true);
  await waitFor(() => !fs.existsSync(inbox) || fs.readdirSync(inbox).length === 0, 'nothing kept');
  await bob.client.send({ text: 'still fine' });
  await waitFor(() => bad.of(FrameType.Message).some((f) => f.body.text === 'still fine'), 'the server carries on');
});

test('only members the offer reached may accept it: a later joiner naming its ref is refused, the sender asked nothing', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, port, 'alice');
  const early = await RawNativeClient.connect(port);
  early.send({ type: FrameType.Hello, body: { v: 1, name: 'early', files: true } });
  await early.waitFrame(FrameType.Welcome);
  t.after(() => early.close());
  await waitFor(() => alice.client.roster.active.some((p) => p.name === 'early'), 'early in the roster');
  await alice.client.send({ file: { path: randomFile(dir, 'notes.txt', 4096) } });
  const offer = await early.waitFrame(FrameType.Message, (f) => f.body.file?.name === 'notes.txt');
  const late = await RawNativeClient.connect(port);
  late.send({ type: FrameType.Hello, body: { v: 1, name: 'late', files: true } });
  await late.waitFrame(FrameType.Welcome);
  t.after(() => late.close());
  late.send({ type: FrameType.FileAccept, body: { ref: offer.body.ref } });
  const refused = await late.waitFrame(FrameType.FileCancel);
  assert.equal(refused.body.reason, 'that file was not offered to you');
  assert.equal(refused.body.failed, true);
  assert.ok(!late.of(FrameType.FileChunk).length, 'no byte of the file reached the late joiner');
  // The one it reached still may: the sender is asked for exactly that one copy.
  early.send({ type: FrameType.FileAccept, body: { ref: offer.body.ref } });
  await early.waitFrame(FrameType.FileOpen);
  await waitFor(() => alice.transfers.some((p) => p.direction === 'send'), 'the send to early');
  assert.deepEqual(
    [...new Set(alice.transfers.map((p) => p.peer?.name))],
    ['early'],
    'the sender streamed only to the member it reached',
  );
});

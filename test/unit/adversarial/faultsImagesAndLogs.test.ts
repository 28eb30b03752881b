// Faults around images and the log folder, without anyone being hostile: a sender dies mid-image, the host kicks
// a member mid-image, someone drops six screenshots at once, the log folder disappears. The rest of the room
// carries on and nothing partial is saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { FrameType, MAX_IMAGE_CHUNK } from '../../../src/chat/wire/frames';
import { EventRecorder, bigPng } from '../support/clientHelpers';
import { RawNativeClient, pngLike, startServer, waitFor } from '../support/helpers';
import { honestClient, listTree, tempDir } from '../support/adversarial';

test('faults: a sender killed mid-image — the partial image is dropped, nothing saved, the others chat on', async (t) => {
  const dir = tempDir(t, 'midimage');
  const hostLogs = path.join(dir, 'host');
  const bobLogs = path.join(dir, 'bob');
  const { server, port } = await startServer({ name: 'Host' });
  const hostSession = new ChatSession(server, { transcript: Transcript.open(hostLogs) });
  t.after(() => hostSession.close());
  const bob = await honestClient(port, 'bob');
  const bobSession = new ChatSession(bob.client, { transcript: Transcript.open(bobLogs) });
  t.after(() => bobSession.close());
  const bobView = new EventRecorder(bobSession);
  const carol = await honestClient(port, 'carol');
  t.after(() => carol.client.close());

  // A raw observer present from the start shows what really crossed the wire.
  const watcher = await RawNativeClient.join(port, 'watcher');
  // Mallory announces 1 MiB and sends only the first 5 chunks, then her process "dies" (socket destroyed).
  const mallory = await RawNativeClient.join(port, 'mallory');
  const image = pngLike(1024 * 1024);
  mallory.say('look at this', { ref: 3, image: { mime: 'image/png', size: image.length } });
  for (let i = 0; i < 5; i++) {
    mallory.send({
      type: FrameType.ImageChunk,
      ref: 3,
      bytes: image.subarray(i * MAX_IMAGE_CHUNK, (i + 1) * MAX_IMAGE_CHUNK),
    });
  }
  // An observer that joins after the header must not get orphan chunks of it.
  const raw = await RawNativeClient.join(port, 'observer');
  await waitFor(() => server.roster.active.length === 6, 'everyone in the room');
  const header = await watcher.waitFrame(
    FrameType.Message,
    (f) => f.body.from?.name === 'mallory' && f.body.image !== undefined,
  );
  await waitFor(
    () => watcher.of(FrameType.ImageChunk).filter((f) => f.ref === header.body.ref).length === 5,
    'the 5 chunks relayed',
  );
  mallory.close();
  await waitFor(() => server.roster.active.every((p) => p.name !== 'mallory'), 'mallory gone');
  await watcher.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.body.ref);

  // The room goes on: carol talks, bob hears her.
  await carol.client.send({ text: 'still here?' });
  await bobView.message((m) => m.text === 'still here?', "carol's message after the crash");
  assert.deepEqual(
    bobSession.history.filter((e) => e.kind === 'message' && e.message.image).length,
    0,
    'no image in bob’s history',
  );
  assert.equal(
    bob.seen.messages.some((m) => m.image),
    false,
    'bob got no (partial) image',
  );
  assert.equal(
    carol.seen.messages.some((m) => m.image),
    false,
    'carol got no (partial) image',
  );
  assert.equal(bob.client.state, 'active');
  // Nothing but the log files exists in either log folder: no partial image was saved anywhere.
  for (const logs of [hostLogs, bobLogs]) {
    assert.deepEqual(
      listTree(logs).filter((f) => !/^chat_log_\d{8}_\d{6}(_\d+)?\.txt$/.test(f)),
      [],
      `only the log in ${logs}`,
    );
  }
  assert.equal(raw.of(FrameType.ImageChunk).length, 0, 'a member who joined after the header gets no orphan chunks');
  raw.close();
  watcher.close();
});

test('faults: the host kicks a member in the middle of an image — the others drop the partial, nothing is saved, the room goes on', async (t) => {
  const dir = tempDir(t, 'kickmid');
  const { server, port } = await startServer({ name: 'Host' });
  const hostSession = new ChatSession(server, { transcript: Transcript.open(path.join(dir, 'host')) });
  t.after(() => hostSession.close());
  const viewer = await honestClient(port, 'viewer');
  t.after(() => viewer.client.close());
  const watcher = await RawNativeClient.join(port, 'watcher');
  const uploader = await RawNativeClient.join(port, 'uploader');
  const image = pngLike(512 * 1024);
  uploader.say('incoming', { ref: 5, image: { mime: 'image/png', size: image.length } });
  uploader.send({ type: FrameType.ImageChunk, ref: 5, bytes: image.subarray(0, MAX_IMAGE_CHUNK) });
  const header = await watcher.waitFrame(
    FrameType.Message,
    (f) => f.body.from?.name === 'uploader' && f.body.image !== undefined,
  );
  await waitFor(
    () => watcher.of(FrameType.ImageChunk).some((f) => f.ref === header.body.ref),
    'the first chunk relayed',
  );

  server.kick(uploader.of(FrameType.Welcome)[0].body.you.id, 'spam');
  // The rest of the image keeps coming from the kicked socket for a moment: it must go nowhere.
  for (let at = MAX_IMAGE_CHUNK; at < image.length; at += MAX_IMAGE_CHUNK) {
    uploader.send({ type: FrameType.ImageChunk, ref: 5, bytes: image.subarray(at, at + MAX_IMAGE_CHUNK) });
  }
  await watcher.waitFrame(FrameType.ImageAbort, (f) => f.ref === header.body.ref);
  await uploader.waitNotice(/removed from the room by the host: spam/);
  await uploader.waitClosed(5000);
  await viewer.client.send({ text: 'after the kick' });
  await waitFor(() => watcher.messages().some((m) => m.text === 'after the kick'), 'the room goes on');
  assert.equal(
    viewer.seen.messages.some((m) => m.image),
    false,
    'no partial image delivered',
  );
  assert.equal(
    watcher.imageBytes(header.body.ref).length < image.length,
    true,
    'the watcher never got the whole image',
  );
  assert.deepEqual(
    listTree(dir).filter((f) => !/chat_log_/.test(f)),
    [],
    'nothing but the log was written',
  );
  watcher.close();
});

test('faults: six images sent at once by one member all arrive (a burst is queued, not refused)', async (t) => {
  // Someone drops six screenshots into the panel at once: the client sends them back to back.
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const alice = await honestClient(port, 'alice');
  const bob = await honestClient(port, 'bob');
  t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
  const image = bigPng(2 * 1024 * 1024);
  await Promise.all(Array.from({ length: 6 }, (_, i) => alice.client.send({ image, text: `shot ${i}` })));
  const refused = () => alice.seen.notices.filter((n) => n.code === 'too-many-images').map((n) => n.text);
  await waitFor(
    () => refused().length > 0 || bob.seen.messages.filter((m) => m.image).length === 6,
    'bob to get 6 images',
    10_000,
  );
  assert.deepEqual(refused(), [], 'alice was not told to wait');
  assert.deepEqual(
    bob.seen.messages.filter((m) => m.image).map((m) => m.text),
    ['shot 0', 'shot 1', 'shot 2', 'shot 3', 'shot 4', 'shot 5'],
  );
  assert.deepEqual(
    events.notices.filter((n) => n.code === 'too-many-images').map((n) => n.text),
    [],
  );
});

test('faults: the log folder is replaced by a file mid-chat — an error notice, the chat goes on, logging resumes', async (t) => {
  const dir = tempDir(t, 'logfail');
  const logs = path.join(dir, 'chat_logs');
  const { server, port } = await startServer({ name: 'Host' });
  const session = new ChatSession(server, { transcript: Transcript.open(logs) });
  t.after(() => session.close());
  const view = new EventRecorder(session);
  const alice = await honestClient(port, 'alice');
  const bob = await honestClient(port, 'bob');
  t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
  const logFile = session.transcript!.logFile;

  await alice.client.send({ text: 'before' });
  await view.message((m) => m.text === 'before', 'the first message');
  assert.match(fs.readFileSync(logFile, 'utf8'), /alice \(127\.0\.0\.1:\d+\): before/);

  // Tests run as root, so chmod would not stop writes: make the path unusable instead.
  fs.renameSync(logs, path.join(dir, 'moved_away'));
  fs.writeFileSync(logs, 'not a folder');
  await alice.client.send({ text: 'during' });
  await view.notice((n) => n.level === 'error' && n.code === 'log-failed', 'a log-failed error notice');
  await bob.seen.message((m) => m.text === 'during', 'bob still hears alice');
  await bob.client.send({ text: 'reply during' });
  await alice.seen.message((m) => m.text === 'reply during', 'alice still hears bob');
  await view.message((m) => m.text === 'reply during', 'the host still sees messages');
  assert.equal(server.state, 'listening');

  // The folder comes back: the next lines are logged again, without a restart.
  fs.rmSync(logs);
  fs.mkdirSync(logs);
  await alice.client.send({ text: 'after' });
  await view.message((m) => m.text === 'after', 'the message after repair');
  await waitFor(
    () => fs.existsSync(logFile) && /alice \(127\.0\.0\.1:\d+\): after/.test(fs.readFileSync(logFile, 'utf8')),
    'logging to resume',
    3000,
  );
});

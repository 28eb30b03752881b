// Hostile file names from the wire all land inside the receiver's folder, under safe names, deduplicated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, startServer, waitFor } from '../../support/helpers';
import { joinClient, listAll, offerOf, tempFolder, transferEnd } from './support';

const HOSTILE = [
  '../../x',
  'C:\\x',
  'CON',
  'con.txt',
  '.bashrc',
  'n'.repeat(10_000),
  'a\u0000b',
  'evil\u202Etxt.exe',
  '',
  '..',
];

test('hostile names all land inside the folder under safe names, and nothing anywhere else', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const root = tempFolder(t, 'names');
  const inbox = path.join(root, 'deep', 'inbox');
  const mallory = await RawNativeClient.connect(port);
  t.after(() => mallory.close());
  mallory.send({ type: FrameType.Hello, body: { v: 1, name: 'mallory', acks: true, files: true } });
  await mallory.waitFrame(FrameType.Welcome);
  const bob = await joinClient(t, port, 'bob');
  for (const [i, name] of HOSTILE.entries()) {
    mallory.say('', { ref: 100 + i, file: { name, size: 3, mime: 'text/plain' } });
    const offer = await bob.events.message((m) => m.file?.name === name && !m.own, `offer ${i}`);
    bob.client.acceptFile(offer.id, { folder: inbox });
    const open = await mallory.waitFrame(FrameType.FileOpen, (f) => f.body.ref === 100 + i);
    mallory.send({
      type: FrameType.FileChunk,
      transfer: open.body.transfer,
      bytes: Buffer.from(`${i}\n\n`.slice(0, 3)),
    });
    await waitFor(() => bob.transfers.find((p) => p.messageId === offer.id && p.state === 'done'), `file ${i} saved`);
  }
  const saved = bob.transfers.filter((p) => p.state === 'done').map((p) => p.savedPath!);
  assert.equal(saved.length, HOSTILE.length);
  for (const file of saved) assert.equal(path.dirname(file), inbox, `${file} is inside the folder`);
  const names = fs.readdirSync(inbox).sort();
  assert.equal(names.length, HOSTILE.length, 'every file kept, none overwritten');
  assert.deepEqual(listAll(root), ['deep', 'deep/inbox', ...names.map((n) => `deep/inbox/${n}`)].sort());
  for (const name of names) {
    assert.ok(!name.startsWith('.'), name);
    assert.ok(!/[\u0000-\u001f\u202e/\\]/.test(name), JSON.stringify(name));
    assert.ok(Buffer.byteLength(name) <= 120, name);
    assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name), name);
  }
  assert.ok(names.includes('x') && names.includes('x (2)'), 'the two x are deduplicated');
  assert.ok(names.includes('file') && names.includes('file (2)'), "'' and '..' become file");
});

test('Save As writes exactly the chosen path, through a temporary file beside it', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const source = path.join(dir, 'src.txt');
  fs.writeFileSync(source, 'hello file');
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  await alice.client.send({ file: { path: source, name: 'shown name.txt' } });
  const offer = await offerOf(bob, 'shown name.txt');
  const target = path.join(dir, 'out', 'chosen.txt');
  fs.mkdirSync(path.dirname(target));
  bob.client.acceptFile(offer.id, { path: target });
  const done = await transferEnd(bob.transfers, 'done');
  assert.equal(done.savedPath, target);
  assert.equal(fs.readFileSync(target, 'utf8'), 'hello file');
  assert.deepEqual(fs.readdirSync(path.dirname(target)), ['chosen.txt']);
});

// Files between ChatClients through a ChatServer: pulled per receiver, byte-identical, text overtaking them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer, waitFor } from '../../support/helpers';
import { joinClient, listAll, offerOf, randomFile, sha256, tempFolder, transferEnd } from './support';

test('a 30 MB file reaches the receiver byte-identical, and a text sent after accepting arrives before its end', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const source = randomFile(dir, 'big.bin', 30 * 1024 * 1024);
  const inbox = path.join(dir, 'inbox');
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  await alice.client.send({ file: { path: source } });
  const own = await alice.events.message((m) => m.own && m.file !== undefined, 'own offer');
  assert.deepEqual(own.file, { name: 'big.bin', size: 30 * 1024 * 1024, mime: 'application/octet-stream' });
  const offer = await offerOf(bob, 'big.bin');
  assert.equal(offer.from.name, 'alice');
  assert.equal(fs.existsSync(inbox), false, 'nothing on disk before accept');
  bob.client.acceptFile(offer.id, { folder: inbox });
  await waitForBytes(bob.transfers, 1);
  await alice.client.send({ text: 'while the file moves' });
  await bob.events.message((m) => m.text === 'while the file moves', 'the text');
  assert.ok(!bob.transfers.some((p) => p.state === 'done'), 'the text arrived before the file ended');
  const done = await transferEnd(bob.transfers, 'done', 60_000);
  assert.ok(
    bob.transfers.some((p) => p.state === 'running' && p.bytes < p.total),
    'progress before the end',
  );
  assert.equal(done.savedPath, path.join(inbox, 'big.bin'));
  assert.equal(sha256(done.savedPath!), sha256(source));
  assert.deepEqual(listAll(inbox), ['big.bin'], 'no temporary file left');
  const sent = await transferEnd(alice.transfers, 'done');
  assert.equal(sent.direction, 'send');
  assert.equal(sent.peer?.name, 'bob');
  assert.equal(done.peer?.name, 'alice');
  assert.match(done.id, /^t\d+$/);
});

test('two receivers each pull their own copy', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const source = randomFile(dir, 'notes.txt', 3 * 1024 * 1024 + 17);
  const alice = await joinClient(t, port, 'alice');
  const receivers = [await joinClient(t, port, 'bob'), await joinClient(t, port, 'carol')];
  await alice.client.send({ file: { path: source } });
  for (const [i, r] of receivers.entries())
    r.client.acceptFile((await offerOf(r, 'notes.txt')).id, { folder: path.join(dir, `in${i}`) });
  for (const r of receivers) {
    const done = await transferEnd(r.transfers, 'done');
    assert.equal(sha256(done.savedPath!), sha256(source));
  }
  await waitFor(() => alice.transfers.filter((p) => p.state === 'done').length === 2, 'two sends done');
});

function waitForBytes(list: { bytes: number }[], min: number): Promise<unknown> {
  return waitFor(() => list.find((p) => p.bytes >= min), 'first bytes', 20_000);
}

test('an empty file is saved empty, both ends say done, and the server keeps no transfer for it', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const source = path.join(dir, 'empty.txt');
  fs.writeFileSync(source, '');
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  await alice.client.send({ file: { path: source } });
  bob.client.acceptFile((await offerOf(bob, 'empty.txt')).id, { folder: path.join(dir, 'in') });
  const done = await transferEnd(bob.transfers, 'done');
  assert.equal(fs.readFileSync(done.savedPath!).length, 0);
  await transferEnd(alice.transfers, 'done');
  const relay = (server as unknown as { files: { relay: { openTransfers: number } } }).files.relay;
  assert.equal(relay.openTransfers, 0);
});

// How a file transfer ends other than done: declined, cancelled from either end, the sender leaving, the caps.
// Each time nothing is left on disk and the server holds no transfer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatServer } from '../../../../src/chat/server/chatServer';
import type { ServerFiles } from '../../../../src/chat/server/files/serverFiles';
import { startServer, waitFor } from '../../support/helpers';
import { joinClient, listAll, offerOf, randomFile, sparseFile, tempFolder, transferEnd } from './support';

function openTransfers(server: ChatServer): number {
  return (server as unknown as { files: ServerFiles }).files.relay.openTransfers;
}

async function room(
  t: Parameters<typeof tempFolder>[0] & { after(fn: () => unknown): void },
  size = 60 * 1024 * 1024,
  others: string[] = [],
) {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  // Large enough to be mid-way at the first progress event (a quarter second in); sparse, so quick to make.
  const source = sparseFile(dir, 'movie.bin', size);
  const inbox = path.join(dir, 'inbox');
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  const more = await Promise.all(others.map((name) => joinClient(t, port, name)));
  await alice.client.send({ file: { path: source } });
  const offer = await offerOf(bob, 'movie.bin');
  return { server, port, events, dir, inbox, alice, bob, offer, more };
}

test('declining writes nothing and sends nothing: the sender holds no transfer', async (t) => {
  const { server, inbox, alice, bob, offer } = await room(t, 1024);
  bob.client.declineFile(offer.id);
  const declined = await transferEnd(bob.transfers, 'declined');
  assert.equal(declined.messageId, offer.id);
  assert.equal(fs.existsSync(inbox), false);
  assert.equal(alice.transfers.length, 0, 'the sender never heard of it');
  assert.equal(openTransfers(server), 0);
  assert.throws(() => bob.client.acceptFile(offer.id, { folder: inbox }), { code: 'unknown-file' });
});

test('the receiver cancels mid-way: both ends see cancelled, nothing on disk, no transfer on the server', async (t) => {
  const { server, inbox, alice, bob, offer } = await room(t);
  bob.client.on('transfer', (p) => {
    if (p.state === 'running' && p.bytes > 0 && p.bytes < p.total) bob.client.cancelTransfer(p.id);
  });
  bob.client.acceptFile(offer.id, { folder: inbox });
  const mine = await transferEnd(bob.transfers, 'cancelled');
  assert.ok(mine.bytes < mine.total);
  const theirs = await transferEnd(alice.transfers, 'cancelled');
  assert.equal(theirs.reason, 'cancelled by bob');
  await waitFor(() => openTransfers(server) === 0, 'the server forgets it');
  await waitFor(() => fs.existsSync(inbox) && listAll(inbox).length === 0, 'the partial file removed');
  assert.ok(!bob.transfers.some((p) => p.state === 'done'));
  // The sender is free: text still flows and a new transfer works.
  await alice.client.send({ text: 'still here' });
  await bob.events.message((m) => m.text === 'still here', 'text after the cancel');
});

test('the sender cancels mid-way: both ends see cancelled, nothing on disk, no transfer on the server', async (t) => {
  const { server, inbox, alice, bob, offer } = await room(t);
  alice.client.on('transfer', (p) => {
    if (p.state === 'running' && p.bytes > 0 && p.bytes < p.total) alice.client.cancelTransfer(p.id);
  });
  bob.client.acceptFile(offer.id, { folder: inbox });
  await transferEnd(alice.transfers, 'cancelled');
  const theirs = await transferEnd(bob.transfers, 'cancelled');
  assert.equal(theirs.reason, 'cancelled by alice');
  await waitFor(() => openTransfers(server) === 0, 'the server forgets it');
  await waitFor(() => listAll(inbox).length === 0, 'the partial file removed');
});

test('the sender leaves mid-way: the receiver fails with "alice left", nothing on disk, the offer expires', async (t) => {
  const { server, inbox, alice, bob, offer, more } = await room(t, undefined, ['carol']);
  const [carol] = more;
  const carolsOffer = await offerOf(carol, 'movie.bin');
  let left = false;
  bob.client.on('transfer', (p) => {
    if (!left && p.state === 'running' && p.bytes > 0 && p.bytes < p.total) {
      left = true;
      void alice.client.close();
    }
  });
  bob.client.acceptFile(offer.id, { folder: inbox });
  const failed = await transferEnd(bob.transfers, 'failed');
  assert.equal(failed.reason, 'alice left');
  await waitFor(() => openTransfers(server) === 0, 'the server forgets it');
  await waitFor(() => listAll(inbox).length === 0, 'the partial file removed');
  // The offer expired with its sender: accepting it now fails at once, and nothing is written.
  carol.client.acceptFile(carolsOffer.id, { folder: path.join(inbox, 'carol') });
  const late = await transferEnd(carol.transfers, 'failed');
  assert.equal(late.reason, 'that file offer is no longer available');
  const carols = path.join(inbox, 'carol');
  await waitFor(() => !fs.existsSync(carols) || listAll(carols).length === 0, 'no file of carol');
});

test("the server's cap refuses a too-large offer with a clear sentence; nobody gets it", async (t) => {
  const { server, port } = await startServer({ maxFileBytes: 1000 });
  t.after(() => server.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  await alice.client.send({ file: { path: randomFile(dir, 'big.zip', 2000) } });
  const refused = await alice.events.notice((n) => n.code === 'file-too-large', 'the refusal');
  assert.equal(refused.text, 'File refused: big.zip (2 KB) is over the 1000 B this server passes on.');
  await alice.client.send({ text: 'after' });
  await bob.events.message((m) => m.text === 'after', 'the next text');
  assert.ok(!bob.events.messages.some((m) => m.file), 'no offer relayed');
});

test("the receiver's own limit refuses the accept, and the sender's before anything is sent", async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, port, 'alice', { maxFileBytes: 4096 });
  const bob = await joinClient(t, port, 'bob', { maxFileBytes: 1000 });
  await assert.rejects(alice.client.send({ file: { path: randomFile(dir, 'big.zip', 5000) } }), {
    code: 'file-refused',
    message: 'big.zip is 4.9 KB; files of up to 4 KB can be sent.',
  });
  await alice.client.send({ file: { path: randomFile(dir, 'mid.zip', 2000) } });
  const offer = await offerOf(bob, 'mid.zip');
  assert.throws(() => bob.client.acceptFile(offer.id, { folder: path.join(dir, 'in') }), {
    code: 'file-refused',
    message: 'mid.zip is 2 KB; this client accepts files of up to 1000 B.',
  });
  assert.equal(fs.existsSync(path.join(dir, 'in')), false);
});

test('a file that cannot be written fails on both ends with the reason, and leaves nothing', async (t) => {
  const { server, dir, alice, bob, offer } = await room(t, 1024 * 1024);
  const notAFolder = path.join(dir, 'plain-file');
  fs.writeFileSync(notAFolder, 'x');
  bob.client.acceptFile(offer.id, { path: path.join(notAFolder, 'inside.bin') });
  const failed = await transferEnd(bob.transfers, 'failed');
  assert.match(failed.reason ?? '', /^it could not be written: ENOTDIR/);
  const theirs = await transferEnd(alice.transfers, 'failed');
  assert.match(theirs.reason ?? '', /^bob: it could not be written/);
  await waitFor(() => openTransfers(server) === 0, 'the server forgets it');
  assert.equal(fs.readFileSync(notAFolder, 'utf8'), 'x');
});

test('the connection to the server is lost mid-way: the receiver fails and removes the partial file', async (t) => {
  const { server, inbox, bob, offer } = await room(t);
  let stopped = false;
  bob.client.on('transfer', (p) => {
    if (!stopped && p.state === 'running' && p.bytes > 0 && p.bytes < p.total) {
      stopped = true;
      void server.close();
    }
  });
  bob.client.acceptFile(offer.id, { folder: inbox });
  const failed = await transferEnd(bob.transfers, 'failed');
  assert.equal(failed.reason, 'the connection to the server was lost');
  await waitFor(() => listAll(inbox).length === 0, 'the partial file removed');
});

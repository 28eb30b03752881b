// The host (ChatServer as an endpoint) takes part in files like a member: it accepts offers for itself (the
// server pulls the bytes and writes them) and offers its own files (streamed to each member that accepts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TransferProgress } from '../../../../src/chat/core/files';
import { startServer, waitFor } from '../../support/helpers';
import { joinClient, listAll, offerOf, randomFile, sha256, sparseFile, tempFolder, transferEnd } from './support';

test('the host accepts a member’s file: pulled through the server and saved byte-identical', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const hostTransfers: TransferProgress[] = [];
  server.on('transfer', (p) => hostTransfers.push(p));
  const dir = tempFolder(t);
  const source = randomFile(dir, 'lab.zip', 5 * 1024 * 1024 + 3);
  const alice = await joinClient(t, port, 'alice');
  await alice.client.send({ file: { path: source } });
  const offer = await waitFor(() => events.messages.find((m) => m.file?.name === 'lab.zip'), 'the host gets the offer');
  assert.equal(offer.from.name, 'alice');
  const inbox = path.join(dir, 'host-files');
  server.acceptFile(offer.id, { folder: inbox });
  const done = await transferEnd(hostTransfers, 'done');
  assert.equal(done.direction, 'receive');
  assert.equal(done.messageId, offer.id);
  assert.equal(done.peer?.name, 'alice');
  assert.equal(sha256(done.savedPath!), sha256(source));
  assert.deepEqual(listAll(inbox), ['lab.zip']);
  const sent = await transferEnd(alice.transfers, 'done');
  assert.equal(sent.peer?.name, 'Server');
  assert.throws(() => server.acceptFile(offer.id, { folder: inbox }), { code: 'unknown-file' });
});

test('the host offers a file: each member that accepts gets its copy', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const hostTransfers: TransferProgress[] = [];
  server.on('transfer', (p) => hostTransfers.push(p));
  const dir = tempFolder(t);
  const source = randomFile(dir, 'slides.pdf', 4 * 1024 * 1024);
  const bob = await joinClient(t, port, 'bob');
  const carol = await joinClient(t, port, 'carol');
  await server.send({ file: { path: source } });
  const own = events.messages.find((m) => m.own && m.file);
  assert.equal(own?.file?.mime, 'application/pdf');
  for (const member of [bob, carol]) {
    const offer = await offerOf(member, 'slides.pdf');
    assert.equal(offer.from.kind, 'host');
    member.client.acceptFile(offer.id, { folder: path.join(dir, member.client.self!.name) });
  }
  for (const member of [bob, carol]) {
    const done = await transferEnd(member.transfers, 'done');
    assert.equal(sha256(done.savedPath!), sha256(source));
  }
  await waitFor(() => hostTransfers.filter((p) => p.state === 'done').length === 2, 'two sends done on the host');
  assert.ok(hostTransfers.every((p) => p.direction === 'send'));
});

test('the host cancels its send mid-way: the member sees cancelled by the host and keeps nothing', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const bob = await joinClient(t, port, 'bob');
  server.on('transfer', (p) => {
    if (p.state === 'running' && p.bytes > 0 && p.bytes < p.total) server.cancelTransfer(p.id);
  });
  await server.send({ file: { path: sparseFile(dir, 'huge.iso', 60 * 1024 * 1024) } });
  const inbox = path.join(dir, 'in');
  bob.client.acceptFile((await offerOf(bob, 'huge.iso')).id, { folder: inbox });
  const cancelled = await transferEnd(bob.transfers, 'cancelled');
  assert.equal(cancelled.reason, 'cancelled by Server');
  await waitFor(() => listAll(inbox).length === 0, 'the partial file removed');
});

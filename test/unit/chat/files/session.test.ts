// ChatSession and files: the files area under the log's folder, automatic accepting, and the log's lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatSession } from '../../../../src/chat/session/chatSession';
import { Transcript } from '../../../../src/chat/session/transcript';
import type { TransferProgress } from '../../../../src/chat/core/files';
import { startServer, waitFor } from '../../support/helpers';
import { joinClient, offerOf, randomFile, sha256, tempFolder } from './support';

test('autoAcceptFiles saves every offer under <log folder>/files and logs one line per offer and per end', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const logs = path.join(dir, 'logs');
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  const session = new ChatSession(bob.client, { transcript: Transcript.open(logs), autoAcceptFiles: true });
  t.after(() => session.close());
  const ends: TransferProgress[] = [];
  session.on('transfer', (p) => ends.push(p));
  const source = randomFile(dir, 'report.pdf', 300_000);
  await alice.client.send({ file: { path: source } });
  await waitFor(() => ends.find((p) => p.state === 'done'), 'saved', 10_000);
  const saved = path.join(logs, 'files', 'report.pdf');
  assert.equal(sha256(saved), sha256(source));
  assert.equal(session.filesFolder, path.join(logs, 'files'));
  await alice.client.send({ file: { path: source } });
  await waitFor(() => ends.filter((p) => p.state === 'done').length === 2, 'the second one saved');
  assert.ok(fs.existsSync(path.join(logs, 'files', 'report (2).pdf')), 'a second copy does not overwrite the first');
  const log = fs.readFileSync(session.transcript!.logFile, 'utf8');
  assert.match(log, /\[SYSTEM\] alice offers a file: report\.pdf \(293 KB\)\n/);
  assert.match(log, /\[SYSTEM\] report\.pdf from alice: saved files\/report\.pdf\n/);
  assert.match(log, /\[SYSTEM\] report\.pdf from alice: saved files\/report \(2\)\.pdf\n/);
  assert.doesNotMatch(log, /alice: \n/, 'no empty message line for the offer');
});

test('without a log, Accept needs Save As; a declined offer is logged as declined', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const dir = tempFolder(t);
  const alice = await joinClient(t, port, 'alice');
  const bob = await joinClient(t, port, 'bob');
  const carol = await joinClient(t, port, 'carol');
  const bare = new ChatSession(bob.client);
  const logged = new ChatSession(carol.client, { transcript: Transcript.open(path.join(dir, 'logs')) });
  t.after(() => (bare.close(), logged.close()));
  await alice.client.send({ file: { path: randomFile(dir, 'a.txt', 10) } });
  const offer = await offerOf(bob, 'a.txt');
  assert.throws(() => bare.acceptFile(offer.id), {
    code: 'no-file-folder',
    message: 'This chat keeps no log, so it has no files folder: use Save As to choose where the file goes.',
  });
  bare.acceptFile(offer.id, path.join(dir, 'chosen.txt'));
  await waitFor(() => fs.existsSync(path.join(dir, 'chosen.txt')), 'saved where chosen');
  logged.declineFile((await offerOf(carol, 'a.txt')).id);
  await waitFor(
    () => /a\.txt from alice: declined\n/.test(fs.readFileSync(logged.transcript!.logFile, 'utf8')),
    'logged',
  );
});

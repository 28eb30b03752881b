// Transfers in the CLI end to end: a real `tcp-chat serve` and two `tcp-chat connect` processes on 127.0.0.1.
// An image shows its progress lines up to 100 % on both sides; a file offered with /file is numbered at the
// receiver, /accept N saves it byte-identical in the receiver's log folder (files/), /decline leaves nothing,
// --accept-files saves without asking; /accept with nothing waiting says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bigPng } from '../support/clientHelpers';
import { run, serve, tempDir, type Cleanup, type Running } from './cliProcess';

const LINE = String.raw`^\[\d\d:\d\d:\d\d\] `;

async function room(t: Cleanup, receiverFlags: string[] = []) {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--name', 'Hub']);
  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--log-dir', 'ann-logs'], cwd);
  await ann.until(/as ann\./, 'ann connected');
  const bob = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'bob', '--log-dir', 'bob-logs', ...receiverFlags], cwd);
  await bob.until(/as bob\./, 'bob connected');
  await ann.until(/3 chatting, 0 waiting: Hub, ann, bob/, 'bob in ann’s roster');
  return { cwd, server, ann, bob };
}

/** Every file saved under `dir`'s files area (recursively), by path. */
function savedFiles(dir: string): string[] {
  const files = path.join(dir, 'files');
  if (!fs.existsSync(files)) return [];
  return (fs.readdirSync(files, { recursive: true }) as string[])
    .map((name) => path.join(files, name))
    .filter((file) => fs.statSync(file).isFile());
}

/** The progress lines of one transfer in a process's output. */
function progressLines(cli: Running, head: string): string[] {
  return cli
    .stdout()
    .split('\n')
    .filter((line) => line.includes(head));
}

test('an image: progress lines at the sender, the receiver and the host, each up to 100 %, a handful only', async (t) => {
  const { cwd, server, ann, bob } = await room(t);
  fs.writeFileSync(path.join(cwd, 'big.png'), bigPng(5 * 1024 * 1024));
  ann.child.stdin.write('/image big.png\n');
  await ann.until(/^↑ image to the room {2}100% {2}5 MB of 5 MB {2}done$/m, 'ann’s last progress line', 15_000);
  await bob.until(/^↓ image from ann {2}100% {2}5 MB of 5 MB {2}done$/m, 'bob’s last progress line', 15_000);
  await server.until(/^↓ image from ann {2}100% {2}5 MB of 5 MB {2}done$/m, 'the host’s last progress line', 15_000);
  await bob.until(new RegExp(`${LINE}ann: \\[image: 5 MB PNG\\]`, 'm'), 'the image line at bob');
  for (const [cli, head] of [
    [ann, '↑ image to the room'],
    [bob, '↓ image from ann'],
  ] as const) {
    const lines = progressLines(cli, head);
    assert.match(lines[0], / {2}0% {2}0 B of 5 MB/, 'a line at the start');
    assert.ok(lines.length >= 2 && lines.length <= 6, `start, quarters and end only: ${lines.join(' | ')}`);
  }
});

test('/file then /accept N: 30 MB arrive byte-identical in the receiver’s files/, with progress, and text overtakes them', async (t) => {
  const { cwd, ann, bob } = await room(t);
  const report = randomBytes(30 * 1024 * 1024);
  fs.writeFileSync(path.join(cwd, 'report.bin'), report);
  ann.child.stdin.write('/file report.bin\n');
  const offer = await bob.until(
    new RegExp(
      `${LINE}\\[file (\\d+)\\] ann offers report\\.bin \\(30 MB\\) — /accept (\\d+) or /decline (\\d+)$`,
      'm',
    ),
    'the numbered offer at bob',
    10_000,
  );
  assert.equal(offer[1], offer[2]);
  bob.child.stdin.write(`/accept ${offer[1]}\n`);
  // Once ann's upload has begun, she says something: it travels beside the file, not behind it.
  await ann.until(/^↑ report\.bin to bob {2}0%/m, 'the upload begun at ann', 30_000);
  ann.child.stdin.write('still sending, keep reading\n');
  const done = /^↓ report\.bin from ann {2}100% {2}30 MB of 30 MB {2}done/m;
  await bob.until(done, 'bob’s last progress line', 60_000);
  await ann.until(/^↑ report\.bin to bob {2}100% {2}30 MB of 30 MB {2}done/m, 'ann’s last progress line', 60_000);
  const said = bob.stdout().search(/ann: still sending, keep reading/);
  assert.ok(said >= 0, 'ann’s line reached bob');
  assert.ok(said < bob.stdout().search(done), 'ann’s line came before the end of the file');
  const saved = savedFiles(path.join(cwd, 'bob-logs'));
  assert.equal(saved.length, 1, `one file saved: ${saved.join(', ')}`);
  assert.equal(path.basename(saved[0]), 'report.bin');
  assert.ok(fs.readFileSync(saved[0]).equals(report), 'byte-identical');
  bob.child.stdin.write(`/accept ${offer[1]}\n`);
  await bob.until(new RegExp(`! No file offer ${offer[1]} is waiting\\.`), 'an offer answered is no longer waiting');
});

test('/accept and /decline with nothing waiting say so', async (t) => {
  const { bob } = await room(t);
  bob.child.stdin.write('/accept\n/decline 4\n');
  await bob.until(/! No file offer is waiting\./, 'nothing to accept');
  await bob.until(/! No file offer 4 is waiting\./, 'nothing to decline');
});

test('/decline leaves nothing on disk', async (t) => {
  const { cwd, ann, bob } = await room(t);
  fs.writeFileSync(path.join(cwd, 'secret.txt'), 'not for bob');
  ann.child.stdin.write('/file secret.txt\n');
  await bob.until(/\[file 1\] ann offers secret\.txt/, 'the offer at bob', 10_000);
  bob.child.stdin.write('/decline\n');
  await bob.until(/^↓ secret\.txt from ann {2}declined$/m, 'the decline line');
  assert.deepEqual(savedFiles(path.join(cwd, 'bob-logs')), []);
  bob.child.stdin.write('/decline 1\n');
  await bob.until(/! No file offer 1 is waiting\./, 'an offer answered is no longer waiting');
});

test('connect --accept-files saves every offer without asking', async (t) => {
  const { cwd, ann, bob } = await room(t, ['--accept-files']);
  const data = randomBytes(200 * 1024);
  fs.writeFileSync(path.join(cwd, 'data.bin'), data);
  ann.child.stdin.write('/file data.bin\n');
  await bob.until(/ann offers data\.bin \(200 KB\) — saving it \(--accept-files\)/, 'the offer line at bob', 10_000);
  await bob.until(/^↓ data\.bin from ann {2}100% .* done/m, 'saved', 15_000);
  const saved = savedFiles(path.join(cwd, 'bob-logs'));
  assert.equal(saved.length, 1);
  assert.ok(fs.readFileSync(saved[0]).equals(data), 'byte-identical');
  assert.doesNotMatch(bob.stdout(), /\/accept/, 'nothing asked');
});

test('connect --help lists the file commands and --accept-files; --accept-files needs a log folder', async (t) => {
  const cwd = tempDir(t);
  const help = run(t, ['connect', '--help'], cwd);
  assert.equal(await help.exited(), 0);
  for (const text of ['--accept-files', '/file PATH', '/accept [N]', '/decline [N]']) {
    assert.ok(help.stdout().includes(text), text);
  }
  const refused = run(t, ['connect', '127.0.0.1:1', '--accept-files', '--no-log'], cwd);
  assert.equal(await refused.exited(), 2);
  assert.match(refused.stderr(), /--accept-files saves files in the log folder: it cannot go with --no-log\./);
});

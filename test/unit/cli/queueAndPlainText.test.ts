// tcp-chat end to end on 127.0.0.1, rooms beyond two people: the waiting queue (--seats 1), the host's /admit
// and /kick, a real `ncat --chat` server on the other end, and --reconnect after the server restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bigPng, ncatPath, rawPeer, startNcatChat } from '../support/clientHelpers';
import { run, serve, tempDir } from './cliProcess';

test('serve --seats 1: a second connect waits, is told its place, cannot chat until admitted', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--seats', '1', '--no-log']);
  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--no-log'], cwd);
  await ann.until(/Connected to/, 'ann connected');
  const bob = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'bob', '--no-log'], cwd);
  await bob.until(/\* You are #1 in line\./, 'bob told his place');
  await server.until(/2 chatting, 1 waiting: Server, ann \| #1 bob \(2 connections\)/, 'the queue at the server');
  bob.child.stdin.write('can I talk?\n');
  await bob.until(/! You are #1 in line; you can chat once you're admitted\./, 'the not-admitted error');
  ann.child.stdin.end();
  assert.equal(await ann.exited(), 0);
  await bob.until(/You have a seat now: you can chat\./, 'bob admitted');
  bob.child.stdin.write('now I can\n');
  await server.until(/\] bob: now I can$/m, 'bob’s line');
  assert.doesNotMatch(server.stdout(), /can I talk\?/);
  bob.child.stdin.write('/quit\n');
  assert.equal(await bob.exited(), 0);
  server.child.kill('SIGINT');
  assert.equal(await server.exited(), 0);
});

test('connect to real ncat --chat: detected as plain text, lines both ways, /image refused with a clear line', async (t) => {
  const ncat = ncatPath();
  assert.ok(ncat, 'ncat must be installed for this test (apt-get install ncat)');
  const chat = await startNcatChat(ncat);
  t.after(() => chat.stop());
  const cwd = tempDir(t);
  fs.writeFileSync(path.join(cwd, 'dot.png'), bigPng(100));
  const other = await rawPeer(chat.port);
  t.after(() => other.socket.destroy());
  const cli = run(t, ['connect', `127.0.0.1:${chat.port}`, '--name', 'ann', '--no-log'], cwd);
  await cli.until(/\* Connected to 127\.0\.0\.1:\d+, a plain-text chat server/, 'the plain-text notice');
  other.socket.write('hello from nc\n');
  await cli.until(/^\[\d\d:\d\d:\d\d\] user\d+: hello from nc$/m, 'the nc line with its ncat sender');
  cli.child.stdin.write('/image dot.png\nhi nc\n');
  await other.until(/<user\d+> hi nc\n/, 'our line at the nc user');
  cli.child.stdin.end();
  assert.equal(await cli.exited(), 0);
  assert.match(cli.stdout(), /! This server speaks plain text: images can't be sent\./);
  assert.doesNotMatch(other.text(), /PNG|dot\.png/, 'no image bytes or names went to the plain-text server');
});

test('serve host commands: /admit NAME seats a chosen waiter, /kick NAME reason removes someone (who is told why)', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--seats', '1', '--no-log']);
  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--no-log'], cwd);
  await ann.until(/Connected to/, 'ann connected');
  const bob = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'bob', '--no-log'], cwd);
  await bob.until(/You are #1 in line\./, 'bob waiting');
  const cy = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'cy', '--no-log'], cwd);
  await cy.until(/You are #2 in line\./, 'cy waiting');

  server.child.stdin.write('/admit zed\n/admit CY\n');
  await server.until(/! Nobody called "zed" is waiting in line\./, 'the unknown-waiter error');
  await cy.until(/You have a seat now: you can chat\./, 'cy admitted out of order');
  await server.until(/\* cy was admitted\./, 'the admit line at the host');
  await bob.until(/You are #1 in line\./, 'bob still first in line');

  server.child.stdin.write('/kick ann spamming links\n');
  await ann.until(/! You were removed from the room by the host: spamming links/, 'ann told why');
  assert.equal(await ann.exited(), 1, 'removed by the host: the chat ended from the server side');
  await server.until(/ann was removed by the host: spamming links/, 'the kick line at the host');
  // cy was admitted over the limit, so ann's seat was the extra one: one seat, cy in it, bob still waiting.
  await server.until(/2 chatting, 1 waiting: Server, cy \| #1 bob \(2 connections\)/, 'the roster after the kick');
  assert.doesNotMatch(bob.stdout(), /You have a seat now/);
  for (const cli of [bob, cy]) cli.child.stdin.end();
  server.child.kill('SIGTERM');
  assert.equal(await server.exited(), 0);
});

test('connect --reconnect: the server restarts on the same port; the CLI says it is reconnecting and comes back', async (t) => {
  const cwd = tempDir(t);
  const first = await serve(t, cwd, ['--no-log', '--name', 'Hub']);
  const cli = run(t, ['connect', `127.0.0.1:${first.port}`, '--name', 'ann', '--reconnect', '--no-log'], cwd);
  await cli.until(/Connected to "Hub"/, 'first connection');
  first.server.child.kill('SIGTERM');
  assert.equal(await first.server.exited(), 0);
  await cli.until(/\* Connection lost — reconnecting in \d(\.\d)? s \(attempt 1\)/, 'the reconnecting line');
  const second = run(t, ['serve', '--port', String(first.port), '--no-log', '--name', 'Hub'], cwd);
  await second.until(/Listening on 127\.0\.0\.1:\d+/, 'the restarted server');
  await cli.until(
    /Connected to "Hub"[^\n]*\n[\s\S]*Connected to "Hub" at 127\.0\.0\.1:\d+ as ann\./,
    'the second connection',
    15_000,
  );
  cli.child.stdin.write('back\n');
  await second.until(/\] ann: back$/m, 'a line after reconnecting');
  cli.child.stdin.end();
  assert.equal(await cli.exited(), 0);
  second.child.kill('SIGTERM');
  assert.equal(await second.exited(), 0);
});

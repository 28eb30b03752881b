// `tcp-chat serve` host controls end to end: --deny refuses an address with one line, /ban closes a member's
// connection with a line, tells the room and refuses the address when it comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, serve, tempDir } from './cliProcess';

test('serve --deny 127.0.0.0/8: connect is refused with one line on stderr, exit code 1', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log', '--deny', '127.0.0.0/8']);
  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--no-log'], cwd);
  assert.equal(await ann.exited(), 1);
  assert.equal(ann.stderr(), 'tcp-chat: Your address may not join this room.\n');
  await server.until(/Refused 127\.0\.0\.1:\d+: its address is in a denied range \(127\.0\.0\.0\/8\)\./, 'the log');
});

test('serve /ban NAME reason: the member is told and closed, the room is told, coming back is refused', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Hub']);
  const eve = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'eve', '--no-log'], cwd);
  await eve.until(/Connected to "Hub"/, 'eve connected');
  await server.until(/eve \(127\.0\.0\.1:\d+\) joined\./, 'the join line');
  server.child.stdin.write('/ban nobody\n');
  await server.until(/Nobody called "nobody" is in the room\./, 'the unknown name');
  server.child.stdin.write('/ban eve flooding\n');
  await server.until(/eve was banned by the host: flooding/, 'the ban line at the server');
  assert.equal(await eve.exited(), 1, 'the server went away for eve');
  assert.match(eve.stdout() + eve.stderr(), /You were banned from the room by the host: flooding/);
  const back = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'eve', '--no-log'], cwd);
  assert.equal(await back.exited(), 1);
  assert.equal(back.stderr(), 'tcp-chat: You are banned from this room.\n');
});

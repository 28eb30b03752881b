// `tcp-chat serve --topic` and the room's habits from IRC end to end: the topic in an nc peer's welcome and in
// /who, the host's /topic and /me typed on stdin, a `tcp-chat connect` member's /me, /away and refused /topic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, UsageError, type ServeCommand } from '../../../src/cli/args';
import { RawPlainClient } from '../support/helpers';
import { run, serve, tempDir } from './cliProcess';

test('parseCli: --topic TEXT is the room topic; an empty one is refused', () => {
  assert.equal((parseCli(['serve', '--topic', 'Fractions, week 3']) as ServeCommand).topic, 'Fractions, week 3');
  assert.equal('topic' in (parseCli(['serve']) as ServeCommand), false);
  assert.throws(
    () => parseCli(['serve', '--topic', ' ']),
    (e) => e instanceof UsageError && e.message === '--topic needs a value.',
  );
  assert.throws(
    () => parseCli(['serve', '--topic']),
    (e) => e instanceof UsageError && e.message === 'Option --topic needs a value.',
  );
  assert.throws(
    () => parseCli(['connect', 'h', '--topic', 'x']),
    (e) => e instanceof UsageError && /does not apply/.test(e.message),
  );
});

test('serve --topic: nc sees it at once and in /who; the host changes it and acts with /me; a member acts, goes away, is refused /topic', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Teacher', '--topic', 'Fractions']);
  const nc = await RawPlainClient.connect(port);
  t.after(() => nc.close());
  nc.write('/name student\n');
  await nc.waitText(/Welcome to Teacher, guest-\d+ \(127\.0\.0\.1:\d+\)! Topic: Fractions\. Here now:/);
  server.child.stdin.write('/topic Decimals\n');
  await nc.waitText(/\* Teacher set the topic: Decimals\r\n/);
  await server.until(/\* Teacher set the topic: Decimals/, 'the change on the host');
  server.child.stdin.write('/me hands out worksheets\n');
  await nc.waitText(/\* Teacher hands out worksheets\r\n/);

  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--no-log'], cwd);
  await ann.until(/Connected to "Teacher" at .* as ann\. Topic: Decimals/, 'the topic on connecting');
  ann.child.stdin.write('/me waves\n/away getting water\n/topic mine\n');
  await server.until(/\] \* ann waves/, 'the action at the host');
  await nc.waitText(/\* ann waves\r\n/);
  await ann.until(/! Only the host can set the topic \(\/who shows it\)\./, 'the refusal');
  await server.until(/ann is away: getting water/, 'the away line');
  server.child.stdin.write('/who\n');
  await server.until(
    /Topic: Decimals\n.*Chatting \(3, no seat limit\): Teacher \(you\), \w[^\n]*ann 🔒 \[away: getting water\]/,
    '/who',
  );
  ann.child.stdin.end();
  assert.equal(await ann.exited(), 0);
});

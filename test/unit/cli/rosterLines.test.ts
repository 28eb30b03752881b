// Roster lines under churn: printed when the roster changes, at most once a second, always ending on the latest.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { throttledRosterLines } from '../../../src/cli/rosterLines';
import { rawPeer } from '../support/clientHelpers';
import { serve, tempDir } from './cliProcess';

test('throttledRosterLines: the first change at once, then at most one line a second, the latest state last', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  const printed: string[] = [];
  const roster = throttledRosterLines((line) => printed.push(line), 1000);
  roster('1 chatting');
  assert.deepEqual(printed, ['1 chatting'], 'the first line is not delayed');
  roster('1 chatting');
  for (let i = 2; i <= 40; i++) roster(`${i} chatting`);
  assert.deepEqual(printed, ['1 chatting'], 'a storm within the second prints nothing more yet');
  mock.timers.tick(999);
  assert.equal(printed.length, 1);
  mock.timers.tick(1);
  assert.deepEqual(printed, ['1 chatting', '40 chatting'], 'the latest state when the second ends');
  roster('40 chatting');
  mock.timers.tick(5000);
  assert.equal(printed.length, 2, 'an unchanged roster is not printed again');
  roster('2 chatting');
  assert.deepEqual(printed.at(-1), '2 chatting', 'after a quiet second a change is printed at once');
  roster('3 chatting');
  roster('2 chatting');
  mock.timers.tick(1000);
  assert.equal(printed.length, 3, 'back to what was printed by the end of the second: nothing to print');
});

test('serve under churn: waves of plain-text peers join and leave for two seconds; about one roster line a second, the last one true', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Hub']);
  const started = Date.now();
  // 10 waves of 3 stay within what one address may open in a burst (32 connections).
  for (let wave = 0; wave < 10; wave++) {
    const peers = await Promise.all(Array.from({ length: 3 }, () => rawPeer(port)));
    try {
      peers.forEach((p, i) => p.socket.write(`guest${wave}x${i}\n`));
      await Promise.all(peers.map((p) => p.until(/joined|Welcome/i, 'the join')));
    } finally {
      peers.forEach((p) => p.socket.destroy());
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  // Everyone has left; a second and a bit later the last roster line printed says so.
  await new Promise((resolve) => setTimeout(resolve, 1300));
  const rosterLines = server.stdout().match(/\d+ chatting, \d+ waiting.*/g) ?? [];
  assert.equal(rosterLines.at(-1), '1 chatting, 0 waiting: Hub (0 connections)', server.stdout());
  assert.ok(
    rosterLines.length <= Math.ceil(seconds) + 2,
    `${rosterLines.length} roster lines in ${seconds.toFixed(1)} s:\n${server.stdout()}`,
  );
});

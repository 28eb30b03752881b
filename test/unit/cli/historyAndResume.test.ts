// `tcp-chat serve --history N` and `--resume-grace S`: parsed into their server options, wrong values refused
// (exit 2), --help showing their defaults; and `connect` printing a room's history before `--- end of history ---`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, USAGE, UsageError, type ServeCommand } from '../../../src/cli/args';
import { MAX_HISTORY, SERVER_DEFAULTS } from '../../../src/chat/server/options';
import { run, serve, tempDir } from './cliProcess';

function serveWith(...args: string[]): ServeCommand {
  const command = parseCli(['serve', ...args]);
  assert.equal(command.kind, 'serve');
  return command as ServeCommand;
}

test('parseCli: --history and --resume-grace set their server options; wrong values are one sentence', () => {
  assert.deepEqual(serveWith('--history', '0').limits, { history: 0 });
  assert.deepEqual(serveWith('--history', '200').limits, { history: 200 });
  assert.deepEqual(serveWith('--resume-grace', '0').limits, { resumeGraceMs: 0 });
  assert.deepEqual(serveWith('--resume-grace=90').limits, { resumeGraceMs: 90_000 });
  for (const [args, line] of [
    [['--history', 'lots'], `--history must be a whole number from 0 to ${MAX_HISTORY}, not "lots".`],
    [['--history', '-1'], `--history must be from 0 to ${MAX_HISTORY}, not -1.`],
    [['--history', String(MAX_HISTORY + 1)], `--history must be from 0 to ${MAX_HISTORY}, not ${MAX_HISTORY + 1}.`],
    [['--resume-grace', '1.5'], '--resume-grace must be a whole number from 0 to 86400, not "1.5".'],
  ] as const) {
    assert.throws(
      () => parseCli(['serve', ...args]),
      (error: unknown) => error instanceof UsageError && error.message === line,
      line,
    );
  }
  const line = (flag: string) => USAGE.split('\n').find((l) => l.trimStart().startsWith(`--${flag} `)) ?? '';
  assert.match(line('history'), new RegExp(`default ${SERVER_DEFAULTS.historyWhereEveryoneChats} with --seats 0`));
  assert.match(
    line('resume-grace'),
    new RegExp(`^  --resume-grace S .*default ${SERVER_DEFAULTS.resumeGraceMs / 1000}\\)`),
  );
});

test('serve --history x exits 2 with one line; connect prints the history, then "--- end of history ---"', async (t) => {
  const cwd = tempDir(t);
  const bad = run(t, ['serve', '--history', 'x'], cwd);
  assert.equal(await bad.exited(), 2);
  assert.match(bad.stderr(), /^tcp-chat: --history must be a whole number from 0 to 1000, not "x"\.\n/);

  const { server, port } = await serve(t, cwd, ['--no-log', '--history', '2']);
  for (const text of ['first', 'second', 'third']) server.child.stdin.write(`${text}\n`);
  await server.until(/third/, 'the host said three lines');
  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--no-log'], cwd);
  await ann.until(/--- end of history ---\n/, 'the end of the history');
  const out = ann.stdout();
  const history = out.slice(out.indexOf(' as ann.'), out.indexOf('--- end of history ---'));
  assert.doesNotMatch(history, /first/, 'only the last 2');
  assert.match(history, /\] Server: second\n\[\d\d:\d\d:\d\d\] Server: third\n$/);
  server.child.stdin.write('live\n');
  await ann.until(/Server: live\n/, 'a live line after the history');
  ann.child.stdin.end();
  assert.equal(await ann.exited(), 0);
});

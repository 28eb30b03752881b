// The room's limits on the command line: every flag parsed into its ServerOptions setting, wrong values refused
// with one sentence, --help showing each default read from the engine, and one limit seen acting end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, USAGE, UsageError, type ServeCommand } from '../../../src/cli/args';
import { SERVER_DEFAULTS, MAX_CONNECTIONS_LIMIT } from '../../../src/chat/server/options';
import { DEFAULT_MAX_LOG_BYTES } from '../../../src/chat/session/transcript';
import { run, serve, tempDir } from './cliProcess';

const MIB = 1024 * 1024;

function serveWith(...args: string[]): ServeCommand {
  const command = parseCli(['serve', ...args]);
  assert.equal(command.kind, 'serve');
  return command as ServeCommand;
}

function refused(args: string[], line: string): void {
  assert.throws(
    () => parseCli(args),
    (error: unknown) => error instanceof UsageError && error.message === line,
    `${args.join(' ')} → ${line}`,
  );
}

test('parseCli: every limit flag sets its server option (and only the flags given)', () => {
  assert.deepEqual(serveWith().limits, {});
  assert.deepEqual(serveWith('--rate-limit', '5').limits, { rateLimit: { perSecond: 5, burst: 10 } });
  assert.deepEqual(serveWith('--rate-limit', '0').limits, { rateLimit: false });
  assert.deepEqual(serveWith('--max-conns', '40').limits, { maxConnections: 40 });
  assert.deepEqual(serveWith('--max-conns', '10000').limits, { maxConnections: 10_000 }, 'a room of 10,000');
  assert.deepEqual(serveWith('--max-per-address', '1').limits, { connectionsPerAddress: 1 });
  assert.deepEqual(serveWith('--max-image-mb', '2').limits, { maxImageBytes: 2 * MIB });
  assert.deepEqual(serveWith('--max-image-mb', '0.5').limits, { maxImageBytes: MIB / 2 });
  assert.deepEqual(serveWith('--max-image-mp', '12').limits, { maxImagePixels: 12_000_000 });
  assert.deepEqual(serveWith('--max-image-mp', '0.25').limits, { maxImagePixels: 250_000 });
  assert.equal(serveWith('--max-log-mb', '3').maxLogBytes, 3 * MIB);
  assert.equal(serveWith('--max-log-mb=0.001').maxLogBytes, Math.round(0.001 * MIB));
  const all = serveWith('--rate-limit=1', '--max-conns=9', '--max-per-address=3', '--max-image-mb=1');
  assert.deepEqual(all.limits, {
    rateLimit: { perSecond: 1, burst: 2 },
    maxConnections: 9,
    connectionsPerAddress: 3,
    maxImageBytes: MIB,
  });
  const connect = parseCli(['connect', 'h:1', '--max-log-mb', '7']);
  assert.equal(connect.kind === 'connect' && connect.maxLogBytes, 7 * MIB, 'the log cap applies to connect too');
});

test('parseCli: a wrong limit is refused with one sentence naming the flag', () => {
  refused(['serve', '--rate-limit', 'fast'], '--rate-limit must be a whole number from 0 to 10000, not "fast".');
  refused(['serve', '--rate-limit', '-1'], '--rate-limit must be from 0 to 10000, not -1.');
  refused(['serve', '--max-conns', '0'], `--max-conns must be from 1 to ${MAX_CONNECTIONS_LIMIT}, not 0.`);
  assert.equal(MAX_CONNECTIONS_LIMIT, 10_000);
  refused(['serve', '--max-conns', '10001'], `--max-conns must be from 1 to ${MAX_CONNECTIONS_LIMIT}, not 10001.`);
  refused(
    ['serve', '--max-per-address', '1.5'],
    '--max-per-address must be a whole number from 1 to 10000, not "1.5".',
  );
  refused(['serve', '--max-image-mb', '0'], '--max-image-mb must be a number above 0 and at most 65536, not "0".');
  refused(['serve', '--max-image-mb', '-3'], '--max-image-mb must be a number above 0 and at most 65536, not "-3".');
  refused(['serve', '--max-image-mp', '1e3'], '--max-image-mp must be a number above 0 and at most 10000, not "1e3".');
  refused(
    ['serve', '--max-log-mb', '0.0001'],
    '--max-log-mb must be a number from 0.001 and at most 1048576, not "0.0001".',
  );
  refused(['serve', '--max-conns'], 'Option --max-conns needs a value.');
  refused(['connect', 'h:1', '--max-conns', '3'], 'Option --max-conns does not apply to "tcp-chat connect".');
});

test('--help lists each limit with the default the engine uses', () => {
  const line = (flag: string) => USAGE.split('\n').find((l) => l.trimStart().startsWith(`--${flag} N`)) ?? '';
  assert.match(line('rate-limit'), new RegExp(`0 turns it off \\(default ${SERVER_DEFAULTS.rateLimit.perSecond}\\)`));
  assert.match(line('max-conns'), new RegExp(`default ${SERVER_DEFAULTS.maxConnections}\\b`));
  assert.match(line('max-per-address'), new RegExp(`default ${SERVER_DEFAULTS.connectionsPerAddress}\\)`));
  assert.match(line('max-image-mb'), new RegExp(`default ${SERVER_DEFAULTS.maxImageBytes / MIB}\\)`));
  const megapixels = (SERVER_DEFAULTS.maxImagePixels / 1e6).toFixed(1);
  assert.match(line('max-image-mp'), new RegExp(`default about ${megapixels.replace('.', '\\.')}\\)`));
  assert.match(line('max-log-mb'), new RegExp(`default ${DEFAULT_MAX_LOG_BYTES / MIB}\\)`));
});

test('serve --max-per-address 1: a second connection from 127.0.0.1 is refused with one line, the first chats on', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log', '--max-per-address', '1']);
  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--no-log'], cwd);
  await ann.until(/Connected to .* as ann\./, 'ann connected');
  const bob = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'bob', '--no-log'], cwd);
  assert.equal(await bob.exited(), 1);
  assert.equal(bob.stderr(), 'tcp-chat: Too many connections from your address (1); close one and try again.\n');
  ann.child.stdin.write('still here\n');
  await server.until(/ann: still here/, "ann's line at the server");
  ann.child.stdin.end();
  assert.equal(await ann.exited(), 0);
});

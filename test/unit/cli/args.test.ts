// The tcp-chat command line as pure functions: argument parsing (every rejection is one sentence) and the usage
// text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, parseHostPort, USAGE, UsageError } from '../../../src/cli/args';

function usageError(pattern: RegExp) {
  return (error: unknown) => error instanceof UsageError && pattern.test(error.message);
}

test('parseCli: defaults for serve and connect', () => {
  assert.deepEqual(parseCli(['serve']), {
    kind: 'serve',
    host: '127.0.0.1',
    port: 65432,
    seats: 0,
    name: 'Server',
    logDir: 'chat_logs',
    password: undefined,
    allow: [],
    deny: [],
    limits: {},
    maxLogBytes: undefined,
    advertise: true,
  });
  assert.deepEqual(parseCli(['connect', 'example.lan:5000'], { userName: 'kim' }), {
    kind: 'connect',
    host: 'example.lan',
    port: 5000,
    name: 'kim',
    password: undefined,
    reconnect: false,
    logDir: 'chat_logs',
    maxLogBytes: undefined,
  });
  const full = parseCli([
    'serve',
    '--host',
    '0.0.0.0',
    '--port',
    '0',
    '--seats',
    '1',
    '--name',
    'Hub',
    '--no-log',
    '--password',
    'pw',
  ]);
  assert.deepEqual(full, {
    kind: 'serve',
    host: '0.0.0.0',
    port: 0,
    seats: 1,
    name: 'Hub',
    logDir: undefined,
    password: 'pw',
    allow: [],
    deny: [],
    limits: {},
    maxLogBytes: undefined,
    advertise: true,
  });
  const connect = parseCli(['connect', '[::1]:7000', '--name', 'ann', '--reconnect', '--log-dir', 'logs'], {
    password: 'from-env',
  });
  assert.deepEqual(connect, {
    kind: 'connect',
    host: '::1',
    port: 7000,
    name: 'ann',
    password: 'from-env',
    reconnect: true,
    logDir: 'logs',
    maxLogBytes: undefined,
  });
  assert.deepEqual(parseHostPort('localhost'), { host: 'localhost', port: 65432 });
  assert.deepEqual(parseCli(['--help']), { kind: 'help' });
  assert.deepEqual(parseCli(['connect', '-h']), { kind: 'help' });
});

test('parseCli: bad arguments become one clear sentence', () => {
  assert.throws(() => parseCli([]), usageError(/^Missing command/));
  assert.throws(() => parseCli(['chat']), usageError(/^Unknown command "chat"/));
  assert.throws(
    () => parseCli(['serve', '--port', '70000']),
    usageError(/^--port must be from 0 to 65535, not 70000\.$/),
  );
  assert.throws(() => parseCli(['serve', '--port', 'http']), usageError(/^--port must be a whole number/));
  assert.throws(() => parseCli(['serve', '--seats', '-1']), usageError(/^--seats must be from 0 to 10000, not -1\.$/));
  assert.throws(() => parseCli(['serve', '--colour']), usageError(/^Unknown option --colour for "tcp-chat serve"\.$/));
  assert.throws(() => parseCli(['serve', '--port']), usageError(/^Option --port needs a value\.$/));
  assert.throws(
    () => parseCli(['connect', 'h:1', '--reconnect=yes']),
    usageError(/^Option --reconnect does not take a value\.$/),
  );
  assert.throws(() => parseCli(['connect']), usageError(/^Missing HOST:PORT/));
  assert.throws(() => parseCli(['connect', 'h:0']), usageError(/^Port must be from 1 to 65535, not 0\.$/));
  assert.throws(() => parseCli(['connect', ':80']), usageError(/has no host/));
  assert.throws(() => parseCli(['connect', '::1:80']), usageError(/IPv6 addresses in brackets/));
  assert.throws(() => parseCli(['connect', 'h:1', 'h:2']), usageError(/^Unexpected argument "h:2"/));
  assert.throws(
    () => parseCli(['connect', 'h:1', '--seats', '2']),
    usageError(/^Option --seats does not apply to "tcp-chat connect"\.$/),
  );
  assert.throws(() => parseCli(['serve', '--no-log', '--log-dir', 'x']), usageError(/either --log-dir or --no-log/));
});

test('connect --accept-files: saved in the log folder, so not with --no-log', () => {
  const command = parseCli(['connect', 'h:1', '--accept-files', '--log-dir', 'logs']);
  assert.ok(command.kind === 'connect' && command.acceptFiles === true && command.logDir === 'logs');
  assert.throws(
    () => parseCli(['connect', 'h:1', '--accept-files', '--no-log']),
    usageError(/^--accept-files saves files in the log folder: it cannot go with --no-log\.$/),
  );
  assert.throws(() => parseCli(['serve', '--accept-files']), UsageError, 'a receiving option of connect only');
  assert.match(USAGE, /\[--accept-files\]/);
});

test('--help says how to get diagnostic lines for a bug report (NODE_DEBUG=tcpchat)', () => {
  assert.match(USAGE, /NODE_DEBUG=tcpchat tcp-chat serve/);
  assert.match(USAGE, /bug report/);
});

test('parseCli: --allow and --deny are repeatable address ranges; one that cannot be read is one sentence', () => {
  const command = parseCli(['serve', '--allow', '10.0.0.0/8', '--allow', 'fd00::/8', '--deny', '10.66.0.0/16']);
  assert.ok(command.kind === 'serve');
  assert.deepEqual(command.allow, ['10.0.0.0/8', 'fd00::/8']);
  assert.deepEqual(command.deny, ['10.66.0.0/16']);
  assert.throws(
    () => parseCli(['serve', '--deny', '10.0.0.0/33']),
    usageError(/^--deny: "10\.0\.0\.0\/33": the part after \/ must be a whole number from 0 to 32\.$/),
  );
  assert.throws(() => parseCli(['serve', '--allow', 'lab']), usageError(/^--allow: "lab" is not an IP address range/));
  assert.throws(
    () => parseCli(['connect', 'h:1', '--allow', '10.0.0.0/8']),
    usageError(/^Option --allow does not apply to "tcp-chat connect"\.$/),
  );
});

test('parseCli: discover [--timeout S] (default 3 s), and serve --no-advertise', () => {
  assert.deepEqual(parseCli(['discover']), { kind: 'discover', seconds: 3 });
  assert.deepEqual(parseCli(['discover', '--timeout', '10']), { kind: 'discover', seconds: 10 });
  assert.equal((parseCli(['serve', '--no-advertise']) as { advertise: boolean }).advertise, false);
  assert.throws(
    () => parseCli(['discover', '--timeout', '0']),
    usageError(/^--timeout must be from 1 to 600, not 0\.$/),
  );
  assert.throws(() => parseCli(['discover', '--timeout', '-2']), usageError(/^--timeout must be from 1 to 600/));
  assert.throws(() => parseCli(['discover', 'lan']), usageError(/^Unexpected argument "lan": discover takes only/));
  assert.throws(
    () => parseCli(['connect', 'h:1', '--no-advertise']),
    usageError(/^Option --no-advertise does not apply to "tcp-chat connect"\.$/),
  );
  assert.throws(
    () => parseCli(['discover', '--name', 'x']),
    usageError(/^Option --name does not apply to "tcp-chat discover"\.$/),
  );
  assert.match(USAGE, /tcp-chat discover \[--timeout 3\]/);
  assert.match(USAGE, /--no-advertise/);
});

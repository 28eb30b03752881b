// The tcp-chat CLI: argument parsing as a pure function, then end to end by spawning `node dist/cli.js` on
// 127.0.0.1 — serve + connect talking through stdin/stdout, images from files, the waiting queue, exit codes,
// and a clean SIGTERM that tells clients and closes the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { parseCli, parseHostPort, UsageError } from '../../../src/cli/args';
import { parseHostCommand } from '../../../src/cli/hostCommands';
import type { Peer } from '../../../src/chat/core/events';
import { bigPng, EventRecorder, freePort, ncatPath, rawPeer, startNcatChat, within } from '../support/clientHelpers';

// ------------------------------------------------------------------------------------------ parsing

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
  });
  assert.deepEqual(parseCli(['connect', 'example.lan:5000'], { userName: 'kim' }), {
    kind: 'connect',
    host: 'example.lan',
    port: 5000,
    name: 'kim',
    password: undefined,
    reconnect: false,
    logDir: 'chat_logs',
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

test('parseHostCommand: /admit and /kick find people by name (case-insensitive, names with spaces too)', () => {
  const peer = (id: number, name: string): Peer => ({ id, name, address: `127.0.0.1:${40000 + id}`, kind: 'native' });
  const host: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
  const roster = {
    seats: 1,
    active: [host, peer(1, 'ann')],
    waiting: [peer(2, 'bob'), peer(3, 'ann (2)')],
    connections: 3,
  };
  assert.equal(parseHostCommand('hello', roster), undefined);
  assert.equal(parseHostCommand('/msg ann hi', roster), undefined);
  assert.deepEqual(parseHostCommand('/admit', roster), { kind: 'admit' });
  assert.deepEqual(parseHostCommand('/ADMIT Bob', roster), { kind: 'admit', peer: roster.waiting[0] });
  assert.deepEqual(parseHostCommand('/admit ann', roster), {
    kind: 'error',
    message: 'Nobody called "ann" is waiting in line.',
  });
  assert.deepEqual(parseHostCommand('/kick ann (2)', roster), { kind: 'kick', peer: roster.waiting[1] });
  assert.deepEqual(parseHostCommand('/kick ann spamming links', roster), {
    kind: 'kick',
    peer: roster.active[1],
    reason: 'spamming links',
  });
  assert.deepEqual(parseHostCommand('/kick Server', roster), {
    kind: 'error',
    message: 'Nobody called "Server" is in the room.',
  });
  assert.deepEqual(parseHostCommand('/kick', roster), {
    kind: 'error',
    message: '/kick needs a name: /kick NAME [reason]',
  });
});

// ------------------------------------------------------------------------------------------ end to end

const CLI = path.resolve(__dirname, '../../../../dist/cli.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout matches; returns the match. */
  until(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
  exited(ms?: number): Promise<number | null>;
}

function run(t: { after(fn: () => unknown): void }, args: string[], cwd: string): Running {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: build it first (node esbuild.mjs)`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', TCP_CHAT_PASSWORD: '' },
  });
  let out = '';
  let err = '';
  const wake = new Set<() => void>();
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of [...wake]) w();
  });
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    until: (pattern, what, ms = 8000) =>
      within(
        new Promise<RegExpExecArray>((resolve) => {
          const check = () => {
            const match = pattern.exec(out);
            if (!match) return;
            wake.delete(check);
            resolve(match);
          };
          wake.add(check);
          check();
        }),
        ms,
        () => `${what} in the output of tcp-chat ${args.join(' ')}; stdout so far:\n${out}\nstderr:\n${err}`,
      ).finally(() => wake.clear()),
    exited: (ms = 8000) =>
      within(exit, ms, () => `tcp-chat ${args.join(' ')} to exit; stdout:\n${out}\nstderr:\n${err}`),
  };
}

function tempDir(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(
  t: { after(fn: () => unknown): void },
  cwd: string,
  extra: string[] = [],
): Promise<{ server: Running; port: number }> {
  const logging = extra.includes('--no-log') ? [] : ['--log-dir', 'server-logs'];
  const server = run(t, ['serve', '--port', '0', ...logging, ...extra], cwd);
  const listening = await server.until(/Listening on 127\.0\.0\.1:(\d+)/, 'the listening line');
  return { server, port: Number(listening[1]) };
}

test('bad arguments: one line on stderr plus a usage hint, exit code 2, nothing started', async (t) => {
  const cwd = tempDir(t);
  for (const args of [
    ['serve', '--port', '70000'],
    ['serve', '--seats', '-1'],
    ['connect'],
    ['serve', '--bogus'],
    ['connect', '127.0.0.1:99999'],
  ]) {
    const cli = run(t, args, cwd);
    assert.equal(await cli.exited(), 2, `exit code for ${args.join(' ')}`);
    const lines = cli.stderr().trimEnd().split('\n');
    assert.equal(lines.length, 2, `stderr for ${args.join(' ')}: ${cli.stderr()}`);
    assert.match(lines[0], /^tcp-chat: \S.*\.$/);
    assert.equal(lines[1], 'Run "tcp-chat --help" for usage.');
    assert.equal(cli.stdout(), '');
  }
  assert.deepEqual(fs.readdirSync(cwd), [], 'no log folder was created');
  const help = run(t, ['--help'], cwd);
  assert.equal(await help.exited(), 0);
  assert.match(help.stdout(), /tcp-chat serve .*\n.*\n\s+tcp-chat connect HOST\[:PORT\]/);
});

test('connect to a port nobody listens on: the reason on stderr, exit code 1', async (t) => {
  const cwd = tempDir(t);
  const port = await freePort();
  const cli = run(t, ['connect', `127.0.0.1:${port}`, '--no-log'], cwd);
  assert.equal(await cli.exited(), 1);
  assert.equal(cli.stderr(), `tcp-chat: Nobody is listening on 127.0.0.1:${port} (connection refused).\n`);
  assert.equal(cli.stdout(), '');
  assert.deepEqual(fs.readdirSync(cwd), []);
});

test('serve + connect: lines both ways, /msg, /image from a file, /who; stdin end flushes and exits 0; SIGTERM stops cleanly', async (t) => {
  const cwd = tempDir(t);
  const photo = bigPng(200 * 1024);
  fs.writeFileSync(path.join(cwd, 'photo.png'), photo);
  fs.writeFileSync(path.join(cwd, 'notes.txt'), 'just text, not a picture');
  const { server, port } = await serve(t, cwd, ['--name', 'Hub']);
  const serverLog = (await server.until(/Chat log: (.*chat_log_\d{8}_\d{6}(?:_\d+)?\.txt)/, 'the log path'))[1];
  assert.ok(
    serverLog.startsWith(path.join(fs.realpathSync(cwd), 'server-logs')) ||
      serverLog.startsWith(path.join(cwd, 'server-logs')),
    serverLog,
  );

  const ann = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'ann', '--log-dir', 'ann-logs'], cwd);
  await ann.until(/Connected to "Hub" at 127\.0\.0\.1:\d+ as ann\./, 'ann connected');
  await server.until(/ann \(127\.0\.0\.1:\d+\) joined\./, 'the join line at the server');
  await server.until(/2 chatting, 0 waiting: Hub, ann \(1 connection\)/, 'the roster line with the connection count');

  server.child.stdin.write('hello ann\n');
  await ann.until(/^\[\d\d:\d\d:\d\d\] Hub: hello ann$/m, 'the host line at ann');
  ann.child.stdin.write('hi Hub\n/msg hub only for you\n/who\n/image photo.png\n/image missing.png\n');
  ann.child.stdin.write('/image notes.txt\nlast words\n');
  ann.child.stdin.end();
  assert.equal(await ann.exited(15_000), 0, 'stdin end → flush → exit 0');

  await server.until(/^\[\d\d:\d\d:\d\d\] ann: hi Hub$/m, 'ann’s line at the server');
  await server.until(/^\[\d\d:\d\d:\d\d\] ann → you: only for you$/m, 'the private line');
  const imageLine = await server.until(
    /^\[\d\d:\d\d:\d\d\] ann: \[image: 200 KB PNG\] → (.*\.png)$/m,
    'the image line with its saved path',
    15_000,
  );
  assert.ok(fs.readFileSync(imageLine[1]).equals(photo), 'the saved image is byte-identical');
  await server.until(/^\[\d\d:\d\d:\d\d\] ann: last words$/m, 'the last line, after the image');
  assert.match(ann.stdout(), /Chatting \(2, no seat limit\): Hub, ann \(you\)/);
  assert.match(ann.stdout(), /! Cannot read missing\.png: no such file\./);
  assert.match(
    ann.stdout(),
    /! Not a supported image \(PNG, JPEG, GIF, WebP or BMP\): the file starts with 6a 75 73 74/,
  );
  assert.equal(ann.stderr(), '');
  const annLogs = fs.readdirSync(path.join(cwd, 'ann-logs'));
  const annLog = fs.readFileSync(
    path.join(
      cwd,
      'ann-logs',
      annLogs.find((f) => f.endsWith('.txt'))!,
    ),
    'utf8',
  );
  assert.match(annLog, /Hub \(host\): hello ann/);
  assert.match(annLog, /\[ERROR\] Cannot read missing\.png: no such file\./);
  assert.match(
    annLog.trimEnd().split('\n').at(-1)!,
    /\[SYSTEM\] You left "Hub" at 127\.0\.0\.1:\d+\.$/,
    'the client log ends with leaving',
  );
  assert.ok(
    annLogs.some((f) => f.endsWith('.png')),
    'the sent image is saved beside the client log too',
  );

  server.child.kill('SIGTERM');
  assert.equal(await server.exited(), 0);
  const log = fs.readFileSync(serverLog, 'utf8').trimEnd().split('\n');
  assert.match(log.at(-1)!, /\[SYSTEM\] Server stopped: Server shutting down$/);
  assert.ok(log.some((l) => /ann \(127\.0\.0\.1:\d+\): hi Hub$/.test(l)));
});

test('a room with a password: connect without it or with a wrong one fails with a hint; the right one joins', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log', '--password', 'open sesame']);
  const none = run(t, ['connect', `127.0.0.1:${port}`, '--no-log'], cwd);
  assert.equal(await none.exited(), 1);
  assert.equal(
    none.stderr(),
    'tcp-chat: The room "Server" needs a password; connect again with one (give it with --password P or the TCP_CHAT_PASSWORD environment variable).\n',
  );
  const wrong = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--password', 'guess'], cwd);
  assert.equal(await wrong.exited(), 1);
  assert.match(wrong.stderr(), /^tcp-chat: Wrong password for this room \(give it with --password P/);
  await server.until(/Turned away 127\.0\.0\.1:\d+: wrong password\./, 'the refusal in the host’s output');
  const right = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--password', 'open sesame', '--name', 'ok'], cwd);
  await right.until(/Connected to "Server"/, 'the right password joins');
  right.child.stdin.end();
  assert.equal(await right.exited(), 0);
});

test('serve keeps running after its stdin ends; SIGTERM tells connected clients and exits 0', async (t) => {
  const cwd = tempDir(t);
  const { server, port } = await serve(t, cwd, ['--no-log']);
  server.child.stdin.end();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(server.child.exitCode, null, 'still serving');
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'late' });
  const events = new EventRecorder(client);
  t.after(() => client.close());
  await within(client.connect(), 5000, 'a client joins after stdin ended');
  await server.until(/late \(127\.0\.0\.1:\d+\) joined/, 'the join');

  const watcher = run(t, ['connect', `127.0.0.1:${port}`, '--name', 'watcher', '--no-log'], cwd);
  await watcher.until(/Connected to/, 'the CLI client connected');
  server.child.kill('SIGTERM');
  assert.equal(await server.exited(), 0);
  const bye = await events.notice((n) => n.code === 'disconnected', 'the goodbye at the engine client');
  assert.match(bye.text, /the server said: Server shutting down/);
  await watcher.until(
    /Disconnected from 127\.0\.0\.1:\d+ — the server said: Server shutting down\./,
    'the goodbye at the CLI client',
  );
  assert.equal(await watcher.exited(), 1, 'the server ended the chat: exit 1');
  assert.deepEqual(fs.readdirSync(cwd), [], '--no-log wrote nothing');
});

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

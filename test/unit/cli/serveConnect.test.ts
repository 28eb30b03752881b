// tcp-chat end to end on 127.0.0.1: exit codes and stderr for bad arguments and unreachable hosts, serve +
// connect talking through stdin/stdout (private lines, images from files, the log), passwords, and a clean
// SIGTERM that tells clients and closes the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { bigPng, EventRecorder, freePort, within } from '../support/clientHelpers';
import { run, serve, tempDir } from './cliProcess';

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

// `tcp-chat connect` against a scripted hostile server: terminal escapes in the room name, in an Error frame, in
// notices, names and a goodbye (window title, screen clear, OSC 52 clipboard write) reach neither stdout nor
// stderr as live bytes — every string from the wire is shown escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame } from '../../../src/chat/wire/codec';
import { FrameType } from '../../../src/chat/wire/frames';
import { startScriptedServer, within } from '../support/clientHelpers';
import { run, tempDir, type Running } from './cliProcess';

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const CLIPBOARD = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';
const C1 = '\u009b31m\u009d0;c1 title\u009c';
const HOSTILE = `${TITLE}${CLEAR}${CLIPBOARD}${C1}tcp-chat$ `;

/** No ESC, BEL or C1 control anywhere in what the CLI wrote. */
function assertNoLiveEscapes(cli: Running): void {
  for (const [stream, text] of [
    ['stdout', cli.stdout()],
    ['stderr', cli.stderr()],
  ]) {
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, `${stream}: ${JSON.stringify(text)}`);
  }
}

test('a hostile room name in a password challenge: the refusal on stderr is escaped', async (t) => {
  const server = await startScriptedServer({ room: `Lab${HOSTILE}`, auth: 'hmac-sha256' });
  t.after(() => server.close());
  const cli = run(t, ['connect', `127.0.0.1:${server.port}`, '--no-log', '--name', 'ann'], tempDir(t));
  assert.equal(await cli.exited(), 1);
  assert.match(cli.stderr(), /^tcp-chat: The room "Lab\\x1b\]0;pwned\\x07\\x1b\[2J.*needs a password/);
  assertNoLiveEscapes(cli);
});

test('a hostile Error frame before joining: the reason on stderr is escaped', async (t) => {
  const server = await startScriptedServer({ room: `Lab${HOSTILE}`, welcome: false });
  t.after(() => server.close());
  const cli = run(t, ['connect', `127.0.0.1:${server.port}`, '--no-log', '--name', 'ann'], tempDir(t));
  const { socket } = await within(server.accepted, 5000, 'the scripted server to accept');
  socket.end(
    encodeFrame({ type: FrameType.Error, body: { code: 'bad-hello', message: `No.${HOSTILE}\r\nok`, fatal: true } }),
  );
  assert.equal(await cli.exited(), 1);
  assert.match(cli.stderr(), /^tcp-chat: No\.\\x1b\]0;pwned\\x07\\x1b\[2J\\x1b\[H\\x1b\]52;c;/);
  assert.equal(cli.stderr().split('\n').length, 2, `one line: ${JSON.stringify(cli.stderr())}`);
  assertNoLiveEscapes(cli);
});

test('after joining: hostile room name, notices, names, messages and goodbye are all shown escaped', async (t) => {
  const server = await startScriptedServer({ room: `Lab${HOSTILE}` });
  t.after(() => server.close());
  const cli = run(t, ['connect', `127.0.0.1:${server.port}`, '--no-log', '--name', 'ann'], tempDir(t));
  const { socket } = await within(server.accepted, 5000, 'the scripted server to accept');
  await cli.until(/Connected to "Lab\\x1b/, 'the connected line');
  const evil = { id: 2, name: `eve${HOSTILE}`, address: '127.0.0.1:40002', kind: 'native' as const };
  const you = { id: 1, name: 'ann', address: '127.0.0.1:40001', kind: 'native' as const };
  socket.write(
    encodeFrame({ type: FrameType.Roster, body: { seats: 0, active: [evil, you], waiting: [], connections: 2 } }),
  );
  socket.write(encodeFrame({ type: FrameType.Notice, body: { level: 'system', text: `notice${HOSTILE}` } }));
  socket.write(
    encodeFrame({ type: FrameType.Message, body: { ref: 1, text: `text${HOSTILE}`, from: evil, at: Date.now() } }),
  );
  socket.end(encodeFrame({ type: FrameType.Bye, body: { reason: `bye${HOSTILE}` } }));
  assert.equal(await cli.exited(), 1, 'the server went away');
  assert.match(cli.stdout(), /notice\\x1b\]0;pwned/);
  assert.match(cli.stdout(), /eve\\x1b\]0;pwned\\x07.*: text\\x1b\]0;pwned/);
  assertNoLiveEscapes(cli);
});

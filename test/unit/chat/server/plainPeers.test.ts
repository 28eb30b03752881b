// Plain-text peers (nc, telnet, the client of the classic threaded broadcast room, which sends lines without a
// newline) in the same room as native ones, over raw sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../src/chat/wire/frames';
import { delay, RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

// Plain-text peers are in the room from their first byte (an intended change: the first line used to be the name).
test('nc style (lines with newlines): greeting, seated as guest-N at the first byte, messages both ways', async (t) => {
  const { server, port, events } = await startServer({ room: 'Lab' });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const nc = await RawPlainClient.connect(port);
  assert.match(
    nc.text,
    /^TCPCHAT\/1 Lab — welcome! Plain-text users: type to chat \(as guest-N; \/name NAME or \/nick NAME picks a name\), or just listen\.\r\n$/,
  );
  nc.write('hello from nc\nsecond line\r\n');
  await nc.waitText(
    /\[\d\d:\d\d:\d\d\] \* Welcome to Lab, guest-\d+ \(127\.0\.0\.1:\d+\)! Here now: Server, Alice, guest-\d+\. Type \/help for commands\.\r\n/,
  );
  await alice.waitNotice(/^guest-\d+ \(127\.0\.0\.1:\d+\) joined\.$/);
  const first = (await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'hello from nc')).body;
  assert.match(first.from?.name ?? '', /^guest-\d+$/);
  assert.equal(first.from?.kind, 'plain');
  await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'second line');
  await waitFor(() => events.messages.find((m) => m.text === 'second line' && m.from.kind === 'plain'), 'host copy');
  alice.say('hi guest');
  await nc.waitText(/\[\d\d:\d\d:\d\d\] Alice: hi guest\r\n/);
  assert.doesNotMatch(nc.text, /hello from nc/, 'no echo of its own lines');
  alice.close();
  nc.close();
});

test('a client that sends no newline: its first pause-ended chunk is a message, relayed at once as guest-N', async (t) => {
  const { server, port, events } = await startServer({ plainPauseMs: 50 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const noNewline = await RawPlainClient.connect(port);
  noNewline.write('hello');
  const relayed = (await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'hello')).body;
  assert.match(relayed.from?.name ?? '', /^guest-\d+$/);
  noNewline.write('second message');
  await waitFor(() => events.messages.find((m) => m.text === 'second message'), 'second message');
  assert.deepEqual(
    events.messages.map((m) => [m.from.name, m.text]),
    [
      [relayed.from?.name, 'hello'],
      [relayed.from?.name, 'second message'],
    ],
  );
  noNewline.close();
  alice.close();
});

test('an empty first line makes a guest name; control characters from anyone are escaped for terminals', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const nc = await RawPlainClient.connect(port);
  nc.write('\n');
  await nc.waitText(/Welcome to Server, guest-\d+/);
  const evil = await RawNativeClient.join(port, 'Mallory');
  evil.say('\u001b[2J\u001b[31mfake\rServer: give me your password\u0007');
  await nc.waitText(/Mallory: \\x1b\[2J\\x1b\[31mfake\\rServer: give me your password\\x07\r\n/);
  assert.doesNotMatch(nc.text, /\u001b/);
  const hostCopy = await waitFor(() => events.messages.find((m) => m.from.name === 'Mallory'), 'host copy');
  assert.equal(
    hostCopy.text,
    '\u001b[2J\u001b[31mfake\rServer: give me your password\u0007',
    'the engine event carries the text as sent',
  );
  nc.close();
  evil.close();
});

test('plain commands: /msg, /name, /who, /help, unknown command, /quit', async (t) => {
  const { server, port } = await startServer({ seats: 2 });
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const nc = await RawPlainClient.join(port, 'Nina');
  const waiter = await RawPlainClient.join(port, 'Walt');
  nc.write('/msg alice just for you\n');
  const pm = (await alice.waitFrame(FrameType.Message, (f) => f.body.text === 'just for you')).body;
  assert.equal(typeof pm.to === 'object' && pm.to.name, 'Alice');
  alice.say('back at you', { to: 'Nina' });
  await nc.waitText(/Alice → you: back at you\r\n/);
  nc.write('/msg Walt you are waiting\n');
  await nc.waitText(/! Walt is waiting in line and cannot receive messages yet\./);
  nc.write('/msg Zed hello\n');
  await nc.waitText(/! No one named Zed is here\./);
  nc.write('/name Nora\n');
  await nc.waitText(/\* You are now Nora\./);
  await alice.waitNotice(/^Nina is now Nora\.$/);
  nc.write('/who\n');
  await nc.waitText(
    /Chatting \(3\): Server \(host\), Alice \(127\.0\.0\.1:\d+\), Nora \(127\.0\.0\.1:\d+\)\r\n {11}Waiting \(1\): #1 Walt/,
  );
  nc.write('/help\n');
  await nc.waitText(/\/msg NAME text/);
  assert.doesNotMatch(nc.text, /\/image PATH/, '/image is not offered to plain peers');
  assert.doesNotMatch(nc.text, /\/file PATH|\/accept|\/decline/, 'nor are the file commands');
  nc.write('/file notes.txt\n/accept 1\n');
  await waitFor(
    () => (nc.text.match(/! Files cannot be sent or received from a plain-text connection/g) ?? []).length === 2,
    'a note for each file command',
  );
  nc.write('/frobnicate\n');
  await nc.waitText(/! Unknown command \/frobnicate/);
  nc.write('/quit\n');
  await nc.waitText(/Goodbye!/);
  await nc.waitClosed();
  await alice.waitNotice(/^Nora left\.$/);
  alice.close();
  waiter.close();
});

test('a line over 16 KiB is cut with a notice; the part before the cut is delivered', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const nc = await RawPlainClient.join(port, 'Nina');
  nc.write(`${'x'.repeat(20_000)}\nafter\n`);
  await nc.waitText(/! Your line was longer than 16 KB; the rest of it was cut\./);
  await waitFor(() => events.messages.find((m) => m.text === 'after'), 'the next line');
  assert.equal(events.messages[0].text.length, 16 * 1024);
  nc.close();
});

test('a peer that half-closes after its last line without newline still gets it delivered', async (t) => {
  const { server, port, events } = await startServer({ plainPauseMs: 5000 });
  t.after(() => server.close());
  const nc = await RawPlainClient.join(port, 'Nina');
  nc.socket.end('bye without newline');
  await waitFor(() => events.messages.find((m) => m.text === 'bye without newline'), 'the last line', 2000);
  await waitFor(() => events.notices.find((n) => n.text === 'Nina left.'), 'leave notice');
});

test('/name and /nick rename a plain-text peer, announced to the room', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const alice = await RawNativeClient.join(port, 'Alice');
  const nc = await RawPlainClient.connect(port);
  nc.write('/name Zoe\n');
  await nc.waitText(/Welcome to Server, guest-\d+ \(/);
  await nc.waitText(/\* You are now Zoe\./);
  await alice.waitNotice(/^guest-\d+ is now Zoe\.$/);
  nc.write('/nick Zed\n');
  await nc.waitText(/\* You are now Zed\./);
  await alice.waitNotice(/^Zoe is now Zed\.$/);
  nc.close();
  alice.close();
});

test('a character-at-a-time telnet client (IAC negotiation, one key per packet) is not split into one-letter lines', async (t) => {
  const { server, port, events } = await startServer({ plainPauseMs: 30 });
  t.after(() => server.close());
  const telnet = await RawPlainClient.connect(port);
  telnet.write(Buffer.from([0xff, 0xfd, 0x03, 0xff, 0xfb, 0x18])); // IAC DO SUPPRESS-GO-AHEAD, IAC WILL TERMINAL-TYPE
  for (const key of ['B', 'o', 'b', '\r\n', 'h', 'i', '!', '\r\n']) {
    telnet.write(key);
    await delay(60);
  }
  await waitFor(() => events.messages.find((m) => m.text === 'hi!'), 'the typed line');
  assert.deepEqual(
    events.messages.map((m) => m.text),
    ['Bob', 'hi!'],
  );
  telnet.close();
});

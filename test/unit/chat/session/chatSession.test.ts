// ChatSession is wiring between any ChatEndpoint, the transcript and the UI. It is tested here against a small
// in-memory endpoint that fires the same typed events a ChatServer/ChatClient would: that isolates the session's
// own behaviour (logging, history, re-emitting, command dispatch). Real sockets are covered by the server tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {
  ChatEndpoint,
  ChatEvents,
  ChatMessage,
  EndpointState,
  Notice,
  OutgoingMessage,
  Peer,
  Roster,
} from '../../../../src/chat/core/events';
import { ChatError } from '../../../../src/chat/core/errors';
import { TypedEmitter } from '../../../../src/chat/core/typedEmitter';
import { ChatSession } from '../../../../src/chat/session/chatSession';
import { Transcript } from '../../../../src/chat/session/transcript';

const AT = new Date(2026, 10, 22, 10, 0, 0).getTime();
const me: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
const ann: Peer = { id: 1, name: 'ann', address: '127.0.0.1:50001', kind: 'native' };
const bob: Peer = { id: 2, name: 'bob', address: '127.0.0.1:50002', kind: 'plain' };
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

class FakeEndpoint extends TypedEmitter<{ [K in keyof ChatEvents]: ChatEvents[K] }> implements ChatEndpoint {
  readonly role = 'server';
  self: Peer | undefined = me;
  roster: Roster = { seats: 1, active: [me, ann], waiting: [bob], connections: 2 };
  state: EndpointState = 'listening';
  sent: OutgoingMessage[] = [];
  renames: string[] = [];
  sendError: Error | undefined;
  closedWith: (string | undefined)[] = [];

  fire<K extends keyof ChatEvents & string>(event: K, ...args: ChatEvents[K]): void {
    this.emit(event, ...args);
  }
  async send(message: OutgoingMessage): Promise<void> {
    if (this.sendError) throw this.sendError;
    this.sent.push(message);
  }
  rename(name: string): void {
    this.renames.push(name);
  }
  aways: (string | undefined)[] = [];
  setAway(reason: string | undefined): void {
    this.aways.push(reason);
  }
  acceptFile(): void {}
  declineFile(): void {}
  cancelTransfer(): void {}
  async close(reason?: string): Promise<void> {
    this.closedWith.push(reason);
    // A real endpoint reports its own shutdown while closing; the session must still log it.
    this.fire('notice', { at: AT, level: 'system', text: 'Server stopped' });
    this.fire('state', 'closed');
  }
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-session-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return { id: 'm1', at: AT, from: ann, text: 'hi', own: false, ...overrides };
}

function collect(session: ChatSession) {
  const seen: string[] = [];
  session.on('message', (m) => seen.push(`message:${m.text}`));
  session.on('notice', (n) => seen.push(`${n.level}:${n.text}`));
  session.on('roster', (r) => seen.push(`roster:${r.active.length}/${r.waiting.length}`));
  session.on('queue', (p) => seen.push(`queue:${p}`));
  session.on('state', (s) => seen.push(`state:${s}`));
  return seen;
}

test('re-emits every endpoint event in order and logs messages and notices', (t) => {
  const endpoint = new FakeEndpoint();
  const transcript = Transcript.open(tempDir(t), { now: AT });
  const session = new ChatSession(endpoint, { transcript });
  const seen = collect(session);
  endpoint.fire('state', 'listening');
  endpoint.fire('notice', { at: AT, level: 'info', text: 'ann joined' });
  endpoint.fire('message', message());
  endpoint.fire('roster', endpoint.roster);
  endpoint.fire('queue', 3);
  assert.deepEqual(seen, ['state:listening', 'info:ann joined', 'message:hi', 'roster:2/1', 'queue:3']);
  assert.deepEqual(fs.readFileSync(transcript.logFile, 'utf8').split('\n'), [
    '[10:00:00] [INFO] ann joined',
    '[10:00:00] ann (127.0.0.1:50001): hi',
    '',
  ]);
  assert.deepEqual(
    session.history.map((e) => e.kind),
    ['notice', 'message'],
  );
});

test('images are saved before listeners see the message; history keeps path and size, not bytes', (t) => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint, { transcript: Transcript.open(tempDir(t), { now: AT }) });
  let pathSeenByListener: string | undefined;
  session.on('message', (m) => {
    pathSeenByListener = m.image?.savedPath;
    assert.equal(m.image?.bytes.length, PNG.length, 'live listeners still get the bytes');
  });
  endpoint.fire('message', message({ image: { mime: 'image/png', bytes: PNG } }));
  assert.ok(pathSeenByListener && fs.readFileSync(pathSeenByListener).equals(PNG));
  const [entry] = session.history;
  assert.equal(entry.kind, 'message');
  if (entry.kind !== 'message') return;
  assert.equal(entry.message.image?.savedPath, pathSeenByListener);
  assert.equal(entry.message.image?.size, PNG.length);
  assert.equal(entry.message.image?.bytes.length, 0);
});

test('without a transcript, history keeps the image size and type but not its bytes (memory stays bounded)', () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint);
  let live: Buffer | undefined;
  session.on('message', (m) => {
    live = m.image?.bytes;
  });
  endpoint.fire('message', message({ image: { mime: 'image/png', bytes: PNG } }));
  const [entry] = session.history;
  assert.ok(live?.equals(PNG), 'live listeners still get the bytes');
  assert.ok(entry.kind === 'message' && entry.message.image?.bytes.length === 0);
  assert.equal(entry.message.image?.size, PNG.length);
  assert.equal(entry.message.image?.mime, 'image/png');
  assert.equal(entry.message.image?.savedPath, undefined);
  assert.equal(session.transcript, undefined);
});

test('history keeps the width and height the image declares, for a panel that opens late to size its thumbnail', () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint);
  const wide = Buffer.from(PNG);
  wide.writeUInt32BE(640, 16);
  wide.writeUInt32BE(480, 20);
  endpoint.fire('message', message({ image: { mime: 'image/png', bytes: wide } }));
  const [entry] = session.history;
  assert.ok(entry.kind === 'message');
  assert.equal(entry.message.image?.width, 640);
  assert.equal(entry.message.image?.height, 480);
});

test('history is bounded: the oldest entries are dropped first', () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint, { historyLimit: 3 });
  for (let i = 1; i <= 5; i++) endpoint.fire('message', message({ id: `m${i}`, text: `n${i}` }));
  assert.deepEqual(
    session.history.map((e) => (e.kind === 'message' ? e.message.text : '')),
    ['n3', 'n4', 'n5'],
  );
  const defaultSession = new ChatSession(new FakeEndpoint());
  for (let i = 0; i < 10005; i++)
    (defaultSession.endpoint as FakeEndpoint).fire('notice', { at: AT, level: 'info', text: `${i}` });
  assert.equal(defaultSession.history.length, 10000);
  assert.deepEqual(defaultSession.history[0], { kind: 'notice', notice: { at: AT, level: 'info', text: '5' } });
});

test('input: text and /msg are sent, /name renames, blank lines do nothing', async () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint);
  assert.deepEqual(await session.input('hello'), { kind: 'text', text: 'hello' });
  assert.deepEqual(await session.input('/msg bob psst'), { kind: 'msg', to: 'bob', text: 'psst' });
  assert.deepEqual(await session.input('//slash'), { kind: 'text', text: '/slash' });
  await session.input('/name New Name');
  await session.input('   ');
  assert.deepEqual(endpoint.sent, [{ text: 'hello' }, { to: 'bob', text: 'psst' }, { text: '/slash' }]);
  assert.deepEqual(endpoint.renames, ['New Name']);
  assert.deepEqual(session.history, []);
});

test('input: /who lists who chats and who waits, in order, as an info notice', async () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint);
  const seen = collect(session);
  await session.input('/who');
  assert.deepEqual(seen, ['info:Chatting (2, 1 seat): Server (you), ann\nWaiting (1): #1 bob']);
  endpoint.roster = { seats: 0, active: [me], waiting: [], connections: 0 };
  await session.input('/who');
  assert.equal(seen[1], 'info:Chatting (1, no seat limit): Server (you)\nWaiting: nobody');
});

test('input: /help shows the commands; mistakes become error notices and are logged', async (t) => {
  const endpoint = new FakeEndpoint();
  const transcript = Transcript.open(tempDir(t), { now: AT });
  const session = new ChatSession(endpoint, { transcript });
  const notices: Notice[] = [];
  session.on('notice', (n) => notices.push(n));
  await session.input('/help');
  assert.equal(await session.input('/msg bob').then((p) => p.kind), 'error');
  await session.input('/bogus');
  assert.match(notices[0].text, /^Commands:\n\/msg NAME text/);
  assert.deepEqual(
    notices.slice(1).map((n) => [n.level, n.code, n.text]),
    [
      ['error', 'bad-command', '/msg needs a name and a message: /msg NAME text'],
      [
        'error',
        'bad-command',
        'Unknown command /bogus. Commands: /msg, /me, /name, /who, /away, /back, /image, /file, /accept, /decline, /quit, /help (type // to send a line starting with /).',
      ],
    ],
  );
  assert.match(fs.readFileSync(transcript.logFile, 'utf8'), /\] \[ERROR\] Unknown command \/bogus\./);
  assert.equal(endpoint.sent.length, 0);
});

test('input: /image and /quit are handed back to the caller without acting', async () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint);
  assert.deepEqual(await session.input('/image cat.png'), { kind: 'image', path: 'cat.png' });
  assert.deepEqual(await session.input('/quit'), { kind: 'quit' });
  assert.deepEqual(endpoint.sent, []);
  assert.deepEqual(endpoint.closedWith, []);
});

test('send failures become error notices and reject; input resolves after showing them', async () => {
  const endpoint = new FakeEndpoint();
  const session = new ChatSession(endpoint);
  const notices: Notice[] = [];
  session.on('notice', (n) => notices.push(n));
  endpoint.sendError = new ChatError('unknown-recipient', 'Nobody called zed is in the room.');
  await assert.rejects(session.send({ to: 'zed', text: 'x' }), /Nobody called zed/);
  assert.deepEqual(await session.input('/msg zed hi'), { kind: 'msg', to: 'zed', text: 'hi' });
  endpoint.sendError = new Error('socket exploded');
  await session.input('hi');
  assert.deepEqual(
    notices.map((n) => [n.level, n.code, n.text]),
    [
      ['error', 'unknown-recipient', 'Nobody called zed is in the room.'],
      ['error', 'unknown-recipient', 'Nobody called zed is in the room.'],
      ['error', 'send-failed', 'socket exploded'],
    ],
  );
});

test('log failures become one error notice per streak; the chat goes on and recovery is announced', (t) => {
  const dir = path.join(tempDir(t), 'logs');
  const endpoint = new FakeEndpoint();
  const transcript = Transcript.open(dir, { now: AT });
  const session = new ChatSession(endpoint, { transcript });
  const seen = collect(session);
  fs.rmSync(dir, { recursive: true });
  endpoint.fire('message', message({ text: 'one' }));
  endpoint.fire('message', message({ text: 'two' }));
  endpoint.fire('notice', { at: AT, level: 'info', text: 'bob left' });
  fs.mkdirSync(dir);
  endpoint.fire('message', message({ text: 'three' }));
  assert.equal(seen.length, 6);
  assert.deepEqual(seen.slice(0, 2), [
    'message:one',
    `error:Could not write the chat log ${transcript.logFile}: ENOENT: no such file or directory, open '${transcript.logFile}'`,
  ]);
  assert.deepEqual(seen.slice(2, 5), ['message:two', 'info:bob left', 'message:three']);
  assert.equal(seen[5], `info:The chat log is being written again: ${transcript.logFile}`);
  const log = fs.readFileSync(transcript.logFile, 'utf8').split('\n');
  assert.deepEqual(log.slice(0, 2), ['[10:00:00] ann (127.0.0.1:50001): three', log[1]]);
  assert.match(log[1], /\] \[INFO\] The chat log is being written again/);
  assert.equal(session.history.filter((e) => e.kind === 'notice' && e.notice.level === 'error').length, 1);
});

test('close closes the endpoint, logs its last events, then stops listening and closes the log', async (t) => {
  const endpoint = new FakeEndpoint();
  const transcript = Transcript.open(tempDir(t), { now: AT });
  const session = new ChatSession(endpoint, { transcript });
  const seen = collect(session);
  await Promise.all([session.close('bye'), session.close('again')]);
  assert.deepEqual(endpoint.closedWith, ['bye'], 'idempotent');
  assert.deepEqual(seen, ['system:Server stopped', 'state:closed']);
  endpoint.fire('message', message({ text: 'late' }));
  assert.deepEqual(seen, ['system:Server stopped', 'state:closed'], 'no events after close');
  assert.equal(fs.readFileSync(transcript.logFile, 'utf8'), '[10:00:00] [SYSTEM] Server stopped\n');
});

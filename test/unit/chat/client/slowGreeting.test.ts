// A client given a room password expects a TCP Chat room. A busy server may greet late: the client must wait for the
// greeting instead of deciding "plain text" after the usual short silence, and must never chat in plain text with a
// password (no silent downgrade). Found by the soak: newcomers to a room under attack became plain-text clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { ChatServer } from '../../../../src/chat/server/chatServer';
import { ChatError } from '../../../../src/chat/core/errors';
import { within } from '../../support/clientHelpers';

/** A TCP proxy in front of `port` that holds the server's first bytes for `delayMs` (a busy server's late greeting). */
async function slowGreetingProxy(port: number, delayMs: number) {
  const sockets = new Set<Socket>();
  const proxy = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound);
    outbound.pause();
    setTimeout(() => outbound.pipe(inbound), delayMs);
    const end = () => (inbound.destroy(), outbound.destroy());
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

test('with a password, a greeting that comes after the plain-text silence still joins the room natively', async (t) => {
  const server = new ChatServer({ host: '127.0.0.1', port: 0, name: 'Host', password: 'pw' });
  const { port } = await server.listen();
  t.after(() => server.close());
  const proxy = await slowGreetingProxy(port, 700);
  t.after(() => proxy.close());
  const client = new ChatClient({
    host: '127.0.0.1',
    port: proxy.port,
    name: 'late',
    password: 'pw',
    reconnect: false,
    greetingTimeoutMs: 300,
  });
  t.after(() => client.close());
  await within(client.connect(), 8000, 'connect through the slow proxy');
  assert.equal(client.plainText, false, 'a late greeting must not turn a password client into a plain-text one');
  assert.equal(client.self?.name, 'late');
});

test('with a password, a silent server is refused with a sentence instead of a plain-text chat', async (t) => {
  const silent = createServer(() => undefined);
  const held = new Set<Socket>();
  silent.on('connection', (s) => held.add(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of held) s.destroy();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const client = new ChatClient({
    host: '127.0.0.1',
    port,
    name: 'careful',
    password: 'pw',
    reconnect: false,
    greetingTimeoutMs: 200,
    connectTimeoutMs: 800,
  });
  t.after(() => client.close());
  const error = await within(
    client.connect().then(
      () => undefined,
      (e: unknown) => e,
    ),
    5000,
    'the refusal',
  );
  assert.ok(error instanceof ChatError, `expected a ChatError, got ${String(error)} (plain text: ${client.plainText})`);
  assert.equal(error.code, 'plain-text-server');
  assert.match(error.message, /did not greet as a TCP Chat room .*password was not used/);
});

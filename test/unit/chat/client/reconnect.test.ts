// Reconnecting: the server goes away and comes back on the same port; the client backs off (1×, 2×, 4× the
// first delay, capped), says so, re-joins under the same name; close(), a kick, a wrong password and
// maxAttempts stop it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { ChatServer, type ServerOptions } from '../../../../src/chat/server/chatServer';
import { backoffDelay, reconnectPolicy } from '../../../../src/chat/client/connection/reconnect';
import { EventRecorder, within } from '../../support/clientHelpers';

type Cleanup = { after(fn: () => unknown): void };

async function serverOn(
  t: Cleanup,
  port: number,
  options: ServerOptions = {},
): Promise<{ server: ChatServer; port: number; host: EventRecorder }> {
  const server = new ChatServer({ host: '127.0.0.1', port, ...options });
  const host = new EventRecorder(server);
  const bound = await server.listen();
  t.after(() => server.close());
  return { server, port: bound.port, host };
}

const FAST = { initialDelayMs: 100, maxDelayMs: 400 };

test('backoff doubles from the first delay, is capped, and jitters by at most ±20 %', () => {
  const policy = reconnectPolicy({})!;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, () => 0.5)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000],
  );
  assert.equal(
    backoffDelay(2, policy, () => 0),
    1600,
  );
  assert.equal(
    backoffDelay(2, policy, () => 0.999999),
    2400,
  );
  assert.equal(
    backoffDelay(9, policy, () => 0.999999),
    30000,
    'jitter never goes above the cap',
  );
  assert.equal(reconnectPolicy(false), undefined);
  assert.equal(reconnectPolicy({ maxAttempts: 3 })!.maxAttempts, 3);
});

test('the server restarts on the same port: the client backs off, says so, and re-joins under its name', async (t) => {
  const first = await serverOn(t, 0, { name: 'Host' });
  const port = first.port;
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'ann', reconnect: FAST });
  const events = new EventRecorder(client);
  t.after(() => client.close());
  await within(client.connect(), 5000, 'first join');

  await first.server.close('restarting');
  await events.state('reconnecting');
  const lost = await events.notice((n) => n.code === 'disconnected', 'the lost notice');
  assert.match(lost.text, /^Disconnected from 127\.0\.0\.1:\d+ — the server said: restarting\.$/);
  await events.notice((n) => n.text === 'Connection lost — reconnecting in 0.1 s (attempt 1)', 'attempt 1 notice');
  // Nobody listens for a while: attempts fail and the delay grows.
  const second = await events.notice((n) => /\(attempt 2\)$/.test(n.text), 'attempt 2 notice', 3000);
  assert.match(
    second.text,
    new RegExp(
      `^Reconnect failed \\(Nobody is listening on 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\) — reconnecting in 0\\.2 s \\(attempt 2\\)$`,
    ),
  );
  await events.notice(
    (n) => /reconnecting in 0\.[345] s \(attempt 3\)$/.test(n.text),
    'attempt 3 with a longer delay',
    3000,
  );
  assert.equal(client.state, 'reconnecting');
  await assert.rejects(client.send({ text: 'anyone?' }), /reconnecting/);

  const again = await serverOn(t, port, { name: 'Host' });
  await events.notice(
    (n) => /^Connected to "Host" at 127\.0\.0\.1:\d+ as ann\.$/.test(n.text) && n.at > lost.at,
    'the re-join',
    5000,
  );
  assert.equal(client.state, 'active');
  assert.equal(client.self?.name, 'ann');
  await client.send({ text: 'back again' });
  const atHost = await again.host.message((m) => m.text === 'back again', 'the message on the new server');
  assert.equal(atHost.from.name, 'ann');
});

test('close() while reconnecting stops for good; maxAttempts gives up with a notice', async (t) => {
  const { server, port } = await serverOn(t, 0);
  const quitter = new ChatClient({ host: '127.0.0.1', port, name: 'q', reconnect: { initialDelayMs: 300 } });
  const limited = new ChatClient({
    host: '127.0.0.1',
    port,
    name: 'l',
    reconnect: { initialDelayMs: 50, maxDelayMs: 100, maxAttempts: 2 },
  });
  const quitterEvents = new EventRecorder(quitter);
  const limitedEvents = new EventRecorder(limited);
  t.after(() => Promise.all([quitter.close(), limited.close()]));
  await within(Promise.all([quitter.connect(), limited.connect()]), 5000, 'both join');
  await server.close();

  await quitterEvents.state('reconnecting');
  await quitter.close();
  assert.equal(quitter.state, 'closed');
  const noticesAtClose = quitterEvents.notices.length;

  const gaveUp = await limitedEvents.notice((n) => n.code === 'reconnect-failed', 'the give-up notice', 5000);
  assert.match(gaveUp.text, /^Gave up reconnecting to 127\.0\.0\.1:\d+ after 2 attempts\.$/);
  assert.equal(limited.state, 'closed');
  assert.equal(limitedEvents.notices.filter((n) => /\(attempt \d\)$/.test(n.text)).length, 2);

  // A server on the port again: the closed client must not come back.
  const back = await serverOn(t, port);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(back.server.roster.active.length, 1, 'only the host: no client reconnected');
  assert.equal(quitterEvents.notices.length, noticesAtClose, 'no notices after close()');
});

test('a kicked client does not come back, and a wrong password after a restart stops reconnecting', async (t) => {
  const { server, port } = await serverOn(t, 0);
  const kicked = new ChatClient({ host: '127.0.0.1', port, name: 'kim', reconnect: FAST });
  const kickedEvents = new EventRecorder(kicked);
  const locked = new ChatClient({ host: '127.0.0.1', port, name: 'lou', reconnect: FAST });
  const lockedEvents = new EventRecorder(locked);
  t.after(() => Promise.all([kicked.close(), locked.close()]));
  await within(Promise.all([kicked.connect(), locked.connect()]), 5000, 'both join');

  server.kick(kicked.self!.id, 'spam');
  await kickedEvents.state('closed');
  await kickedEvents.notice(
    (n) => n.code === 'kicked' && /removed from the room by the host: spam/.test(n.text),
    'the kick notice',
  );
  assert.equal(kickedEvents.states.includes('reconnecting'), false, 'never tried to reconnect');

  await server.close();
  await lockedEvents.state('reconnecting');
  await serverOn(t, port, { password: 'now-locked' });
  const refused = await lockedEvents.notice((n) => n.code === 'password-required', 'the password notice', 5000);
  assert.match(refused.text, /needs a password/);
  await lockedEvents.state('closed');
});

test('after a reconnect the client asks for the name the user chose, not the suffixed copy it had', async (t) => {
  const first = await serverOn(t, 0);
  const port = first.port;
  const original = new ChatClient({ host: '127.0.0.1', port, name: 'ann' });
  const second = new ChatClient({ host: '127.0.0.1', port, name: 'ann', reconnect: FAST });
  const events = new EventRecorder(second);
  t.after(() => Promise.all([original.close(), second.close()]));
  await within(original.connect(), 5000, 'the first ann');
  await within(second.connect(), 5000, 'the second ann');
  assert.equal(second.self?.name, 'ann-2');

  await first.server.close('restarting');
  await events.state('reconnecting');
  await serverOn(t, port);
  await events.notice((n) => / as ann\.$/.test(n.text), 'the re-join as plain "ann"', 5000);
  assert.equal(second.self?.name, 'ann', 'the first ann did not come back (no reconnect), so the chosen name is free');
});

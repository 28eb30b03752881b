// Limits per IP address, over real sockets (every test connects from 127.0.0.1, so the limits are set small through
// ServerOptions): open connections, new connections per second, messages from all of an address's connections
// together, and the wait after wrong passwords. Each refusal is one clear sentence to that peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../../src/chat/wire/frames';
import { delay, RawNativeClient, RawPlainClient, startServer, waitFor, type Recorded } from '../../../support/helpers';

function hostErrors(events: Recorded, code: string) {
  return events.notices.filter((n) => n.level === 'error' && n.code === code);
}

test('per address: over connectionsPerAddress, a newcomer from that address is told why and closed', async (t) => {
  const { server, port, events } = await startServer({ connectionsPerAddress: 3 });
  t.after(() => server.close());
  const members = [await RawPlainClient.join(port, 'a'), await RawPlainClient.join(port, 'b')];
  const native = await RawNativeClient.join(port, 'c');
  t.after(() => [...members, native].forEach((c) => c.close()));

  const nc = await RawPlainClient.connect(port);
  nc.write('d\n');
  await nc.waitText(/Sorry: Too many connections from your address \(3\); close one and try again\.\r\n/);
  await nc.waitClosed();
  await waitFor(() => hostErrors(events, 'too-many-connections').length >= 1, 'a host log line');
  assert.match(hostErrors(events, 'too-many-connections')[0].text, /^Refused 127\.0\.0\.1:\d+: .*3 connections/);

  // One closes: there is room again for that address.
  members[0].close();
  await waitFor(() => server.roster.connections === 2, 'the closed connection to be gone');
  const again = await RawPlainClient.join(port, 'e');
  t.after(() => again.close());
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Server', 'b', 'c', 'e'],
  );
});

test('per address: a native newcomer over the limit gets an Error frame too-many-connections', async (t) => {
  const { server, port } = await startServer({ connectionsPerAddress: 1 });
  t.after(() => server.close());
  const first = await RawNativeClient.join(port, 'first');
  t.after(() => first.close());
  const { ChatClient } = await import('../../../../../src/chat/client/chatClient');
  const second = new ChatClient({ host: '127.0.0.1', port, name: 'second' });
  await assert.rejects(second.connect(), {
    code: 'too-many-connections',
    message: /Too many connections from your address \(1\); close one and try again\./,
  });
  await second.close();
});

test('per address: connecting faster than connectRate is refused with a wait hint, then allowed again', async (t) => {
  const { server, port, events } = await startServer({ connectRate: { burst: 3, perSecond: 4 } });
  t.after(() => server.close());
  for (let i = 0; i < 3; i++) (await RawPlainClient.connect(port)).close();
  const fast = await RawPlainClient.connect(port);
  fast.write('x\n');
  await fast.waitText(/Sorry: You are connecting too fast from your address; try again in 1 s\.\r\n/);
  await fast.waitClosed();
  await waitFor(() => hostErrors(events, 'connecting-too-fast').length === 1, 'one host log line');
  await delay(400); // a token is back after 250 ms
  const later = await RawPlainClient.join(port, 'later');
  later.close();
});

test('per address: a churn of connect → one message → hang up cannot multiply the message rate', async (t) => {
  const { server, port } = await startServer({ addressRateLimit: { burst: 5, perSecond: 1 } });
  t.after(() => server.close());
  const listener = await RawNativeClient.join(port, 'listener');
  t.after(() => listener.close());
  for (let i = 0; i < 15; i++) {
    const churner = await RawPlainClient.guest(port);
    churner.write(`spam ${i}\n`);
    await delay(20);
    churner.close();
  }
  await delay(200);
  const spam = listener.messages().filter((m) => m.text.startsWith('spam '));
  assert.ok(spam.length >= 5 && spam.length <= 8, `about the address's burst got through (got ${spam.length} of 15)`);
  assert.equal(listener.closed, false);
});

test('wrong passwords: each one doubles the wait before the address may try again; a lockout is logged once', async (t) => {
  const { server, port, events } = await startServer({
    password: 'right',
    passwordBackoff: { firstMs: 200, maxMs: 1600 },
  });
  t.after(() => server.close());
  const attempt = async (password: string) => {
    const client = await RawNativeClient.connect(port);
    const sent = Date.now();
    client.hello('guesser', password);
    const frame = await client.waitFrame(FrameType.Error, () => true, 4000);
    await client.waitClosed();
    return { error: frame.body, ms: Date.now() - sent };
  };
  const first = await attempt('wrong1');
  assert.equal(first.error.code, 'bad-password');
  // Tried again at once: held until the wait is over (200 ms, then 400 ms), then checked.
  const second = await attempt('wrong2');
  assert.equal(second.error.code, 'bad-password');
  assert.ok(second.ms >= 150, `the second proof waited (${second.ms} ms)`);
  const third = await attempt('wrong3');
  assert.equal(third.error.code, 'bad-password');
  assert.ok(third.ms >= 300, `the third proof waited longer (${third.ms} ms)`);
  // Now 800 ms: too long to hold; refused at once with a clear hint — even the right password is not checked.
  for (const password of ['wrong4', 'right', 'wrong5']) {
    const locked = await attempt(password);
    assert.deepEqual(locked.error, {
      code: 'password-lockout',
      message: 'Too many wrong passwords from your address; try again in 1 s.',
      fatal: true,
    });
  }
  const lockouts = hostErrors(events, 'password-lockout');
  assert.equal(lockouts.length, 1, 'one host log line for the lockout, not one per attempt');
  assert.match(
    lockouts[0].text,
    /^Password attempts from 127\.0\.0\.1 are refused for 1 s: 3 wrong passwords in a row\.$/,
  );
  assert.equal(hostErrors(events, 'bad-password').length, 3);
  // After the wait the right password gets in.
  await delay(900);
  const good = await RawNativeClient.join(port, 'member', 'right');
  good.close();
  assert.equal(server.roster.active.length, 2);
});

// Abuse of connections by peers that mean harm: slowloris (silent or dribbling sockets), floods, too many
// connections, password guessing. Each is refused clearly and the room carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { connect } from 'node:net';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';

import { CLIENT_PREAMBLE } from '../../../src/chat/wire/handshake';
import { encodeFrame } from '../../../src/chat/wire/codec';
import { FrameType } from '../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, delay, startServer, waitFor } from '../support/helpers';
import { honestClient, textsFrom } from '../support/adversarial';

/** Raw socket that records whether the server closed it. */
async function rawSocket(port: number) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const state = { closed: false, text: '' };
  socket.on('data', (d) => (state.text += d.toString('latin1')));
  socket.on('close', () => (state.closed = true));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, state };
}

test(
  'abuse: slowloris — 1-byte-per-second dribblers are dropped after the handshake timeout; a silent socket listens',
  { timeout: 30_000 },
  async (t) => {
    const { server, port, events } = await startServer({ name: 'Host', handshakeTimeoutMs: 500 });
    t.after(() => server.close());
    const honest = await honestClient(port, 'honest');
    t.after(() => honest.client.close());

    const silent = await rawSocket(port);
    const preambleDribbler = await rawSocket(port); // a byte of "TCPCHAT/1\n" per second
    const helloDribbler = await rawSocket(port); // full preamble, then the Hello a byte per second
    await waitFor(() => helloDribbler.state.text.includes('\n'), 'the greeting');
    helloDribbler.socket.write(CLIENT_PREAMBLE);
    const hello = encodeFrame({ type: FrameType.Hello, body: { v: 1, name: 'slow' } });
    let stop = false;
    const dribble = (async () => {
      for (let i = 0; i < 20 && !stop; i++) {
        if (!preambleDribbler.state.closed)
          preambleDribbler.socket.write(
            CLIENT_PREAMBLE.subarray(i % CLIENT_PREAMBLE.length, (i % CLIENT_PREAMBLE.length) + 1),
          );
        if (!helloDribbler.state.closed) helloDribbler.socket.write(hello.subarray(i, i + 1));
        await delay(1000);
      }
    })();
    t.after(() => {
      stop = true;
      return dribble;
    });

    for (const [what, peer] of [
      ['preamble dribbler', preambleDribbler],
      ['hello dribbler', helloDribbler],
    ] as const) {
      await waitFor(() => peer.state.closed, `the ${what} to be dropped`, 5000);
    }
    stop = true;
    assert.ok(events.notices.filter((n) => n.code === 'handshake-timeout').length >= 2, 'each drop is in the host log');
    // A socket that sends nothing at all is an nc that only listens: seated, within the limits per address.
    assert.match(silent.state.text, /Welcome to Host, guest-\d+/, 'a silent nc user is a listener');
    assert.equal(silent.state.closed, false);
    assert.deepEqual(
      server.roster.active.map((p) => p.name).slice(0, 2),
      ['Host', 'honest'],
      'none of the dribblers got into the room',
    );
    assert.equal(server.roster.active.length, 3, 'the honest member and the listener');
    silent.socket.destroy();
    await waitFor(() => server.roster.connections === 1, 'only the honest connection left');
    // The honest member never noticed.
    const late = await honestClient(port, 'late');
    await late.client.send({ text: 'hi' });
    await honest.seen.message((m) => m.text === 'hi', 'a message after the slowloris');
    await late.client.close();
  },
);

test('abuse: a flood from one client is rate-limited with a notice while the others keep chatting', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', rateLimit: { burst: 10, perSecond: 5 } });
  t.after(() => server.close());
  const alice = await honestClient(port, 'alice');
  const bob = await honestClient(port, 'bob');
  t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
  const flooder = await RawNativeClient.join(port, 'flooder');
  const plainFlooder = await RawPlainClient.join(port, 'plainflood');
  await delay(300); // its /name took a token of its burst (a plain peer picks its name after joining): refilled

  for (let i = 0; i < 300; i++) flooder.say(`spam ${i}`);
  plainFlooder.write(Array.from({ length: 300 }, (_, i) => `junk ${i}\n`).join(''));
  await flooder.waitNotice(/Slow down/);
  await plainFlooder.waitText(/Slow down/);
  assert.equal(flooder.of(FrameType.Notice).find((f) => /Slow down/.test(f.body.text))?.body.code, 'rate-limited');
  assert.ok(
    events.notices.some((n) => n.code === 'rate-limited' && /flooder/.test(n.text)),
    'the host log says who was limited',
  );

  // Meanwhile, the honest pair talks normally.
  const said: string[] = [];
  for (let i = 0; i < 5; i++) {
    said.push(`honest ${i}`);
    await alice.client.send({ text: `honest ${i}` });
  }
  await waitFor(() => textsFrom(bob.seen, 'alice').length === said.length, 'all honest messages');
  assert.deepEqual(textsFrom(bob.seen, 'alice'), said);
  // Of 300 spam lines each, only about the burst got through (plus what the bucket refilled meanwhile).
  const spam = textsFrom(bob.seen, 'flooder').length;
  const junk = textsFrom(bob.seen, 'plainflood').length;
  assert.ok(spam >= 10 && spam < 30, `flooder got ${spam} of 300 through`);
  assert.ok(junk >= 10 && junk < 30, `plain flooder got ${junk} of 300 through`);
  assert.equal(server.state, 'listening');
  flooder.close();
  plainFlooder.close();
});

test('abuse: the connection limit refuses newcomers clearly, in their own language', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', maxConnections: 3 });
  t.after(() => server.close());
  const members = await Promise.all(['a', 'b', 'c'].map((n) => honestClient(port, n)));
  t.after(() => Promise.all(members.map((m) => m.client.close())));

  const extra = new ChatClient({ host: '127.0.0.1', port, name: 'd' });
  await assert.rejects(extra.connect(), (error: unknown) => {
    assert.ok(error instanceof ChatError);
    assert.match(error.message, /full \(3 connections\)/);
    return true;
  });
  await extra.close();
  const nc = await rawSocket(port);
  nc.socket.write('mallory\n');
  await waitFor(() => nc.state.closed, 'the plain newcomer closed');
  assert.match(nc.state.text, /Sorry: The server is full \(3 connections\); try again later\./);
  assert.ok(events.notices.filter((n) => n.code === 'connection-limit').length >= 2);
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Host', 'a', 'b', 'c'],
  );

  // A storm of 200 connects at the limit: all refused or dropped, the server stays up, members unaffected.
  const storm = await Promise.all(Array.from({ length: 200 }, () => rawSocket(port)));
  await waitFor(() => storm.every((s) => s.state.closed), 'the storm refused', 10_000);
  await members[0].client.send({ text: 'still fine' });
  await members[1].seen.message((m) => m.text === 'still fine', 'a message after the storm');
  assert.equal(server.roster.connections, 3);
});

test('abuse: wrong passwords, repeated, never get in and never crash the server', async (t) => {
  // Fifteen guesses in a row from one address: the wait after wrong passwords (perAddress.test.ts) is off here.
  const { server, port, events } = await startServer({
    name: 'Host',
    password: 'correct horse',
    passwordBackoff: false,
  });
  t.after(() => server.close());
  for (let i = 0; i < 15; i++) {
    const guess = new ChatClient({ host: '127.0.0.1', port, name: `guess${i}`, password: `wrong${i}` });
    await assert.rejects(guess.connect(), (e: unknown) => e instanceof ChatError && e.code === 'bad-password');
    await guess.close();
  }
  // Hand-made proofs: missing, empty, not hex, absurdly long, the password itself in clear.
  for (const proof of [undefined, '', 'zz', 'f'.repeat(200), 'correct horse']) {
    const raw = await RawNativeClient.connect(port);
    raw.send({ type: FrameType.Hello, body: { v: 1, name: 'forger', proof } });
    const error = await raw.waitFrame(FrameType.Error);
    assert.equal(error.body.fatal, true);
    await raw.waitClosed();
  }
  // nc cannot answer a challenge: told so and closed.
  const nc = await rawSocket(port);
  nc.socket.write('nc-user\n');
  await waitFor(() => nc.state.closed, 'the plain peer closed');
  assert.match(nc.state.text, /needs a password/);

  assert.equal(server.state, 'listening');
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Host'],
    'nobody got in',
  );
  // Every failure is accounted for in the host log: a line each, or (throttled) a "…and N more" summary.
  const turnedAway = () =>
    events.notices
      .filter((n) => n.code === 'bad-password')
      .reduce((sum, n) => sum + Number(/^…and (\d+) more/.exec(n.text)?.[1] ?? 1), 0);
  await waitFor(
    () => turnedAway() >= 15,
    () => `15 wrong passwords in the host log (have ${turnedAway()})`,
    3000,
  );
  const member = new ChatClient({ host: '127.0.0.1', port, name: 'member', password: 'correct horse' });
  await member.connect();
  assert.equal(member.state, 'active');
  await member.close();
});

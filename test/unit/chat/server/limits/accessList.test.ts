// Who may connect: --allow / --deny address ranges (IPv4 and IPv6, IPv4-mapped IPv6 as IPv4) and the host's ban,
// first as pure checks with addresses a test cannot connect from, then over real sockets on 127.0.0.x.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ChatClient } from '../../../../../src/chat/client/chatClient';
import { AccessList, parseCidr } from '../../../../../src/chat/server/limits/accessList';
import { resolveServerOptions } from '../../../../../src/chat/server/options';
import { FrameType } from '../../../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../../support/helpers';

test('parseCidr: IPv4 and IPv6 ranges and single addresses; anything else is one sentence', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
  assert.deepEqual(parseCidr(' 192.168.1.7 '), { address: '192.168.1.7', prefix: 32, family: 'ipv4' });
  assert.deepEqual(parseCidr('FD00::/8'), { address: 'fd00::', prefix: 8, family: 'ipv6' });
  assert.deepEqual(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
  assert.deepEqual(parseCidr('::ffff:10.1.2.3/32'), { address: '10.1.2.3', prefix: 32, family: 'ipv4' });
  assert.deepEqual(parseCidr('10.0.0.0/33'), {
    error: '"10.0.0.0/33": the part after / must be a whole number from 0 to 32.',
  });
  assert.deepEqual(parseCidr('fd00::/129'), {
    error: '"fd00::/129": the part after / must be a whole number from 0 to 128.',
  });
  for (const bad of ['lab.example', '10.0.0/8', '10.0.0.0/8/1', '', 'fe80::1%eth0'])
    assert.deepEqual(parseCidr(bad), {
      error: `"${bad}" is not an IP address range (e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8).`,
    });
  assert.match((parseCidr('10.0.0.0/x') as { error: string }).error, /whole number from 0 to 32/);
});

test('AccessList: deny wins, allow limits, bans last; IPv4-mapped IPv6 counts as IPv4', () => {
  const open = new AccessList([], []);
  assert.equal(open.check('203.0.113.9'), undefined, 'no lists: everyone');
  const list = new AccessList(['10.0.0.0/8', 'fd00::/8'], ['10.66.0.0/16']);
  assert.equal(list.check('10.1.2.3'), undefined);
  assert.equal(list.check('::ffff:10.1.2.3'), undefined, 'IPv4-mapped IPv6 is the IPv4 address');
  assert.equal(list.check('fd12::5'), undefined);
  assert.deepEqual(list.check('192.168.0.4'), {
    code: 'address-refused',
    message: 'Your address may not join this room.',
    why: 'its address is outside the allowed ranges (10.0.0.0/8, fd00::/8).',
  });
  assert.equal(list.check('2001:db8::1')?.code, 'address-refused');
  assert.deepEqual(list.check('::FFFF:10.66.4.4'), {
    code: 'address-refused',
    message: 'Your address may not join this room.',
    why: 'its address is in a denied range (10.66.0.0/16).',
  });
  list.ban('::ffff:10.9.9.9');
  list.ban('fd00::bad');
  assert.deepEqual(list.check('10.9.9.9'), {
    code: 'banned',
    message: 'You are banned from this room.',
    why: 'its address was banned by the host.',
  });
  assert.equal(list.check('FD00::BAD')?.code, 'banned');
  assert.equal(list.check('10.9.9.10'), undefined, 'a ban is one address, not its neighbours');
  assert.equal(list.check('not an address')?.code, 'address-refused', 'an unreadable address is not allowed in');
});

test('allow / deny in ServerOptions: a range that cannot be read is a bad-option sentence', () => {
  assert.deepEqual(resolveServerOptions({}).allow, []);
  assert.deepEqual(resolveServerOptions({ deny: ['10.0.0.0/8'] }).deny, ['10.0.0.0/8']);
  assert.throws(() => resolveServerOptions({ allow: ['10.0.0.0/40'] }), {
    code: 'bad-option',
    message: 'Server option allow: "10.0.0.0/40": the part after / must be a whole number from 0 to 32.',
  });
  assert.throws(() => resolveServerOptions({ deny: ['lab'] }), {
    code: 'bad-option',
    message: 'Server option deny: "lab" is not an IP address range (e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8).',
  });
  assert.throws(() => resolveServerOptions({ deny: '10.0.0.0/8' as unknown as string[] }), {
    code: 'bad-option',
    message: 'Server option deny must be a list of ranges.',
  });
});

test('deny 127.0.0.0/8: a plain-text peer gets one line and is closed, our client an address-refused error', async (t) => {
  const { server, port, events } = await startServer({ deny: ['127.0.0.0/8'] });
  t.after(() => server.close());
  const nc = await RawPlainClient.connect(port);
  t.after(() => nc.close());
  nc.write('ann\n');
  await nc.waitText(/Sorry: Your address may not join this room\.\r\n/);
  await nc.waitClosed();
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'bob' });
  t.after(() => client.close());
  await assert.rejects(client.connect(), { code: 'address-refused', message: 'Your address may not join this room.' });
  await waitFor(() => events.notices.filter((n) => n.code === 'address-refused').length >= 2, 'the host log lines');
  const log = events.notices.find((n) => n.code === 'address-refused');
  assert.match(log?.text ?? '', /^Refused 127\.0\.0\.1:\d+: its address is in a denied range \(127\.0\.0\.0\/8\)\.$/);
  assert.equal(server.roster.active.length, 1, 'nobody joined');
});

test('allow 10.0.0.0/8 only: 127.0.0.1 is refused', async (t) => {
  const { server, port } = await startServer({ allow: ['10.0.0.0/8'] });
  t.after(() => server.close());
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'ann' });
  t.after(() => client.close());
  await assert.rejects(client.connect(), { code: 'address-refused' });
});

test('ban: every connection from that address is closed with a line, the room is told, reconnects are refused', async (t) => {
  const { server, port, events } = await startServer({ joinLeaveNotices: { perInterval: 100, intervalMs: 1000 } });
  t.after(() => server.close());
  const eve = await RawNativeClient.join(port, 'eve', undefined, '127.0.0.2');
  const eveToo = await RawPlainClient.join(port, 'eve2'); // 127.0.0.1: another address, stays
  const friend = await RawNativeClient.join(port, 'ann');
  t.after(() => [eve, eveToo, friend].forEach((c) => c.close()));
  const second = await RawNativeClient.join(port, 'eve-again', undefined, '127.0.0.2');
  t.after(() => second.close());
  const id = server.roster.active.find((p) => p.name === 'eve')?.id as number;

  server.ban(id, 'spam');
  for (const conn of [eve, second]) {
    const error = await conn.waitFrame(FrameType.Error);
    assert.deepEqual(error.body, {
      code: 'banned',
      message: 'You were banned from the room by the host: spam',
      fatal: true,
    });
    await conn.waitClosed();
  }
  await friend.waitNotice(/^eve was banned by the host: spam$/);
  await friend.waitNotice(/^eve-again was banned by the host: spam$/);
  await waitFor(() => server.roster.active.length === 3, 'the banned two gone from the roster');
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Server', 'eve2', 'ann'],
  );

  // Back from the banned address (as nc would): one line, then closed.
  const again = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
  t.after(() => again.destroy());
  let heard = '';
  again.on('data', (d) => (heard += d));
  again.on('error', () => undefined);
  again.write('eve\n');
  await waitFor(() => again.readableEnded || again.destroyed, 'the refused reconnect to close', 5000);
  assert.match(heard, /Sorry: You are banned from this room\.\r\n$/);
  await waitFor(() => events.notices.some((n) => n.code === 'banned'), 'the host log line for the refused reconnect');
  assert.match(
    events.notices.find((n) => n.code === 'banned')?.text ?? '',
    /^Refused 127\.0\.0\.2:\d+: its address was banned/,
  );
  assert.throws(() => server.ban(12345), { code: 'unknown-peer' });
});

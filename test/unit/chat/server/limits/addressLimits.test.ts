// AddressLimits on its own, with made-up addresses and a made-up clock: what one address does never limits another,
// IPv4-mapped IPv6 is the same address as plain IPv4, and memory stays bounded however many addresses come by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddressLimits,
  normalizeIp,
  type AddressLimitOptions,
} from '../../../../../src/chat/server/limits/addressLimits';

const OFF: AddressLimitOptions = {
  connectionsPerAddress: 1000,
  connectRate: false,
  addressRateLimit: false,
  passwordBackoff: false,
};

test('addresses: IPv4-mapped IPv6 is plain IPv4; IPv6 is compared in lower case', () => {
  assert.equal(normalizeIp('::ffff:192.168.1.20'), '192.168.1.20');
  assert.equal(normalizeIp('::FFFF:10.0.0.1'), '10.0.0.1');
  assert.equal(normalizeIp('FE80::1'), 'fe80::1');
  assert.equal(normalizeIp('10.0.0.5'), '10.0.0.5');
});

test('connections per address: the limit bites one address while another connects freely', () => {
  const limits = new AddressLimits({ ...OFF, connectionsPerAddress: 2 });
  const a = [{}, {}, {}];
  assert.deepEqual(limits.admit(a[0], '10.0.0.1', 0), { ok: true });
  assert.deepEqual(limits.admit(a[1], '::ffff:10.0.0.1', 0), { ok: true }, 'the same address, written as IPv6');
  const refused = limits.admit(a[2], '10.0.0.1', 0);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.code, 'too-many-connections');
  assert.equal(!refused.ok && refused.message, 'Too many connections from your address (2); close one and try again.');
  for (let i = 0; i < 2; i++) assert.deepEqual(limits.admit({}, '10.0.0.2', 0), { ok: true }, 'another address');
  limits.closed(a[0]);
  assert.deepEqual(limits.admit(a[2], '10.0.0.1', 0), { ok: true }, 'room again once one closed');
  limits.closed(a[0]); // twice: counted once
  assert.equal(limits.admit({}, '10.0.0.1', 0).ok, false);
});

test('connect rate per address: a burst, then refused with a wait hint; other addresses unaffected', () => {
  const limits = new AddressLimits({ ...OFF, connectRate: { burst: 2, perSecond: 0.5 } });
  const open = (ip: string, now: number) => {
    const key = {};
    const verdict = limits.admit(key, ip, now);
    limits.closed(key);
    return verdict;
  };
  assert.equal(open('10.0.0.1', 0).ok, true);
  assert.equal(open('10.0.0.1', 0).ok, true);
  const fast = open('10.0.0.1', 0);
  assert.equal(!fast.ok && fast.code, 'connecting-too-fast');
  assert.equal(!fast.ok && fast.message, 'You are connecting too fast from your address; try again in 2 s.');
  assert.equal(open('10.0.0.9', 0).ok, true, 'another address');
  assert.equal(open('10.0.0.1', 1000).ok, false, 'half a token back');
  assert.equal(open('10.0.0.1', 2000).ok, true);
});

test('message rate per address: shared by all its connections; each is told once per mute, the host once', () => {
  const limits = new AddressLimits({ ...OFF, addressRateLimit: { burst: 3, perSecond: 1 } });
  const [k1, k2, k3, other] = [{}, {}, {}, {}];
  limits.admit(k1, '10.0.0.1', 0);
  limits.admit(k2, '10.0.0.1', 0);
  limits.admit(k3, '10.0.0.1', 0);
  limits.admit(other, '10.0.0.2', 0);
  assert.deepEqual(limits.message(k1, 0), { ok: true });
  assert.deepEqual(limits.message(k1, 0), { ok: true });
  assert.deepEqual(limits.message(k2, 0), { ok: true });
  assert.deepEqual(limits.message(k3, 0), { ok: false, tell: true, log: true, muteSeconds: 3 });
  assert.deepEqual(limits.message(k3, 0), { ok: false, tell: false, log: false, muteSeconds: 3 });
  assert.deepEqual(limits.message(k1, 10), { ok: false, tell: true, log: false, muteSeconds: 3 });
  assert.deepEqual(limits.message(other, 10), { ok: true }, 'another address');
  assert.deepEqual(limits.message(k2, 3100), { ok: true }, 'after the mute');
});

test('wrong proofs: the address waits 1 s, 2 s, 4 s … before its next proof; short waits are held, long refused', () => {
  const limits = new AddressLimits({ ...OFF, passwordBackoff: { firstMs: 1000, maxMs: 8000 } });
  const a = {};
  const b = {};
  limits.admit(a, '10.0.0.1', 0);
  limits.admit(b, '10.0.0.2', 0);
  assert.deepEqual(limits.proof(a, 0), { kind: 'check' });
  assert.deepEqual(limits.proofFailed(a, 0), { failures: 1, waitMs: 1000 });
  assert.deepEqual(limits.proof(a, 0), { kind: 'hold', ms: 1000 }, 'a little early: waits');
  assert.deepEqual(limits.proof(b, 0), { kind: 'check' }, 'another address is never held back');
  assert.deepEqual(limits.proof(a, 1000), { kind: 'check' });
  assert.deepEqual(limits.proofFailed(a, 1000), { failures: 2, waitMs: 2000 });
  assert.deepEqual(limits.proof(a, 1000), { kind: 'hold', ms: 2000 });
  assert.deepEqual(limits.proofFailed(a, 3000), { failures: 3, waitMs: 4000 });
  assert.deepEqual(limits.proof(a, 3000), { kind: 'refuse', seconds: 4, failures: 3, log: true });
  assert.deepEqual(limits.proof(a, 4000), { kind: 'refuse', seconds: 3, failures: 3, log: false }, 'logged once');
  assert.deepEqual(limits.proof(b, 4000), { kind: 'check' });
  assert.deepEqual(limits.proofFailed(a, 7000), { failures: 4, waitMs: 8000 });
  assert.deepEqual(limits.proofFailed(a, 15_000), { failures: 5, waitMs: 8000 }, 'capped at maxMs');
  assert.equal(limits.proof(a, 16_000).kind, 'refuse');
  assert.equal(limits.proof(a, 23_000).kind, 'check');
  limits.proofPassed(a);
  assert.deepEqual(limits.proof(a, 23_000), { kind: 'check' }, 'the right password clears the count');
  assert.deepEqual(limits.proofFailed(a, 23_000), { failures: 1, waitMs: 1000 });
  // Long quiet after the wait: the count is forgotten.
  assert.deepEqual(limits.proofFailed(a, 23_000 + 1000 + 8000 + 1), { failures: 1, waitMs: 1000 });
});

test('memory: tracked addresses are capped and expire; an address with open connections is never forgotten', () => {
  const limits = new AddressLimits({ ...OFF, connectionsPerAddress: 1, connectRate: { burst: 5, perSecond: 1 } }, 100);
  const keep = {};
  assert.equal(limits.admit(keep, '10.9.9.9', 0).ok, true);
  for (let i = 0; i < 1000; i++) {
    const key = {};
    limits.admit(key, `10.0.${i >> 8}.${i & 255}`, i);
    limits.closed(key, i);
    assert.ok(limits.trackedAddresses <= 100, `at most 100 tracked (${limits.trackedAddresses})`);
  }
  assert.equal(limits.admit({}, '10.9.9.9', 1000).ok, false, 'the open connection still counts');
  limits.closed(keep, 1000);
  limits.admit({}, '10.1.1.1', 60_000);
  assert.ok(limits.trackedAddresses <= 2, `idle addresses expire (${limits.trackedAddresses} tracked)`);
});

test('options: defaults that leave room for a classroom behind one NAT; nonsense refused with a sentence', async () => {
  const { resolveServerOptions } = await import('../../../../../src/chat/server/options');
  const d = resolveServerOptions();
  assert.equal(d.connectionsPerAddress, 32);
  assert.deepEqual(d.connectRate, { burst: 32, perSecond: 2 });
  assert.deepEqual(d.addressRateLimit, { burst: 60, perSecond: 30 }, '3 × the per-connection limit');
  assert.deepEqual(d.passwordBackoff, { firstMs: 1000, maxMs: 60_000 });
  assert.deepEqual(d.joinLeaveNotices, { perInterval: 8, intervalMs: 2000 });
  assert.equal(d.idlePlainDisplaceMs, 300_000);
  assert.equal(resolveServerOptions({ rateLimit: false }).addressRateLimit, false, 'off with the per-connection one');
  assert.deepEqual(resolveServerOptions({ rateLimit: { burst: 2, perSecond: 1 } }).addressRateLimit, {
    burst: 6,
    perSecond: 3,
  });
  const refused: Array<[object, RegExp]> = [
    [{ connectionsPerAddress: 0 }, /^Server option connectionsPerAddress must be a whole number ≥ 1, not 0\.$/],
    [{ connectRate: { burst: 0, perSecond: 1 } }, /^Server option connectRate needs a whole burst ≥ 1/],
    [{ addressRateLimit: { burst: 5, perSecond: 0 } }, /^Server option addressRateLimit needs/],
    [{ passwordBackoff: { firstMs: 2000, maxMs: 1000 } }, /^Server option passwordBackoff needs .* maxMs ≥ firstMs/],
    [{ joinLeaveNotices: { perInterval: 0, intervalMs: 100 } }, /^Server option joinLeaveNotices needs/],
    [{ idlePlainDisplaceMs: -1 }, /^Server option idlePlainDisplaceMs must be a whole number ≥ 0 or false, not -1\.$/],
  ];
  for (const [options, message] of refused) {
    assert.throws(() => resolveServerOptions(options), { code: 'bad-option', message }, JSON.stringify(options));
  }
});

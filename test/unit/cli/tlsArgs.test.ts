// The TLS flags of tcp-chat as pure functions: what serve and connect take, what does not fit together, and the
// per-user config folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseCli, UsageError } from '../../../src/cli/args';
import { configDir } from '../../../src/cli/tlsSetup';

const FP = 'AB:'.repeat(31) + 'CD';

test('serve: TLS flags appear in the command only when given', () => {
  assert.equal('tls' in parseCli(['serve']), false);
  assert.deepEqual((parseCli(['serve', '--no-tls']) as { tls?: object }).tls, { noTls: true });
  assert.deepEqual((parseCli(['serve', '--require-tls', '--tls-dir', 'd']) as { tls?: object }).tls, {
    requireTls: true,
    tlsDir: 'd',
  });
  assert.deepEqual((parseCli(['serve', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']) as { tls?: object }).tls, {
    tlsCert: 'c.pem',
    tlsKey: 'k.pem',
  });
  for (const [args, pattern] of [
    [['serve', '--no-tls', '--tls-dir', 'd'], /--no-tls cannot be combined/],
    [['serve', '--tls-key', 'k.pem'], /go together/],
    [['serve', '--tls-dir', 'd', '--tls-cert', 'c', '--tls-key', 'k'], /either --tls-dir or --tls-cert/],
    [['connect', 'h', '--tls-dir', 'd'], /does not apply to "tcp-chat connect"/],
    [['serve', '--fingerprint', FP], /does not apply to "tcp-chat serve"/],
  ] as const)
    assert.throws(
      () => parseCli([...args]),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    );
});

test('connect: the fingerprint from the address or --fingerprint (the same one, if both), the known-hosts file', () => {
  const plain = parseCli(['connect', 'h:1']);
  assert.equal('fingerprint' in plain || 'knownHosts' in plain, false);
  assert.equal((parseCli(['connect', `h:1#sha256=${FP}`]) as { fingerprint?: string }).fingerprint, FP);
  const flags = parseCli(['connect', 'h:1', '--fingerprint', FP.toLowerCase(), '--known-hosts', 'k']);
  assert.deepEqual(
    [(flags as { fingerprint?: string }).fingerprint, (flags as { knownHosts?: string }).knownHosts],
    [FP, 'k'],
  );
  const other = '00:'.repeat(31) + '00';
  assert.throws(() => parseCli(['connect', `h:1#sha256=${FP}`, '--fingerprint', other]), /another fingerprint/);
  assert.throws(() => parseCli(['connect', 'h:1', '--fingerprint', 'nope']), /not a SHA-256 fingerprint/);
});

test('the per-user config folder: XDG_CONFIG_HOME, else ~/.config, %APPDATA% on Windows', () => {
  assert.equal(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u'), path.join('/x', 'tcp-chat'));
  assert.equal(configDir({}, 'linux', '/home/u'), path.join('/home/u', '.config', 'tcp-chat'));
  assert.equal(configDir({ APPDATA: 'C:\\A' }, 'win32', 'C:\\U'), path.join('C:\\A', 'tcp-chat'));
});

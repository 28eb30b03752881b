// tcp-chat serve/connect with encryption, end to end: the fingerprint in the listening line, trust on first use
// into the known-hosts file (second use silent), the certificate kept across restarts (key file mode 0600), a
// changed certificate and a room on record served without TLS both refused with exit code 1, the address form,
// and "Not encrypted" said when the room has no TLS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from '../support/clientHelpers';
import { run, serve, tempDir } from './cliProcess';

const FINGERPRINT = /certificate fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/;

async function fingerprintOf(server: Awaited<ReturnType<typeof serve>>['server']): Promise<string> {
  return (await server.until(FINGERPRINT, 'the fingerprint in the listening line'))[1];
}

test('serve prints its fingerprint; connect trusts it on first use, then silently; /who shows 🔒 and (plain)', async (t) => {
  const cwd = tempDir(t);
  const tlsDir = path.join(cwd, 'room-tls');
  const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Hub', '--tls-dir', tlsDir]);
  const fingerprint = await fingerprintOf(server);
  assert.equal(fs.statSync(path.join(tlsDir, 'key.pem')).mode & 0o777, 0o600, 'the private key is the owner’s only');
  const knownHosts = path.join(cwd, 'known');
  const args = ['connect', `127.0.0.1:${port}`, '--no-log', '--known-hosts', knownHosts];
  const ann = run(t, [...args, '--name', 'ann'], cwd);
  await ann.until(/First connection to 127\.0\.0\.1:\d+: trusting its certificate ([0-9A-F:]+)/, 'the first use line');
  assert.ok(ann.stdout().includes(fingerprint));
  await ann.until(/Encrypted \(TLS\); the room's certificate is/, 'the encrypted line');
  assert.match(fs.readFileSync(knownHosts, 'utf8'), new RegExp(`^127\\.0\\.0\\.1:${port} ${fingerprint}$`, 'm'));
  const nc = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--name', 'bob', '--known-hosts', knownHosts], cwd);
  await nc.until(/Encrypted \(TLS\)/, 'bob in');
  assert.doesNotMatch(nc.stdout(), /First connection/, 'the second use is silent');
  const plainPeer = net.connect(port, '127.0.0.1', () => plainPeer.write('/name cy\n'));
  plainPeer.on('error', () => undefined);
  t.after(() => plainPeer.destroy());
  await server.until(/cy \(127\.0\.0\.1:\d+\) joined|is now cy/, 'the plain-text peer in');
  server.child.stdin.write('/who\n');
  await server.until(/ann 🔒/, 'ann marked encrypted in /who');
  await server.until(/cy \(plain\)/, 'the plain-text peer marked unencrypted in /who');
  ann.child.stdin.end();
  nc.child.stdin.end();
  assert.equal(await ann.exited(), 0);
});

test('the certificate survives a restart; a changed one is refused naming both (exit 1); the address form pins', async (t) => {
  const cwd = tempDir(t);
  const port = await freePort();
  const tlsDir = path.join(cwd, 'room-tls');
  const serveArgs = ['--no-log', '--tls-dir', tlsDir];
  const first = run(t, ['serve', '--port', String(port), ...serveArgs], cwd);
  const fingerprint = (await first.until(FINGERPRINT, 'the first fingerprint'))[1];
  const knownHosts = path.join(cwd, 'known');
  const connect = (extra: string[] = [], address = `127.0.0.1:${port}`) =>
    run(t, ['connect', address, '--no-log', '--known-hosts', knownHosts, ...extra], cwd);
  const ann = connect();
  await ann.until(/Encrypted/, 'ann in');
  ann.child.stdin.end();
  assert.equal(await ann.exited(), 0);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited(), 0);

  const again = run(t, ['serve', '--port', String(port), ...serveArgs], cwd);
  assert.equal((await again.until(FINGERPRINT, 'the fingerprint after a restart'))[1], fingerprint);
  const pinned = connect([], `127.0.0.1:${port}#sha256=${fingerprint.toLowerCase()}`);
  await pinned.until(/Encrypted/, 'the address form joins');
  pinned.child.stdin.end();
  assert.equal(await pinned.exited(), 0);
  again.child.kill('SIGTERM');
  assert.equal(await again.exited(), 0);

  const other = run(t, ['serve', '--port', String(port), '--no-log', '--tls-dir', path.join(cwd, 'other-tls')], cwd);
  const otherFingerprint = (await other.until(FINGERPRINT, 'another certificate'))[1];
  assert.notEqual(otherFingerprint, fingerprint);
  const refused = connect();
  assert.equal(await refused.exited(), 1);
  assert.match(refused.stderr(), /^tcp-chat: The certificate of 127\.0\.0\.1:\d+ changed: expected /);
  assert.ok(refused.stderr().includes(fingerprint) && refused.stderr().includes(otherFingerprint));
  const wrongAddress = connect(['--fingerprint', fingerprint], `127.0.0.1:${port}`);
  assert.equal(await wrongAddress.exited(), 1);
  other.child.kill('SIGTERM');
  assert.equal(await other.exited(), 0);

  const plain = run(t, ['serve', '--port', String(port), '--no-log', '--no-tls'], cwd);
  await plain.until(/not encrypted \(TLS off\)/, 'the unencrypted listening line');
  const downgrade = connect();
  assert.equal(await downgrade.exited(), 1);
  assert.match(downgrade.stderr(), /is trusted with an encrypted connection .* not connecting/);
  const fresh = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--known-hosts', path.join(cwd, 'none')], cwd);
  await fresh.until(/Not encrypted: this room does not offer TLS/, 'not encrypted, said clearly');
  fresh.child.stdin.end();
  assert.equal(await fresh.exited(), 0);
});

test('TLS flags that do not fit together are usage errors (exit 2)', async (t) => {
  const cwd = tempDir(t);
  for (const args of [
    ['serve', '--no-tls', '--require-tls'],
    ['serve', '--tls-cert', 'a.pem'],
    ['connect', '127.0.0.1:1', '--fingerprint', 'AB:CD'],
    ['connect', '127.0.0.1:1#sha256=nothex'],
  ]) {
    const cli = run(t, args, cwd);
    assert.equal(await cli.exited(), 2, `exit code for ${args.join(' ')}: ${cli.stderr()}`);
  }
  const missing = run(t, ['serve', '--port', '0', '--no-log', '--tls-cert', 'no.pem', '--tls-key', 'no.key'], cwd);
  assert.equal(await missing.exited(), 1);
  assert.match(missing.stderr(), /Cannot read the room's certificate or key/);
});

// The room's identity and the trusted rooms as data: a certificate made once and read back (same fingerprint,
// key mode 0600), its fingerprint equal to what openssl prints, the address form, and the known-hosts format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addressWithFingerprint, parseAddress, parseFingerprint } from '../../../../src/chat/core/address';
import { ChatError } from '../../../../src/chat/core/errors';
import { certificateFingerprint, serialNumber } from '../../../../src/chat/tls/certificate';
import { loadOrCreateIdentity, readIdentityFiles } from '../../../../src/chat/tls/identityFiles';
import { FrameType } from '../../../../src/chat/wire/frames';
import { checkBody } from '../../../../src/chat/wire/validation';
import { formatKnownHosts, KnownHosts, knownHostsFile, parseKnownHosts } from '../../../../src/chat/tls/knownHosts';

function tempDir(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a certificate made on first use is kept: the same fingerprint next time, the key readable by its owner only', async (t) => {
  const dir = path.join(tempDir(t), 'tls');
  const made = await loadOrCreateIdentity(dir);
  assert.equal(made.created, true);
  assert.equal(fs.statSync(path.join(dir, 'key.pem')).mode & 0o777, 0o600);
  const again = await loadOrCreateIdentity(dir);
  assert.equal(again.created, false);
  assert.equal(certificateFingerprint(again.certPem), certificateFingerprint(made.certPem));
  const openssl = spawnSync(
    'openssl',
    ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(dir, 'cert.pem')],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(openssl.stdout.trim(), `sha256 Fingerprint=${certificateFingerprint(made.certPem)}`);
  const key = spawnSync('openssl', ['pkey', '-noout', '-text', '-in', path.join(dir, 'key.pem')], { encoding: 'utf8' });
  assert.match(key.stdout, /ASN1 OID: prime256v1/, 'an ECDSA P-256 key');
  assert.throws(
    () => readIdentityFiles(path.join(dir, 'key.pem'), path.join(dir, 'key.pem')),
    (e: unknown) => e instanceof ChatError && e.code === 'tls-identity',
  );
});

test('fingerprints and the address form: HOST:PORT#sha256=FP, colons optional, any case', () => {
  const fp = 'AB:'.repeat(31) + 'CD';
  assert.equal(parseFingerprint(fp.toLowerCase().replace(/:/g, '')), fp);
  assert.equal(parseFingerprint(`SHA256:${fp}`), fp);
  assert.ok('error' in (parseFingerprint('AB:CD') as object));
  assert.deepEqual(parseAddress(`192.168.1.10:5000#sha256=${fp.toLowerCase()}`, 65432), {
    host: '192.168.1.10',
    port: 5000,
    fingerprint: fp,
  });
  assert.deepEqual(parseAddress(addressWithFingerprint('::1', 7, fp), 65432), {
    host: '::1',
    port: 7,
    fingerprint: fp,
  });
  assert.deepEqual(parseAddress(`lan.example#sha256=${fp}`, 65432), {
    host: 'lan.example',
    port: 65432,
    fingerprint: fp,
  });
  assert.match((parseAddress('h:1#sha256=zz', 1) as { error: string }).error, /not a SHA-256 fingerprint/);
});

test('a roster peer’s encrypted mark from the wire must be true or false', () => {
  const peer = { id: 1, name: 'ann', address: 'a', kind: 'native' };
  const roster = (p: object) => ({ seats: 0, active: [p], waiting: [], connections: 1 });
  assert.equal(checkBody(FrameType.Roster, roster({ ...peer, encrypted: true })), undefined);
  assert.equal(checkBody(FrameType.Roster, roster(peer)), undefined);
  assert.match(String(checkBody(FrameType.Roster, roster({ ...peer, encrypted: 'yes' }))), /encrypted/);
});

test('known hosts: one line per room, comments kept out, trust and forget through any store', (t) => {
  const fp = '01:'.repeat(31) + '02';
  const text = `# a comment\n\n127.0.0.1:65432 ${fp}\n[::1]:5000 ${fp.toLowerCase()}\nbroken line\n`;
  assert.deepEqual(
    [...parseKnownHosts(text)],
    [
      ['127.0.0.1:65432', fp],
      ['[::1]:5000', fp],
    ],
  );
  assert.deepEqual(parseKnownHosts(formatKnownHosts(parseKnownHosts(text))), parseKnownHosts(text));
  const file = path.join(tempDir(t), 'sub', 'known_hosts');
  const hosts = new KnownHosts(knownHostsFile(file));
  assert.equal(hosts.get('127.0.0.1:1'), undefined);
  hosts.trust('127.0.0.1:1', fp);
  assert.equal(new KnownHosts(knownHostsFile(file)).get('127.0.0.1:1'), fp);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(hosts.forget('127.0.0.1:1'), true);
  assert.equal(hosts.forget('127.0.0.1:1'), false);
  assert.equal(hosts.get('127.0.0.1:1'), undefined);
});

test('certificate serials are positive and minimally encoded whatever the random bytes (OpenSSL refuses padding)', () => {
  for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
    const random = new Uint8Array(16).fill(first);
    const serial = serialNumber(random);
    assert.ok(
      serial[0] >= 0x40 && serial[0] <= 0x7f,
      `first byte ${serial[0].toString(16)} from ${first.toString(16)}`,
    );
    assert.equal(serial.length, 16);
    assert.deepEqual(serial.subarray(1), random.subarray(1), 'the rest stays random');
  }
});

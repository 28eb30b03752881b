// Trust on first use, like SSH: a new room's fingerprint is remembered, the second connection is silent, a
// changed certificate is refused naming both, a man in the middle is refused (and even when trusted by mistake,
// cannot relay the password proof), and a room on record is never used without TLS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ChatError } from '../../../../src/chat/core/errors';
import { ChatServer } from '../../../../src/chat/server/chatServer';
import { serverSecureContext, TLS_HANDSHAKE_BYTE } from '../../../../src/chat/tls/tunnel';
import { certificateFingerprint } from '../../../../src/chat/tls/certificate';
import { startBroadcastRoomServer, within } from '../../support/clientHelpers';
import { identity, join, knownHosts, newClient, tlsRoom, type Cleanup } from './support';

function refusedWith(code: string, ...parts: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof ChatError, String(error));
    assert.equal(error.code, code, error.message);
    for (const part of parts) assert.ok(error.message.includes(part), `${JSON.stringify(part)} in ${error.message}`);
    return true;
  };
}

test('first use is asked and remembered, the second is silent, a changed certificate is refused naming both', async (t) => {
  const { port, fingerprint } = await tlsRoom(t);
  const where = `127.0.0.1:${port}`;
  const hosts = knownHosts();
  const asked: string[] = [];
  const trustNew = (fp: string, at: string) => (asked.push(`${at} ${fp}`), true);
  const first = await join(t, port, 'ann', { tls: { knownHosts: hosts, trustNew } });
  assert.deepEqual(asked, [`${where} ${fingerprint}`]);
  assert.equal(hosts.get(where), fingerprint);
  await first.client.close();
  const second = await join(t, port, 'ann', { tls: { knownHosts: hosts, trustNew } });
  assert.equal(asked.length, 1, 'not asked again');
  assert.equal(second.client.fingerprint, fingerprint);

  const other = await identity('another room');
  const otherFingerprint = certificateFingerprint(other.certPem);
  const impostor = await tlsRoom(t, { tls: other });
  hosts.trust(`127.0.0.1:${impostor.port}`, fingerprint); // as if the room had that address before
  const changed = newClient(t, impostor.port, 'ann', { tls: { knownHosts: hosts, trustNew } });
  await assert.rejects(
    within(changed.client.connect(), 6000, 'refused'),
    refusedWith('fingerprint-changed', fingerprint, otherFingerprint),
  );
  assert.equal(asked.length, 1);
  assert.equal(hosts.get(`127.0.0.1:${impostor.port}`), fingerprint, 'the record is kept');
});

test('a refused first use (Cancel) does not connect and remembers nothing', async (t) => {
  const { port } = await tlsRoom(t);
  const hosts = knownHosts();
  const no = newClient(t, port, 'ann', { tls: { knownHosts: hosts, trustNew: () => false } });
  await assert.rejects(within(no.client.connect(), 6000, 'refused'), refusedWith('not-trusted'));
  assert.equal(hosts.all().size, 0);
});

test('an address with a fingerprint: the right one joins (and is remembered), a wrong one is refused', async (t) => {
  const { port, fingerprint } = await tlsRoom(t);
  const hosts = knownHosts();
  await join(t, port, 'ann', { tls: { fingerprint, knownHosts: hosts, trustNew: () => assert.fail('not asked') } });
  assert.equal(hosts.get(`127.0.0.1:${port}`), fingerprint);
  const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
  const bad = newClient(t, port, 'bob', { tls: { fingerprint: wrong } });
  await assert.rejects(within(bad.client.connect(), 6000, 'refused'), refusedWith('fingerprint-changed', wrong));
});

test('no downgrade: a room on record that answers without TLS is refused (old server, plain-text server)', async (t) => {
  const plainServer = new ChatServer({ host: '127.0.0.1', port: 0 });
  const { port } = await plainServer.listen();
  t.after(() => plainServer.close());
  const fingerprint = certificateFingerprint((await identity()).certPem);
  const hosts = knownHosts(`127.0.0.1:${port} ${fingerprint}\n`);
  const client = newClient(t, port, 'ann', { tls: { knownHosts: hosts } });
  await assert.rejects(within(client.client.connect(), 6000, 'refused'), refusedWith('not-encrypted', fingerprint));

  const room = await startBroadcastRoomServer();
  t.after(() => room.close());
  const viaAddress = newClient(t, room.port, 'ann', { tls: { fingerprint }, connectTimeoutMs: 1500 });
  await assert.rejects(within(viaAddress.client.connect(), 8000, 'refused'), refusedWith('not-encrypted'));
});

test('a TLS room without a record, joined without known hosts, is pinned for the reconnect', async (t) => {
  const { port, fingerprint } = await tlsRoom(t);
  const ann = await join(t, port, 'ann');
  assert.equal(ann.client.fingerprint, fingerprint);
  assert.equal((ann.client.options.tls as { fingerprint?: string }).fingerprint, fingerprint);
});

/**
 * A man in the middle: relays the unencrypted greeting, then ends the client's TLS with its own certificate and
 * starts its own TLS to the real room, relaying what it decrypts both ways.
 */
async function mitmProxy(t: Cleanup, target: number): Promise<number> {
  const context = serverSecureContext(await identity('mallory'));
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    const plainDown = (d: Buffer) => client.write(d);
    upstream.on('data', plainDown);
    client.once('data', (chunk) => {
      upstream.off('data', plainDown);
      if (chunk[0] !== TLS_HANDSHAKE_BYTE) {
        upstream.write(chunk);
        client.pipe(upstream);
        upstream.pipe(client);
        return;
      }
      client.pause();
      client.unshift(chunk);
      const down = new tls.TLSSocket(client, { isServer: true, secureContext: context });
      const up = tls.connect({ socket: upstream, rejectUnauthorized: false });
      for (const s of [down, up]) s.on('error', () => undefined);
      down.pipe(up);
      up.pipe(down);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    proxy.close();
  });
  return (proxy.address() as net.AddressInfo).port;
}

test('a man in the middle with its own certificate is refused; trusted by mistake, its relayed proof still fails', async (t) => {
  const { port, fingerprint, host } = await tlsRoom(t, { password: 'hunter2' });
  const proxyPort = await mitmProxy(t, port);
  const mallory = certificateFingerprint((await identity('mallory')).certPem);
  const pinned = newClient(t, proxyPort, 'ann', { password: 'hunter2', tls: { fingerprint } });
  await assert.rejects(
    within(pinned.client.connect(), 6000, 'refused'),
    refusedWith('fingerprint-changed', fingerprint, mallory),
  );
  // The user trusts the proxy's certificate (first use, no record): the TLS sessions differ, so the proof does.
  const fooled = newClient(t, proxyPort, 'ann', { password: 'hunter2', tls: { trustNew: () => true } });
  await assert.rejects(within(fooled.client.connect(), 6000, 'refused'), refusedWith('bad-password'));
  assert.equal(fooled.client.fingerprint, mallory, 'it did talk TLS with the proxy');
  await host.notice((n) => n.code === 'bad-password', 'the host sees a wrong password');
  // The same client straight to the room gets in: the password itself was right.
  await join(t, port, 'ann', { password: 'hunter2' });
});

test('a Trust question answered after a person’s pause still joins natively under the client’s name', async (t) => {
  // The editor's Trust question is a modal a person reads: seconds, not the listener pause after which a silent
  // socket counts as a plain-text peer that only listens.
  const { port, server } = await tlsRoom(t);
  const slowYes = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1500));
  const ann = await within(
    newClient(t, port, 'ann', { tls: { knownHosts: knownHosts(), trustNew: slowYes } }).client.connect(),
    8000,
    'ann to join after a slow Trust',
  ).then(() => server.roster.active.find((p) => p.name === 'ann'));
  assert.equal(ann?.kind, 'native', JSON.stringify(server.roster.active));
  assert.equal(ann?.encrypted, true);
});

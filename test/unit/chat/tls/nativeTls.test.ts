// Our client and server over TLS on the same port as unencrypted peers: text and images byte-identical, the
// roster marks who is encrypted, the password proof inside TLS, and old clients (no TLS) still joining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatServer } from '../../../../src/chat/server/chatServer';
import { certificateFingerprint } from '../../../../src/chat/tls/certificate';
import { bigPng, within } from '../../support/clientHelpers';
import { RawPlainClient } from '../../support/helpers';
import { identity, join, tlsRoom } from './support';

test('native over TLS: text and a large image arrive byte-identical; the roster marks encrypted members', async (t) => {
  const { port, host, fingerprint } = await tlsRoom(t);
  assert.equal(fingerprint, certificateFingerprint((await identity()).certPem));
  assert.match(fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  await host.notice((n) => n.text.includes(`certificate fingerprint ${fingerprint}`), 'the listening line');
  const ann = await join(t, port, 'ann');
  const bob = await join(t, port, 'bob');
  assert.equal(ann.client.fingerprint, fingerprint);
  await ann.client.send({ text: 'secret hello' });
  await bob.events.message((m) => m.text === 'secret hello' && m.from.name === 'ann', 'the text at bob');
  const image = bigPng(3 * 1024 * 1024 + 17);
  await ann.client.send({ image });
  const got = await bob.events.message((m) => m.image !== undefined, 'the image at bob', 15_000);
  assert.ok(got.image!.bytes.equals(image), 'the image arrives byte-identical through TLS');
  const roster = ann.client.roster.active;
  assert.deepEqual(
    roster.filter((p) => p.kind === 'native').map((p) => [p.name, p.encrypted]),
    [
      ['ann', true],
      ['bob', true],
    ],
  );
});

test('a client without TLS (like an older version) and plain nc still join a TLS room, marked unencrypted', async (t) => {
  const { server, port, host } = await tlsRoom(t);
  const old = await join(t, port, 'old', { tls: false });
  assert.equal(old.client.fingerprint, undefined);
  const ann = await join(t, port, 'ann');
  const nc = await RawPlainClient.connect(port);
  t.after(() => nc.close());
  nc.write('hi from nc\n');
  await ann.events.message((m) => m.text === 'hi from nc', 'nc’s line at ann');
  await old.client.send({ text: 'old but fine' });
  await ann.events.message((m) => m.text === 'old but fine', 'the old client’s text at ann');
  await host.message((m) => m.text === 'old but fine', 'the host');
  const byName = new Map(server.roster.active.map((p) => [p.name, p.encrypted === true]));
  assert.equal(byName.get('old'), false);
  assert.equal(byName.get('ann'), true);
  assert.equal([...byName].filter(([name, enc]) => name.startsWith('guest') && !enc).length, 1);
});

test('the password proof inside TLS is bound to the session; a wrong password is still refused', async (t) => {
  const { port } = await tlsRoom(t, { password: 'hunter2' });
  const ann = await join(t, port, 'ann', { password: 'hunter2' });
  assert.ok(ann.client.fingerprint);
  const { ChatClient } = await import('../../../../src/chat/client/chatClient');
  const eve = new ChatClient({ host: '127.0.0.1', port, name: 'eve', password: 'nope', connectTimeoutMs: 5000 });
  t.after(() => eve.close());
  await assert.rejects(within(eve.connect(), 6000, 'eve refused'), (e: Error & { code?: string }) => {
    return e.code === 'bad-password';
  });
});

test('engine default: no TLS option, no TLS (greeting without the marker, no wait)', async (t) => {
  const server = new ChatServer({ host: '127.0.0.1', port: 0 });
  const { port } = await server.listen();
  t.after(() => server.close());
  assert.equal(server.fingerprint, undefined);
  const started = Date.now();
  const nc = await RawPlainClient.connect(port);
  t.after(() => nc.close());
  assert.ok(Date.now() - started < 200, 'greeted at once');
  assert.doesNotMatch(nc.text, /\[tls\]/);
});

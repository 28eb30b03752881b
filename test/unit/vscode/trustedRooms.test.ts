// The extension's Trust decisions without the editor (its modal cannot be answered in the extension-host tests):
// the known hosts kept in a global-state stand-in, the question asked once per new room and its answer obeyed,
// a fingerprint from the address accepted unasked; and the view models saying "not encrypted" and marking members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';
import type { Peer } from '../../../src/chat/core/events';
import { ChatServer } from '../../../src/chat/server/chatServer';
import { createIdentity } from '../../../src/chat/tls/certificate';
import type { SessionInfo } from '../../../src/vscode/chatController';
import { sessionHeader, sessionStatus, toRosterView } from '../../../src/vscode/panel/viewModel';
import { announcedHint, clientTls, knownHostsIn } from '../../../src/vscode/encryption/trustedRooms';

function memento() {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => void values.set(key, value),
  } as const;
}

test('Trust: asked once per new room and remembered in the global state; Cancel refuses; the address form is not asked', async (t) => {
  const server = new ChatServer({ host: '127.0.0.1', port: 0, tls: await createIdentity() });
  const { port } = await server.listen();
  t.after(() => server.close());
  const state = memento();
  const asked: string[] = [];
  const log: string[] = [];
  const connect = async (answer: boolean, fingerprint?: string) => {
    const ask = async (fp: string) => (asked.push(fp), answer);
    const tls = clientTls(knownHostsIn(state), fingerprint, ask, (line) => log.push(line));
    const client = new ChatClient({ host: '127.0.0.1', port, name: 'ann', tls, connectTimeoutMs: 5000 });
    t.after(() => client.close());
    await client.connect();
    return client;
  };
  await assert.rejects(connect(false), (e: unknown) => e instanceof ChatError && e.code === 'not-trusted');
  assert.deepEqual([asked.length, state.values.size], [1, 0]);
  const trusted = await connect(true);
  assert.equal(trusted.fingerprint, server.fingerprint);
  assert.equal(asked.length, 2);
  assert.match(
    String(state.values.get('tcpChat.knownHosts')),
    new RegExp(`127\\.0\\.0\\.1:${port} ${server.fingerprint}`),
  );
  await connect(true);
  assert.equal(asked.length, 2, 'a trusted room is not asked about again');
  state.values.clear();
  await connect(true, server.fingerprint);
  assert.equal(asked.length, 2, 'an address that carries the fingerprint needs no question');
  assert.ok(log.some((line) => line.startsWith('Trusted 127.0.0.1:') && line.includes(server.fingerprint!)));
});

test('view models: the header and status say "not encrypted"; in a TLS room every member is marked', () => {
  const endpoint = { state: 'active', roster: { seats: 0, active: [], waiting: [], connections: 1 }, self: undefined };
  const info = (fingerprint: string | undefined) =>
    ({
      role: 'client',
      session: { endpoint, transcript: undefined },
      address: '127.0.0.1:1',
      port: 1,
      lanAddresses: [],
      queuePosition: () => null,
      fingerprint: () => fingerprint,
    }) as unknown as SessionInfo;
  assert.equal(sessionStatus(info(undefined)), 'connected · not encrypted');
  assert.equal(sessionStatus(info('AB')), 'connected');
  const plain = sessionHeader(info(undefined), { dir: '/logs' });
  assert.deepEqual([plain.encrypted, plain.fingerprint], [false, undefined]);
  const secure = sessionHeader(info('AB:CD'), { dir: '/logs' });
  assert.deepEqual([secure.encrypted, secure.fingerprint], [true, 'AB:CD']);
  assert.equal(sessionHeader(undefined, { dir: '/logs' }).encrypted, undefined);

  const host: Peer = { id: 0, name: 'Host', address: 'host', kind: 'host' };
  const ann: Peer = { id: 1, name: 'ann', address: 'a', kind: 'native', encrypted: true };
  const nc: Peer = { id: 2, name: 'guest-1', address: 'b', kind: 'plain' };
  const view = toRosterView({ seats: 0, active: [host, ann, nc], waiting: [], connections: 2 });
  assert.deepEqual(
    view.active.map((p) => p.encrypted),
    [undefined, true, false],
  );
  const noTls = toRosterView({ seats: 0, active: [host, { ...nc }], waiting: [], connections: 1 });
  assert.equal(noTls.active[1].encrypted, undefined, 'a room without TLS marks nobody');
});

test('a fingerprint announced on the network is a hint in the Trust question: same, different, or none', () => {
  const fp = 'AB:CD:EF:01';
  assert.equal(announcedHint(fp, undefined), '');
  assert.match(announcedHint(fp, 'abcdef01'), /announced this same fingerprint on the network\. That is only a hint/);
  const other = announcedHint(fp, '00:11:22:33');
  assert.match(other, /^\n\nWarning: the room announced a different fingerprint on the network \(00:11:22:33\)/);
});

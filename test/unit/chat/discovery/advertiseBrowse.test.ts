// The advertiser and the browser talking real multicast DNS — inside a private network namespace that has only
// its loopback (support/privateNetwork.ts re-runs this file there; nothing is sent on a real interface).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { advertiseEndpoint } from '../../../../src/chat/discovery/advertiseEndpoint';
import { RoomAdvertiser, type AdvertiserOptions } from '../../../../src/chat/discovery/advertiser';
import { ChatServer } from '../../../../src/chat/server/chatServer';
import { RoomBrowser, type DiscoveredRoom } from '../../../../src/chat/discovery/browser';
import type { RoomDescription } from '../../../../src/chat/discovery/txtRecord';
import { PROTOCOL_VERSION } from '../../../../src/chat/wire/handshake';
import { within } from '../../support/clientHelpers';
import { inPrivateNetwork } from '../../support/privateNetwork';

interface Cleanup {
  after(fn: () => unknown): void;
}

const ROOM: RoomDescription = { name: 'Ms Lee', port: 40001, seats: 10, chatting: 2, waiting: 1, password: true };

function advertiser(t: Cleanup, room: Partial<RoomDescription> = {}, options: Partial<AdvertiserOptions> = {}) {
  const a = new RoomAdvertiser(
    { ...ROOM, ...room },
    { listenHost: '127.0.0.1', protocolVersion: PROTOCOL_VERSION, ...options },
  );
  t.after(() => a.stop());
  return a;
}

async function browser(t: Cleanup): Promise<RoomBrowser & { seen: DiscoveredRoom[][] }> {
  const b = Object.assign(new RoomBrowser({ interfaces: [{ name: 'lo', address: '127.0.0.1' }] }), {
    seen: [] as DiscoveredRoom[][],
  });
  b.on('rooms', (rooms) => b.seen.push(rooms));
  t.after(() => b.stop());
  await b.start();
  return b;
}

/** Resolves with the list once `match` holds for it (checked now and at every change). */
function listWhere(b: RoomBrowser, match: (rooms: DiscoveredRoom[]) => boolean, ms: number, what: string) {
  return within(
    new Promise<DiscoveredRoom[]>((resolve) => {
      const check = (rooms: DiscoveredRoom[]) => {
        if (!match(rooms)) return;
        b.off('rooms', check);
        resolve(rooms);
      };
      b.on('rooms', check);
      check(b.rooms);
    }),
    ms,
    () => `${what}; the browser has ${JSON.stringify(b.rooms)}`,
  );
}

if (inPrivateNetwork(__filename)) {
  test('a room appears within 2 s with its TXT: version, seats, counts, password, TLS, fingerprint, topic', async (t) => {
    const b = await browser(t);
    const started = Date.now();
    await advertiser(t, { tls: true, fingerprint: 'ab:cd:01', topic: 'Fractions, week 3' }).start();
    const [room] = await listWhere(b, (r) => r.length === 1, 2000, 'the room');
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(room, {
      name: 'Ms Lee',
      host: '127.0.0.1',
      port: 40001,
      version: PROTOCOL_VERSION,
      seats: 10,
      chatting: 2,
      waiting: 1,
      password: true,
      tls: true,
      fingerprint: 'AB:CD:01',
      topic: 'Fractions, week 3',
    });
  });

  test('a browser started after the room finds it by asking', async (t) => {
    const a = advertiser(t);
    const advertised = new Promise((resolve) => a.once('advertised', resolve));
    await a.start();
    await within(advertised, 2000, 'the announcement');
    const b = await browser(t);
    await listWhere(b, (r) => r.length === 1 && r[0].name === 'Ms Lee', 2000, 'the room, asked for');
  });

  test('counts update, at most once per update interval: quick changes arrive as one, the latest', async (t) => {
    const b = await browser(t);
    const a = advertiser(t, { chatting: 0 }, { updateInterval: 1000 });
    await a.start();
    await listWhere(b, (r) => r[0]?.chatting === 0, 2000, 'the room with 0 chatting');
    for (const chatting of [1, 2, 3]) a.update({ ...ROOM, chatting, waiting: 4 });
    const [room] = await listWhere(b, (r) => r[0]?.chatting === 3, 3000, 'the room with 3 chatting');
    assert.equal(room.waiting, 4);
    const counts = b.seen.filter((rooms) => rooms.length === 1).map((rooms) => rooms[0].chatting);
    assert.deepEqual([...new Set(counts)], [0, 3], 'the intermediate counts were never sent');
  });

  test('a stopped room disappears within 1 s (goodbye records, TTL 0)', async (t) => {
    const b = await browser(t);
    const a = advertiser(t);
    await a.start();
    await listWhere(b, (r) => r.length === 1, 2000, 'the room');
    const stopping = Date.now();
    await a.stop();
    await listWhere(b, (r) => r.length === 0, 1000, 'the room to go');
    assert.ok(Date.now() - stopping < 1000);
  });

  test('two rooms with the same name both appear: the later one is renamed "Ms Lee (2)"', async (t) => {
    const b = await browser(t);
    const first = advertiser(t, { port: 40001 });
    await first.start();
    await listWhere(b, (r) => r.length === 1, 2000, 'the first room');
    const second = advertiser(t, { port: 40002 });
    const renamed = new Promise<string>((resolve) => second.once('advertised', resolve));
    await second.start();
    assert.equal(await within(renamed, 3000, 'the second room to be advertised'), 'Ms Lee (2)');
    const rooms = await listWhere(b, (r) => r.length === 2, 2000, 'both rooms');
    assert.deepEqual(
      rooms.map((r) => [r.name, r.port]),
      [
        ['Ms Lee', 40001],
        ['Ms Lee (2)', 40002],
      ],
    );
  });

  test('two rooms starting at the same moment with the same name: both appear under different names', async (t) => {
    const b = await browser(t);
    await Promise.all([advertiser(t, { port: 40011 }).start(), advertiser(t, { port: 40012 }).start()]);
    const rooms = await listWhere(b, (r) => r.length === 2, 4000, 'both rooms');
    assert.deepEqual(rooms.map((r) => r.name).sort(), ['Ms Lee', 'Ms Lee (2)']);
  });

  test('port 5353 held by a program that does not share it: the advertiser says why, once', async (t) => {
    const holder = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    t.after(() => holder.close());
    await new Promise<void>((resolve) => holder.bind(5353, '0.0.0.0', resolve));
    const a = advertiser(t);
    const problems: string[] = [];
    a.on('problem', (why) => problems.push(why));
    await a.start();
    a.update({ ...ROOM, chatting: 5 });
    await a.stop();
    assert.equal(problems.length, 1);
    assert.match(problems[0], /port 5353 is taken by a program that does not share it/);
  });

  test('a listen address on no interface of this machine: not advertised, and why', async (t) => {
    const a = advertiser(t, {}, { listenHost: '192.0.2.7' });
    const problems: string[] = [];
    a.on('problem', (why) => problems.push(why));
    await a.start();
    assert.deepEqual(problems, ['no network interface of this machine has the address 192.0.2.7']);
  });

  test('advertiseEndpoint: a listening ChatServer is announced, its roster feeds the counts, close says goodbye', async (t) => {
    const b = await browser(t);
    const server = new ChatServer({ host: '127.0.0.1', port: 0, name: 'Hub', seats: 1 });
    t.after(() => server.close());
    const { port } = await server.listen();
    advertiseEndpoint(server, { listenHost: '127.0.0.1', port, name: 'Hub', password: false });
    await listWhere(b, (r) => r[0]?.port === port && r[0].chatting === 0, 2000, 'the room, nobody chatting');
    const ann = new ChatClient({ host: '127.0.0.1', port, name: 'ann', reconnect: false });
    t.after(() => ann.close());
    await ann.connect();
    const [room] = await listWhere(b, (r) => r[0]?.chatting === 1, 4000, 'the room with ann chatting');
    assert.deepEqual([room.name, room.seats, room.waiting, room.password], ['Hub', 1, 0, false]);
    await server.close();
    await listWhere(b, (r) => r.length === 0, 1000, 'the closed room to go');
  });
}

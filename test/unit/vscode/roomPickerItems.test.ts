// Connect…'s list as data: the typed address first, then the rooms heard on the network, then recent addresses,
// then "Type an address…"; a live update is a new list from the same inputs. Text from the network stays text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiscoveredRoom } from '../../../src/chat/discovery/browser';
import { acceptedPick, roomPickItems, typeAnAddress } from '../../../src/vscode/commands/roomPickerItems';

function room(name: string, port: number, more: Partial<DiscoveredRoom> = {}): DiscoveredRoom {
  return { name, host: '192.168.1.20', port, password: false, tls: false, chatting: 3, waiting: 0, seats: 0, ...more };
}

const summary = (items: ReturnType<typeof roomPickItems>) =>
  items.map((i) => (i.separator ? `— ${i.label}` : `${i.label} | ${i.description ?? ''} | ${i.detail ?? ''}`));

test('roomPickItems: discovered rooms first (counts, 🔒, topic), then recent, then "Type an address…"', () => {
  const rooms = [
    room("Ms Lee's room", 65432, { chatting: 12, waiting: 3, seats: 12, password: true, topic: 'Fractions' }),
    room('Lab', 5000, { tls: true }),
  ];
  const items = roomPickItems(rooms, ['10.0.0.5:65432', '192.168.1.20:5000'], '');
  assert.deepEqual(summary(items), [
    '— Rooms on the network',
    "$(broadcast) Ms Lee's room | 192.168.1.20:65432 | 12 chatting · 3 waiting · 12 seats · 🔒 password · “Fractions”",
    '$(broadcast) Lab | 192.168.1.20:5000 | 3 chatting · TLS',
    '— Recent',
    '10.0.0.5:65432 | recent | ',
    `$(edit) ${typeAnAddress()} |  | `,
  ]);
  assert.equal(items[1].address, '192.168.1.20:65432', 'picking a room gives its address, as typing it would');
  assert.equal(items[1].room, rooms[0], 'with the advertisement as a hint');
  assert.equal(items.at(-1)?.address, undefined);
  assert.equal(items.at(-1)?.alwaysShow, true);
});

test('roomPickItems: a typed address comes first (Enter connects to it); no rooms, no rooms heading', () => {
  const items = roomPickItems([], ['10.0.0.5:65432'], ' 10.0.0.9 ');
  assert.deepEqual(summary(items), [
    '10.0.0.9 | connect to this address | ',
    '— Recent',
    '10.0.0.5:65432 | recent | ',
    `$(edit) ${typeAnAddress()} |  | `,
  ]);
  assert.equal(items[0].alwaysShow, true);
  assert.deepEqual(summary(roomPickItems([], [], '')), [`$(edit) ${typeAnAddress()} |  | `]);
});

test('roomPickItems: a live update adds and removes rooms; the rest of the list keeps its order', () => {
  const recent = ['10.0.0.5:65432'];
  const before = summary(roomPickItems([room('A', 1)], recent, ''));
  const after = summary(roomPickItems([room('A', 1), room('B', 2)], recent, ''));
  assert.deepEqual(after.slice(0, 2), before.slice(0, 2));
  assert.equal(after[2], '$(broadcast) B | 192.168.1.20:2 | 3 chatting');
  assert.deepEqual(after.slice(3), before.slice(2));
  assert.deepEqual(summary(roomPickItems([], recent, '')), before.slice(2));
});

test('roomPickItems: a room name from the network cannot draw icons or carry control characters', () => {
  const [, item] = roomPickItems([room('$(alert) Bank\u001b[2J\nlogin', 1, { topic: '$(key)' })], [], '');
  assert.equal(item.label, '$(broadcast) $\u200b(alert) Bank\\x1b[2J\\nlogin');
  assert.match(item.detail ?? '', /“\$\u200b\(key\)”/);
});

test('Enter before the list caught up with the typing connects to what was typed, not the old highlight', () => {
  const old = [{ pick: { label: '127.0.0.1:4000', address: '127.0.0.1:4000' } }];
  const fresh = [{ pick: { label: '127.0.0.1:5000', address: '127.0.0.1:5000' } }, ...old.map((i) => ({ ...i }))];
  assert.equal(
    acceptedPick(old[0], fresh, '127.0.0.1:5000'),
    '127.0.0.1:5000',
    'a stale highlight loses to the typing',
  );
  assert.equal(acceptedPick(fresh[0], fresh, '127.0.0.1:5000'), fresh[0].pick, 'a current item is taken');
  assert.equal(acceptedPick(old[0], fresh, ''), fresh[1].pick, 'nothing typed: the same address in the new list');
  assert.equal(acceptedPick(undefined, fresh, '10.0.0.9'), '10.0.0.9');
});

// Connect…'s list as data: one fixed first item that is what is typed ("Type an address…" while nothing is), then
// the rooms heard on the network, then recent addresses; a live update is a new list from the same inputs. Text
// from the network stays text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiscoveredRoom } from '../../../src/chat/discovery/browser';
import { acceptedPick, roomPickItems, typeAnAddress, typedItem } from '../../../src/vscode/commands/roomPickerItems';

function room(name: string, port: number, more: Partial<DiscoveredRoom> = {}): DiscoveredRoom {
  return { name, host: '192.168.1.20', port, password: false, tls: false, chatting: 3, waiting: 0, seats: 0, ...more };
}

const summary = (items: ReturnType<typeof roomPickItems>) =>
  items.map((i) => (i.separator ? `— ${i.label}` : `${i.label} | ${i.description ?? ''} | ${i.detail ?? ''}`));

test('roomPickItems: "Type an address…" first, then discovered rooms (counts, 🔒, topic), then recent', () => {
  const rooms = [
    room("Ms Lee's room", 65432, { chatting: 12, waiting: 3, seats: 12, password: true, topic: 'Fractions' }),
    room('Lab', 5000, { tls: true }),
  ];
  const items = roomPickItems(rooms, ['10.0.0.5:65432', '192.168.1.20:5000'], '');
  assert.deepEqual(summary(items), [
    `$(edit) ${typeAnAddress()} |  | `,
    '— Rooms on the network',
    "$(broadcast) Ms Lee's room | 192.168.1.20:65432 | 12 chatting · 3 waiting · 12 seats · 🔒 password · “Fractions”",
    '$(broadcast) Lab | 192.168.1.20:5000 | 3 chatting · TLS',
    '— Recent',
    '10.0.0.5:65432 | recent | ',
  ]);
  assert.equal(items[2].address, '192.168.1.20:65432', 'picking a room gives its address, as typing it would');
  assert.equal(items[2].room, rooms[0], 'with the advertisement as a hint');
  assert.equal(items[0].address, undefined, '"Type an address…" asks for one');
  assert.equal(items[0].alwaysShow, true);
});

test('roomPickItems: a typed address is the first item (Enter connects to it); no rooms, no rooms heading', () => {
  const items = roomPickItems([], ['10.0.0.5:65432'], ' 10.0.0.9 ');
  assert.deepEqual(summary(items), ['10.0.0.9 | connect to this address | ', '— Recent', '10.0.0.5:65432 | recent | ']);
  assert.equal(items[0].alwaysShow, true);
  assert.equal(items[0].address, '10.0.0.9');
  assert.deepEqual(summary(roomPickItems([], [], '')), [`$(edit) ${typeAnAddress()} |  | `]);
});

test('roomPickItems: typing changes only the first item, so a position in the list always means the same thing', () => {
  // VS Code hands the extension a selection as a position in the list: a list that moved between a keystroke and
  // Enter would turn a stale Enter into another row. Here, whatever is typed, every row but the first is unchanged.
  const rooms = [room('Lab', 5000)];
  const recent = ['10.0.0.5:65432', '127.0.0.1:4000'];
  const typings = ['', '1', '127.0.0.1:5', '127.0.0.1:5000', '10.0.0.5:65432', '192.168.1.20:5000', 'Lab'];
  const lists = typings.map((typed) => roomPickItems(rooms, recent, typed));
  for (const list of lists) assert.deepEqual(summary(list.slice(1)), summary(lists[0].slice(1)));
  assert.deepEqual(
    lists.map((list) => list[0].label),
    [`$(edit) ${typeAnAddress()}`, ...typings.slice(1)],
    'the first item follows the typing, even when it repeats a recent address or a room',
  );
  assert.ok(lists.every((list) => list[0].typed && list[0].alwaysShow));
});

test('a typed address that a room on the network has brings the room along, as picking the room would', () => {
  const lab = room('Lab', 5000, { tls: true });
  assert.equal(typedItem('192.168.1.20:5000', [lab]).room, lab);
  assert.equal(typedItem('192.168.1.20:5001', [lab]).room, undefined);
  assert.equal(typedItem('  ', [lab]).address, undefined, 'nothing typed: "Type an address…"');
});

test('roomPickItems: a live update adds and removes rooms; the rest of the list keeps its order', () => {
  const recent = ['10.0.0.5:65432'];
  const before = summary(roomPickItems([room('A', 1)], recent, ''));
  const after = summary(roomPickItems([room('A', 1), room('B', 2)], recent, ''));
  assert.deepEqual(after.slice(0, 3), before.slice(0, 3));
  assert.equal(after[3], '$(broadcast) B | 192.168.1.20:2 | 3 chatting');
  assert.deepEqual(after.slice(4), before.slice(3));
  assert.deepEqual(summary(roomPickItems([], recent, '')), [before[0], ...before.slice(3)]);
});

test('roomPickItems: a room name from the network cannot draw icons or carry control characters', () => {
  const [, , item] = roomPickItems([room('$(alert) Bank\u001b[2J\nlogin', 1, { topic: '$(key)' })], [], '');
  assert.equal(item.label, '$(broadcast) $\u200b(alert) Bank\\x1b[2J\\nlogin');
  assert.match(item.detail ?? '', /“\$\u200b\(key\)”/);
});

test('Enter on the first item (or with nothing highlighted) connects to what is typed now', () => {
  const lab = room('Lab', 5000);
  const stale = typedItem('127.0.0.1:500', []); // the first item as the last keystroke but one left it
  assert.deepEqual(acceptedPick(stale, '127.0.0.1:5000', []), typedItem('127.0.0.1:5000', []));
  assert.equal(acceptedPick(stale, '127.0.0.1:5000', []).address, '127.0.0.1:5000');
  assert.equal(acceptedPick(undefined, '10.0.0.9', []).address, '10.0.0.9');
  assert.equal(acceptedPick(undefined, '', []).address, undefined, 'nothing typed: ask for an address');
  const [, , labItem, , recentItem] = roomPickItems([lab], ['10.0.0.5:65432'], '127.0.0.1:5000');
  assert.equal(acceptedPick(labItem, '127.0.0.1:5000', [lab]), labItem, 'a room the user moved to is taken');
  assert.equal(acceptedPick(recentItem, '127.0.0.1:5000', [lab]).address, '10.0.0.5:65432');
});

// The pure parts of discovery: the TXT record both ways (untrusted input bounded), instance names and the
// conflict rule's renaming, the interfaces a listen address advertises on, and the answers a question gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import type { Packet } from 'dns-packet';
import { advertiseInterfaces, ipv4Interfaces } from '../../../../src/chat/discovery/interfaces';
import { answersFor, goodbye, instanceName, type AdvertisedRecords } from '../../../../src/chat/discovery/records';
import {
  decodeTxt,
  describeRoom,
  encodeTxt,
  instanceLabel,
  labelFromInstanceName,
  nextInstanceLabel,
} from '../../../../src/chat/discovery/txtRecord';

test('TXT: encoded keys v, seats, chatting, waiting, pw (+ tls, fp, topic when set) decode back', () => {
  const room = { name: 'R', port: 1, seats: 3, chatting: 2, waiting: 1, password: true };
  assert.deepEqual(encodeTxt(room, 1), ['v=1', 'seats=3', 'chatting=2', 'waiting=1', 'pw=1']);
  const full = encodeTxt({ ...room, password: false, tls: true, fingerprint: 'AB:CD', topic: 'Maths' }, 1);
  assert.deepEqual(full, ['v=1', 'seats=3', 'chatting=2', 'waiting=1', 'pw=0', 'tls=1', 'fp=AB:CD', 'topic=Maths']);
  assert.deepEqual(decodeTxt(full.map((s) => Buffer.from(s))), {
    version: 1,
    seats: 3,
    chatting: 2,
    waiting: 1,
    password: false,
    tls: true,
    fingerprint: 'AB:CD',
    topic: 'Maths',
  });
  const long = encodeTxt({ ...room, topic: 'é'.repeat(300) }, 1).at(-1) ?? '';
  assert.ok(
    Buffer.byteLength(long) <= 255 && long.endsWith('é'),
    'a long topic is cut to one TXT string, whole characters',
  );
});

test('TXT from the network: bad numbers, odd fingerprints, repeated keys and junk are ignored', () => {
  assert.deepEqual(
    decodeTxt(['seats=-1', 'chatting=9999999', 'waiting=x', 'SEATS=5', 'fp=<script>', 'pw', 'v=1', 'v=2']),
    {
      version: 1,
      seats: undefined,
      chatting: undefined,
      waiting: undefined,
      password: false,
      tls: false,
      fingerprint: undefined,
      topic: undefined,
    },
  );
  assert.deepEqual(decodeTxt(undefined), decodeTxt([]));
  assert.equal(decodeTxt(Buffer.from('pw=1')).password, true);
});

test('instance names: dots cannot split the label, 63 bytes at most; "Room" → "Room (2)" → "Room (3)"', () => {
  assert.equal(instanceLabel('Ms. Lee'), 'Ms\u2024 Lee');
  assert.equal(instanceLabel('   '), 'TCP Chat room');
  assert.ok(Buffer.byteLength(instanceLabel('ü'.repeat(40))) <= 63);
  assert.equal(nextInstanceLabel('Room'), 'Room (2)');
  assert.equal(nextInstanceLabel('Room (2)'), 'Room (3)');
  const renamed = nextInstanceLabel('x'.repeat(63));
  assert.ok(Buffer.byteLength(renamed) <= 63 && renamed.endsWith(' (2)'));
  assert.equal(labelFromInstanceName('A\\.B._tcpchat._tcp.local'), 'A.B');
  assert.equal(labelFromInstanceName('Printer._ipp._tcp.local'), undefined);
});

test('describeRoom: counts from the roster, the host not counted as chatting', () => {
  const host = { id: 0, name: 'Host', address: 'host', kind: 'host' as const };
  const ann = { id: 1, name: 'ann', address: '1.2.3.4:5', kind: 'native' as const };
  const bob = { id: 2, name: 'bob', address: '1.2.3.4:6', kind: 'plain' as const };
  const roster = { seats: 1, active: [host, ann], waiting: [bob], connections: 2 };
  assert.deepEqual(describeRoom(roster, { name: 'R', port: 7, password: false }), {
    name: 'R',
    port: 7,
    password: false,
    seats: 1,
    chatting: 1,
    waiting: 1,
  });
});

const nic = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;
const MACHINE = {
  eth0: [nic('fe80::1', 'IPv6'), nic('192.168.1.5')],
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  wlan0: [nic('10.0.0.7'), nic('10.0.0.8')],
  v6only: [nic('fd00::5', 'IPv6')],
};

test('interfaces: 0.0.0.0 → every IPv4 interface (loopback first); 127.0.0.1 → loopback only; an address → its interface', () => {
  assert.deepEqual(ipv4Interfaces(MACHINE), [
    { name: 'lo', address: '127.0.0.1' },
    { name: 'eth0', address: '192.168.1.5' },
    { name: 'wlan0', address: '10.0.0.7' },
  ]);
  assert.deepEqual(advertiseInterfaces('0.0.0.0', MACHINE), { interfaces: ipv4Interfaces(MACHINE) });
  assert.deepEqual(advertiseInterfaces('::', MACHINE), { interfaces: ipv4Interfaces(MACHINE) });
  for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]'])
    assert.deepEqual(advertiseInterfaces(host, MACHINE), { interfaces: [{ name: 'lo', address: '127.0.0.1' }] }, host);
  assert.deepEqual(advertiseInterfaces('10.0.0.8', MACHINE), { interfaces: [{ name: 'wlan0', address: '10.0.0.8' }] });
  assert.deepEqual(advertiseInterfaces('fe80::1', MACHINE), { interfaces: [{ name: 'eth0', address: '192.168.1.5' }] });
  assert.deepEqual(advertiseInterfaces('fd00::5', MACHINE), {
    problem: 'the interface v6only of fd00::5 has no IPv4 address (discovery uses IPv4)',
  });
  assert.deepEqual(advertiseInterfaces('192.0.2.1', MACHINE), {
    problem: 'no network interface of this machine has the address 192.0.2.1',
  });
  assert.deepEqual(advertiseInterfaces('0.0.0.0', {}), { problem: 'this machine has no IPv4 network interface' });
});

const ROOM: AdvertisedRecords = {
  instance: instanceName('Lab'),
  hostName: 'box-tcpchat.local',
  port: 4000,
  txt: ['v=1', 'seats=0', 'chatting=0', 'waiting=0', 'pw=0'],
};
const query = (questions: Packet['questions'], answers: Packet['answers'] = []): Packet => ({
  type: 'query',
  questions,
  answers,
});

test('answers: a PTR question gets PTR + SRV/TXT/A as additionals; SRV, TXT, A and the service list are answered', () => {
  const browse = answersFor(query([{ name: '_tcpchat._tcp.local', type: 'PTR' }]), ROOM, '10.0.0.7');
  assert.deepEqual(
    browse?.answers?.map((a) => `${a.type} ${a.name}`),
    ['PTR _tcpchat._tcp.local'],
  );
  assert.deepEqual(
    browse?.additionals?.map((a) => a.type),
    ['SRV', 'TXT', 'A'],
  );
  assert.deepEqual(
    browse?.additionals?.find((a) => a.type === 'A'),
    {
      name: 'box-tcpchat.local',
      type: 'A',
      ttl: 120,
      flush: true,
      data: '10.0.0.7',
    },
  );
  const direct = answersFor(
    query([
      { name: 'LAB._TCPCHAT._TCP.LOCAL', type: 'SRV' },
      { name: ROOM.instance, type: 'TXT' },
    ]),
    ROOM,
    '10.0.0.7',
  );
  assert.deepEqual(
    direct?.answers?.map((a) => a.type),
    ['SRV', 'TXT'],
    'names compare without case',
  );
  const list = answersFor(query([{ name: '_services._dns-sd._udp.local', type: 'PTR' }]), ROOM, '1.1.1.1');
  assert.deepEqual(
    list?.answers?.map((a) => (a as { data: unknown }).data),
    ['_tcpchat._tcp.local'],
  );
  assert.equal(answersFor(query([{ name: '_ipp._tcp.local', type: 'PTR' }]), ROOM, '1.1.1.1'), undefined);
});

test('answers: a PTR the asker already holds with half its lifetime left is not repeated; goodbye has TTL 0', () => {
  const known = [{ name: '_tcpchat._tcp.local', type: 'PTR' as const, ttl: 4000, data: ROOM.instance }];
  assert.equal(answersFor(query([{ name: '_tcpchat._tcp.local', type: 'PTR' }], known), ROOM, '1.1.1.1'), undefined);
  const stale = [{ ...known[0], ttl: 100 }];
  assert.ok(answersFor(query([{ name: '_tcpchat._tcp.local', type: 'PTR' }], stale), ROOM, '1.1.1.1'));
  assert.deepEqual(
    goodbye(ROOM).answers?.map((a) => [a.type, (a as { ttl?: number }).ttl]),
    [
      ['PTR', 0],
      ['SRV', 0],
      ['TXT', 0],
    ],
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeatQueue } from '../../../../src/chat/server/room/seats';

/** A queue with `seats` seats and the given ids joined in order. */
function queueWith(seats: number, ...ids: string[]): SeatQueue<string> {
  const queue = new SeatQueue<string>(seats);
  for (const id of ids) queue.join(id);
  return queue;
}

test('seats = 1: the first joiner chats, the rest wait in FIFO order with positions', () => {
  const queue = new SeatQueue<string>(1);
  assert.deepEqual(queue.join('ann'), { state: 'active' });
  assert.deepEqual(queue.join('bob'), { state: 'waiting', position: 1 });
  assert.deepEqual(queue.join('cat'), { state: 'waiting', position: 2 });
  assert.deepEqual(queue.active, ['ann']);
  assert.deepEqual(queue.waiting, ['bob', 'cat']);
  assert.equal(queue.position('ann'), null);
  assert.equal(queue.position('bob'), 1);
  assert.equal(queue.position('cat'), 2);
  assert.equal(queue.position('nobody'), null);
});

test('joining twice does not duplicate anyone', () => {
  const queue = queueWith(1, 'ann', 'bob');
  assert.deepEqual(queue.join('ann'), { state: 'active' });
  assert.deepEqual(queue.join('bob'), { state: 'waiting', position: 1 });
  assert.deepEqual(queue.active, ['ann']);
  assert.deepEqual(queue.waiting, ['bob']);
});

test('seats = 0 means unlimited: everyone is active, nobody waits', () => {
  const queue = queueWith(0, 'a', 'b', 'c', 'd', 'e');
  assert.deepEqual(queue.active, ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(queue.waiting, []);
  assert.deepEqual(queue.leave('c'), { admitted: [], removedFrom: 'active', queueMoved: false });
  assert.deepEqual(queue.active, ['a', 'b', 'd', 'e']);
});

test('an active member leaving admits the next in line, and the line moves up', () => {
  const queue = queueWith(2, 'a', 'b', 'c', 'd', 'e');
  assert.deepEqual(queue.waiting, ['c', 'd', 'e']);
  assert.deepEqual(queue.leave('a'), { admitted: ['c'], removedFrom: 'active', queueMoved: true });
  assert.deepEqual(queue.active, ['b', 'c']);
  assert.equal(queue.position('d'), 1);
  assert.equal(queue.position('e'), 2);
  assert.deepEqual(queue.leave('b'), { admitted: ['d'], removedFrom: 'active', queueMoved: true });
  assert.deepEqual(queue.leave('c'), { admitted: ['e'], removedFrom: 'active', queueMoved: false });
  assert.deepEqual(queue.active, ['d', 'e']);
  assert.deepEqual(queue.waiting, []);
});

test('leaving while waiting removes only that waiter; those behind move up, those ahead do not', () => {
  const queue = queueWith(1, 'a', 'b', 'c', 'd');
  assert.deepEqual(queue.leave('c'), { admitted: [], removedFrom: 'waiting', queueMoved: true });
  assert.deepEqual(queue.waiting, ['b', 'd']);
  assert.equal(queue.position('b'), 1);
  assert.equal(queue.position('d'), 2);
  assert.deepEqual(queue.active, ['a']);
});

test('the last waiter leaving moves nobody', () => {
  const queue = queueWith(1, 'a', 'b', 'c');
  assert.deepEqual(queue.leave('c'), { admitted: [], removedFrom: 'waiting', queueMoved: false });
  assert.deepEqual(queue.waiting, ['b']);
});

test('leaving an unknown id changes nothing', () => {
  const queue = queueWith(1, 'a', 'b');
  assert.deepEqual(queue.leave('zed'), { admitted: [], removedFrom: null, queueMoved: false });
  assert.deepEqual(queue.active, ['a']);
  assert.deepEqual(queue.waiting, ['b']);
});

test('kick (leave) of the active member admits in strict arrival order', () => {
  const queue = queueWith(1, 'a', 'b', 'c', 'd');
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    const [current] = queue.active;
    const change = queue.leave(current);
    order.push(...change.admitted);
  }
  assert.deepEqual(order, ['b', 'c', 'd']);
  assert.deepEqual(queue.active, []);
});

test('host admits #1 by default even when the seats are full', () => {
  const queue = queueWith(1, 'a', 'b', 'c');
  assert.deepEqual(queue.admit(), { admitted: ['b'], removedFrom: null, queueMoved: true });
  assert.deepEqual(queue.active, ['a', 'b']);
  assert.deepEqual(queue.waiting, ['c']);
  assert.equal(queue.position('c'), 1);
});

test('host admits a chosen waiter from the middle of the line', () => {
  const queue = queueWith(1, 'a', 'b', 'c', 'd');
  assert.deepEqual(queue.admit('c'), { admitted: ['c'], removedFrom: null, queueMoved: true });
  assert.deepEqual(queue.active, ['a', 'c']);
  assert.deepEqual(queue.waiting, ['b', 'd']);
  assert.equal(queue.position('b'), 1, 'those ahead keep their place');
  assert.equal(queue.position('d'), 2, 'those behind move up');
});

test('over-admitted room: a leave does not admit anyone until active drops below seats', () => {
  const queue = queueWith(1, 'a', 'b', 'c');
  queue.admit('b'); // active = a, b with 1 seat
  assert.deepEqual(queue.leave('a'), { admitted: [], removedFrom: 'active', queueMoved: false });
  assert.deepEqual(queue.waiting, ['c']);
  assert.deepEqual(
    queue.leave('b'),
    { admitted: ['c'], removedFrom: 'active', queueMoved: false },
    'nobody is left in line to tell',
  );
});

test('admit with nobody waiting, or an id not in line, changes nothing', () => {
  const queue = queueWith(1, 'a', 'b');
  assert.deepEqual(queue.admit('a'), { admitted: [], removedFrom: null, queueMoved: false });
  assert.deepEqual(queue.admit('zed'), { admitted: [], removedFrom: null, queueMoved: false });
  queue.admit();
  assert.deepEqual(queue.admit(), { admitted: [], removedFrom: null, queueMoved: false });
  assert.deepEqual(queue.active, ['a', 'b']);
});

test('setSeats growing admits waiters in order', () => {
  const queue = queueWith(1, 'a', 'b', 'c', 'd');
  assert.deepEqual(queue.setSeats(3), { admitted: ['b', 'c'], removedFrom: null, queueMoved: true });
  assert.equal(queue.seats, 3);
  assert.deepEqual(queue.active, ['a', 'b', 'c']);
  assert.deepEqual(queue.waiting, ['d']);
  assert.equal(queue.position('d'), 1);
});

test('setSeats(0) admits everyone waiting', () => {
  const queue = queueWith(1, 'a', 'b', 'c');
  assert.deepEqual(queue.setSeats(0), { admitted: ['b', 'c'], removedFrom: null, queueMoved: false });
  assert.deepEqual(queue.active, ['a', 'b', 'c']);
  assert.deepEqual(queue.join('d'), { state: 'active' });
});

test('setSeats shrinking evicts nobody; newcomers wait until enough members leave', () => {
  const queue = queueWith(3, 'a', 'b', 'c');
  assert.deepEqual(queue.setSeats(1), { admitted: [], removedFrom: null, queueMoved: false });
  assert.deepEqual(queue.active, ['a', 'b', 'c']);
  assert.deepEqual(queue.join('d'), { state: 'waiting', position: 1 });
  assert.deepEqual(queue.leave('a').admitted, []);
  assert.deepEqual(queue.leave('b').admitted, []);
  assert.deepEqual(queue.leave('c').admitted, ['d']);
});

test('invalid seat counts are refused with a readable error', () => {
  assert.throws(() => new SeatQueue(-1), /Seats must be a whole number ≥ 0/);
  assert.throws(() => new SeatQueue(1.5), /not 1\.5/);
  const queue = new SeatQueue(1);
  assert.throws(() => queue.setSeats(Number.NaN), RangeError);
  assert.equal(queue.seats, 1);
});

test('active and waiting are copies: callers cannot corrupt the queue', () => {
  const queue = queueWith(1, 'a', 'b');
  (queue.waiting as string[]).push('mallory');
  (queue.active as string[]).length = 0;
  assert.deepEqual(queue.active, ['a']);
  assert.deepEqual(queue.waiting, ['b']);
});

test('stateOf reports where an id is', () => {
  const queue = queueWith(1, 'a', 'b');
  assert.equal(queue.stateOf('a'), 'active');
  assert.equal(queue.stateOf('b'), 'waiting');
  assert.equal(queue.stateOf('c'), null);
});

// The last N of a stream of items, trimmed in bulk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentList } from '../../../../src/chat/core/recentList';

test('recent() is always the last N, oldest first, however many came', () => {
  const list = new RecentList<number>(3);
  assert.deepEqual(list.recent(), []);
  for (let i = 1; i <= 10; i++) {
    list.push(i);
    const expected = Array.from({ length: Math.min(i, 3) }, (_, k) => i - Math.min(i, 3) + 1 + k);
    assert.deepEqual(list.recent(), expected, `after ${i}`);
  }
});

test('a list of the last 0 keeps nothing', () => {
  const list = new RecentList<string>(0);
  list.push('a');
  assert.deepEqual(list.recent(), []);
});

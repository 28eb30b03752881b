// Counts and sizes as people read them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount } from '../../../../src/chat/core/units';

test('formatCount writes thousands separators like toLocaleString("en-US")', () => {
  for (const n of [0, 7, 999, 1000, 12345, 999999, 1000000, 10000, 1234567.5, 89.5, -1234]) {
    assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
  }
});

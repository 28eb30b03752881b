// The one pace and speed figure of every transfer's progress events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROGRESS_INTERVAL_MS, TransferMeter } from '../../../../src/chat/core/transferMeter';

test('TransferMeter: the first update reports, then at most one per interval, and the last byte always', () => {
  let now = 1000;
  const meter = new TransferMeter(1000, () => now);
  assert.equal(meter.update(100), true, 'the first bytes are worth an event');
  now += 10;
  assert.equal(meter.update(200), false, 'held back: 10 ms after the last event');
  now += PROGRESS_INTERVAL_MS;
  assert.equal(meter.update(300), true);
  now += 1;
  assert.equal(meter.update(1000), true, 'the end is never held back');
  assert.deepEqual(meter.figures(), { bytes: 1000, total: 1000, bytesPerSecond: Math.round(1000 / 0.261) });
});

test('TransferMeter: the speed follows the last few seconds, so a stall shows', () => {
  let now = 0;
  const meter = new TransferMeter(100_000_000, () => now);
  for (let second = 1; second <= 5; second++) {
    now = second * 1000;
    meter.update(second * 1_000_000);
  }
  assert.equal(meter.bytesPerSecond, 1_000_000);
  for (let second = 6; second <= 10; second++) {
    now = second * 1000;
    meter.update(5_000_000); // nothing moves any more
  }
  assert.ok(meter.bytesPerSecond < 400_000, `a stalled transfer's speed falls (${meter.bytesPerSecond} B/s)`);
  assert.equal(new TransferMeter(10, () => 5).bytesPerSecond, 0, 'no time has passed: no figure');
});

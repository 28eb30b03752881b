// The one pace and speed figure of every transfer's progress events, and what files and images report differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransferProgress } from '../../../../src/chat/core/files';
import {
  FILE_TRANSFER,
  IMAGE_TRANSFER,
  PROGRESS_INTERVAL_MS,
  TransferMeter,
  TransferReport,
  type TransferRules,
} from '../../../../src/chat/core/transferReport';

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

function report(rules: TransferRules) {
  const events: TransferProgress[] = [];
  let now = 1000;
  const tick = () => (now += PROGRESS_INTERVAL_MS);
  const transfer = new TransferReport(
    't1',
    'm1',
    'receive',
    { size: 100 },
    undefined,
    (p) => events.push(p),
    rules,
    () => now,
  );
  return { events, tick, transfer };
}

test('TransferReport: a file shows its last byte as running before the end; an image leaves the total to the end', () => {
  for (const [rules, expected] of [
    [
      FILE_TRANSFER,
      [
        ['running', 0],
        ['running', 100],
        ['done', 100],
      ],
    ],
    [
      IMAGE_TRANSFER,
      [
        ['running', 0],
        ['done', 100],
      ],
    ],
  ] as const) {
    const { events, tick, transfer } = report(rules);
    if (rules === FILE_TRANSFER) transfer.progress(0);
    else transfer.started();
    tick();
    transfer.progress(100);
    transfer.end('done', { bytes: 100 });
    transfer.end('failed', { reason: 'too late' }); // one end only
    assert.deepEqual(
      events.map((p) => [p.state, p.bytes]),
      expected,
      rules.kind,
    );
    assert.ok(events.every((p) => p.kind === rules.kind && p.id === 't1' && !('name' in p)));
  }
});

test('TransferReport: an image ignores a count that goes backwards and counts at most the total; a file does not', () => {
  for (const [rules, expected] of [
    [FILE_TRANSFER, [60, 30, 150]],
    [IMAGE_TRANSFER, [60]],
  ] as const) {
    const { events, tick, transfer } = report(rules);
    for (const bytes of [60, 30, 150]) {
      tick();
      transfer.progress(bytes);
    }
    assert.deepEqual(
      events.map((p) => p.bytes),
      expected,
      rules.kind,
    );
    assert.equal(transfer.bytes, rules.forwardOnly ? 100 : 150);
  }
});

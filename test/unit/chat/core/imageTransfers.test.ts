// ImageTransfers: the figures, the pace and the one end of each image's 'transfer' events, with a clock we move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransferProgress } from '../../../../src/chat/core/files';
import { ImageTransfers } from '../../../../src/chat/core/imageTransfers';
import { PROGRESS_INTERVAL_MS } from '../../../../src/chat/core/transferReport';

function setup() {
  const events: TransferProgress[] = [];
  const clock = { now: 1000 };
  const transfers = new ImageTransfers(
    (p) => events.push(p),
    () => clock.now,
  );
  return { events, clock, transfers };
}

test('a receive: a start, progress at most once per interval, then exactly one done with every byte', () => {
  const { events, clock, transfers } = setup();
  transfers.start('receive 1', { messageId: 'c7', direction: 'receive', total: 1000 });
  assert.equal(transfers.messageId('receive 1'), 'c7');
  for (let i = 1; i <= 10; i++) {
    clock.now += 50;
    transfers.add('receive 1', 90);
  }
  transfers.end('receive 1', 'done');
  transfers.end('receive 1', 'failed', 'too late'); // a second end is ignored
  assert.deepEqual(
    events.map((p) => [p.state, p.bytes]),
    [
      ['running', 0],
      ['running', 90],
      ['running', 540], // 250 ms after the one before
      ['done', 1000],
    ],
  );
  assert.ok(events.every((p) => p.kind === 'image' && p.messageId === 'c7' && p.id === events[0].id));
  assert.equal(PROGRESS_INTERVAL_MS, 250, 'the pace the events above follow');
  assert.equal(transfers.has('receive 1'), false);
});

test('a send to several: the slowest receiver counts; one leaving does not hold it back; nobody left ends it', () => {
  const { events, clock, transfers } = setup();
  const [a, b] = [{}, {}];
  transfers.start('send 1', { messageId: 's1', direction: 'send', total: 100 }, [a, b]);
  clock.now += 300;
  transfers.acknowledged('send 1', a, 100);
  clock.now += 300;
  transfers.acknowledged('send 1', b, 40);
  assert.deepEqual(events.at(-1)?.bytes, 40);
  transfers.receiverGone(b);
  assert.equal(events.at(-1)?.state, 'done', 'the one left has it all');

  transfers.start('send 2', { messageId: 's2', direction: 'send', total: 100 }, [a]);
  transfers.receiverGone(a);
  assert.deepEqual([events.at(-1)?.state, events.at(-1)?.reason], ['cancelled', 'nobody is left to receive it']);
  transfers.start('send 3', { messageId: 's3', direction: 'send', total: 100 }, []);
  assert.deepEqual(
    events.slice(-2).map((p) => p.state),
    ['running', 'done'],
    'nobody to receive it: done at once',
  );
});

test('endAll ends what is still running, with the reason', () => {
  const { events, transfers } = setup();
  transfers.start('send 1', { messageId: 'c1', direction: 'send', total: 10 }, [{}]);
  transfers.start('receive 2', { messageId: 'c2', direction: 'receive', total: 10 });
  transfers.endAll('failed', 'the connection was lost');
  assert.deepEqual(
    events.slice(-2).map((p) => [p.messageId, p.state, p.reason]),
    [
      ['c1', 'failed', 'the connection was lost'],
      ['c2', 'failed', 'the connection was lost'],
    ],
  );
});

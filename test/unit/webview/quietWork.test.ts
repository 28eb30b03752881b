// The message list's deferred row building: it waits for the list to be quiet, then works in short slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuietWork } from '../../../webview/render/messages/quietWork';

test('work waits until the list has been quiet, then runs in idle slices until it is done', async (t) => {
  // The page's idle callback, run at once here (node has none).
  const idle = globalThis as { requestIdleCallback?: (callback: () => void) => number };
  idle.requestIdleCallback = (callback) => setTimeout(callback, 0) as unknown as number;
  t.after(() => delete idle.requestIdleCallback);
  let left = 3;
  const slices: number[] = [];
  const quiet = new QuietWork((more) => {
    let done = 0;
    while (left > 0 && more()) {
      left--;
      done++;
      if (done === 2) break; // a slice that runs out of time after two
    }
    slices.push(done);
    return left === 0;
  });
  quiet.changed();
  quiet.schedule();
  quiet.schedule(); // one pending run, however often asked
  await new Promise((resolve) => setTimeout(resolve, 60));
  quiet.changed(); // rows keep coming: nothing runs yet
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(slices, [], 'nothing while the list keeps changing');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(slices, [2, 1], 'two slices once quiet, until nothing is left');
});

// New rows of many posts reach the message list together: in the next frame, at most every 100 ms while they keep
// coming, and — for a hidden panel, which draws no frames — by a timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBatch } from '../../../webview/frameBatch';

type Frames = { requestAnimationFrame?: (cb: () => void) => number; cancelAnimationFrame?: (id: number) => void };

/** The page's frames, driven by hand (node has none): `draw()` runs the frame callbacks waiting. */
function fakeFrames(t: { after(fn: () => void): void }): { draw(): void } {
  const page = globalThis as Frames;
  let next = 1;
  const waiting = new Map<number, () => void>();
  page.requestAnimationFrame = (cb) => {
    waiting.set(next, cb);
    return next++;
  };
  page.cancelAnimationFrame = (id) => waiting.delete(id);
  t.after(() => {
    delete page.requestAnimationFrame;
    delete page.cancelAnimationFrame;
  });
  return {
    draw() {
      const due = [...waiting.values()];
      waiting.clear();
      for (const cb of due) cb();
    },
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('rows of several posts are applied once, together and in order, in the next frame', (t) => {
  const frames = fakeFrames(t);
  const applied: number[][] = [];
  const batch = new FrameBatch<number>((items) => applied.push(items));
  batch.add([1, 2]);
  batch.add([3]);
  assert.deepEqual(applied, [], 'nothing before the frame');
  frames.draw();
  assert.deepEqual(applied, [[1, 2, 3]]);
  batch.flush();
  assert.deepEqual(applied, [[1, 2, 3]], 'nothing is applied twice');
});

test('flush() applies what waits at once (what comes next must follow those rows), and once only', (t) => {
  const frames = fakeFrames(t);
  const applied: number[][] = [];
  const batch = new FrameBatch<number>((items) => applied.push(items));
  batch.add([1]);
  batch.flush();
  assert.deepEqual(applied, [[1]]);
  frames.draw();
  assert.deepEqual(applied, [[1]], 'the frame that was asked for does nothing more');
});

test('a panel that draws no frames still gets its rows, by the timer', async (t) => {
  fakeFrames(t); // frames are asked for, never drawn (a hidden panel)
  const applied: number[][] = [];
  const batch = new FrameBatch<number>((items) => applied.push(items));
  batch.add([1, 2]);
  await delay(400); // the timer is due after 100 ms; a loaded machine may run it late
  assert.deepEqual(applied, [[1, 2]]);
});

test('while rows keep coming, batches are at least 100 ms apart', async (t) => {
  const frames = fakeFrames(t);
  const applied: number[][] = [];
  const batch = new FrameBatch<number>((items) => applied.push(items));
  batch.add([1]);
  frames.draw(); // the first batch: at once
  batch.add([2]);
  frames.draw(); // too soon after the first: this frame brings nothing
  batch.add([3]);
  assert.deepEqual(applied, [[1]]);
  await delay(400); // the gap is over: the rest come together (by the timer, or the frame after it)
  frames.draw();
  assert.deepEqual(applied, [[1], [2, 3]]);
});

// A sender streams at most MAX_UPLOADS_AT_ONCE copies at once; the others start as those end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_UPLOADS_AT_ONCE, Uploads, type ChunkSink } from '../../../../src/chat/files/fileUpload';
import { waitFor } from '../../support/helpers';
import { randomFile, tempFolder } from './support';

test('at most 3 uploads stream at once; a stopped one lets the next start', async (t) => {
  const file = randomFile(tempFolder(t), 'f.bin', 300 * 1024);
  const uploads = new Uploads();
  const streaming = new Set<number>();
  const release: Array<() => void> = [];
  const sink = (transfer: number): ChunkSink => ({
    queueChunk: () => true,
    // The connection never has room: each upload waits after it started, as behind a slow receiver.
    whenBulkBelow: () => {
      streaming.add(transfer);
      return new Promise<void>((resolve) => release.push(resolve));
    },
  });
  for (let id = 1; id <= 5; id++)
    uploads.start({ transfer: id, path: file, size: 300 * 1024, sink: sink(id), failed: assert.fail });
  await waitFor(() => streaming.size === MAX_UPLOADS_AT_ONCE, 'three uploads streaming');
  assert.equal(MAX_UPLOADS_AT_ONCE, 3);
  assert.deepEqual([...streaming].sort(), [1, 2, 3]);
  uploads.stop(2);
  for (const resolve of release.splice(0)) resolve();
  await waitFor(() => streaming.has(4), 'the fourth starts once the second stopped');
  assert.equal(streaming.has(5), false, 'the fifth still waits');
  uploads.stopAll();
  for (const resolve of release.splice(0)) resolve();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { BULK_WRITE_BYTES, FrameWriter } from '../../../../src/chat/wire/frameWriter';
import { imageChunkHeader } from '../../../../src/chat/wire/codec';
import { socketPair } from '../../support/helpers';

const CHUNK = 64 * 1024;

/** Collects what `reader` receives until `total` bytes arrived; rejects after `timeoutMs`. */
function receive(reader: Socket, total: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(
      () => reject(new Error(`received only ${received} of ${total} bytes in ${timeoutMs} ms`)),
      timeoutMs,
    );
    reader.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= total) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

function noOverflow(pending: number): void {
  assert.fail(`unexpected overflow at ${pending} pending bytes`);
}

test('an urgent line overtakes 8 MB of queued bulk chunks', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  const frames = new FrameWriter(writer, { maxPendingBytes: 256 << 20, onOverflow: noOverflow });
  const line = Buffer.from('URGENT: hello while the image is on its way\n');

  // The kernel takes a few MB at once (more on some machines), so keep queueing past 8 MB until at least
  // 2 MB are still waiting in the writer's own queue: those are the bytes the line must overtake.
  let bulkTotal = 0;
  while (bulkTotal < 8 << 20 || (frames.pendingBytes < 2 << 20 && bulkTotal < 128 << 20)) {
    assert.equal(frames.queue(Buffer.alloc(CHUNK, 0x2e)), true);
    bulkTotal += CHUNK;
  }
  const queuedBehind = frames.pendingBytes;
  const got = receive(reader, bulkTotal + line.length, 20_000);
  assert.equal(frames.urgent(line), true);

  const stream = await got;
  assert.equal(stream.length, bulkTotal + line.length);
  const at = stream.indexOf(line);
  assert.ok(at >= 0, 'the urgent line arrived whole');
  const bulkAfterLine = bulkTotal - at;
  t.diagnostic(
    `urgent line at byte ${at} of ${stream.length}; ${bulkAfterLine} bulk bytes arrived after it (${queuedBehind} were still queued when it was written)`,
  );
  assert.ok(queuedBehind >= 2 << 20, `set-up: only ${queuedBehind} bytes were queued`);
  // All but at most the one chunk already handed to the socket must come after the line.
  assert.ok(
    bulkAfterLine >= queuedBehind - CHUNK,
    `only ${bulkAfterLine} of ${queuedBehind} queued bulk bytes came after the line`,
  );
  // The bulk bytes themselves are intact around the line.
  assert.equal(
    stream.subarray(0, at).every((b) => b === 0x2e),
    true,
  );
  assert.equal(
    stream.subarray(at + line.length).every((b) => b === 0x2e),
    true,
  );
});

test('a reader that stops reading pushes pendingBytes over the cap: onOverflow runs once, later writes are refused', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  reader.pause();
  const cap = 2 << 20;
  const overflows: number[] = [];
  const frames = new FrameWriter(writer, { maxPendingBytes: cap, onOverflow: (pending) => overflows.push(pending) });

  let accepted = 0;
  // Bounded: at most 64 MB offered, in batches, letting the event loop run so the kernel buffers fill for real.
  for (let batch = 0; batch < 64 && overflows.length === 0; batch++) {
    for (let i = 0; i < 16 && overflows.length === 0; i++) {
      if (frames.queue(Buffer.alloc(CHUNK, 1))) accepted += CHUNK;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.diagnostic(`overflow after ${accepted} accepted bulk bytes, pending ${overflows[0]}`);
  assert.equal(overflows.length, 1);
  assert.ok(overflows[0] > cap, `reported ${overflows[0]} pending bytes, cap ${cap}`);

  assert.equal(frames.queue(Buffer.alloc(CHUNK, 1)), false, 'bulk refused after overflow');
  assert.equal(frames.urgent('still there?\n'), false, 'urgent refused after overflow');
  assert.equal(overflows.length, 1, 'onOverflow is not called again');
});

test('urgent writes alone also count against the cap', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  reader.pause();
  const overflows: number[] = [];
  const frames = new FrameWriter(writer, {
    maxPendingBytes: 1 << 20,
    onOverflow: (pending) => overflows.push(pending),
  });
  const line = Buffer.alloc(16 * 1024, 0x41);
  for (let i = 0; i < 4096 && overflows.length === 0; i++) {
    frames.urgent(line);
    if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(overflows.length, 1);
  assert.ok(overflows[0] > 1 << 20);
  assert.equal(frames.urgent(line), false, 'refused after overflow');
  assert.equal(overflows.length, 1, 'onOverflow is not called again');
});

test('flushed() resolves once the queued bulk has been handed to the socket, and every byte arrives', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  const frames = new FrameWriter(writer, { maxPendingBytes: 64 << 20, onOverflow: noOverflow });
  const total = 4 << 20;
  const got = receive(reader, total, 20_000);
  for (let sent = 0, n = 0; sent < total; sent += CHUNK, n++) frames.queue(Buffer.alloc(CHUNK, n & 0xff));
  assert.ok(frames.pendingBytes > 0, 'something is still queued before flushed()');

  await frames.flushed(15_000);
  assert.equal(frames.pendingBytes, 0, 'flushed() resolved with bytes still pending (timed out?)');
  const stream = await got;
  assert.equal(stream.length, total);
  for (let n = 0; n < total / CHUNK; n++) assert.equal(stream[n * CHUNK], n & 0xff, `chunk ${n} in order`);
});

test('flushed() resolves when the last pending bytes are small urgent writes (no drain event is due)', async (t) => {
  const { writer, reader, close } = await socketPair();
  t.after(close);
  reader.pause();
  const frames = new FrameWriter(writer, { maxPendingBytes: 64 << 20, onOverflow: noOverflow });
  // Fill the kernel's buffers with small writes until Node has to keep a few bytes itself: below the
  // socket's highWaterMark, so write() never returned false and no 'drain' will be emitted.
  const line = Buffer.alloc(512, 0x42);
  let written = 0;
  for (let i = 0; i < 100_000 && writer.writableLength === 0; i++) {
    frames.urgent(line);
    written += line.length;
    if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(
    writer.writableLength > 0 && !writer.writableNeedDrain,
    `set-up: ${writer.writableLength} bytes held by Node`,
  );

  let flushedDone = false;
  const flushed = frames.flushed(10_000).then(() => {
    flushedDone = true;
  });
  const got = receive(reader, written, 10_000);
  reader.resume();
  await got;
  // Every byte reached the reader; give the writer one second to notice before calling it stuck.
  for (let i = 0; i < 100 && !flushedDone; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(flushedDone, true, 'flushed() was still waiting after every byte had arrived');
  await flushed;
});

/**
 * The parts of a socket FrameWriter uses, with Node's rules for `writableNeedDrain` and 'drain' (set once the
 * buffered bytes reach the high-water mark; 'drain' once they are out), and a record of each corked batch.
 */
class RecordingSocket extends EventEmitter {
  destroyed = false;
  writableLength = 0;
  writableNeedDrain = false;
  readonly batches: Buffer[][] = [];
  private corks = 0;
  private batch: Buffer[] = [];
  constructor(private readonly highWaterMark: number) {
    super();
  }
  cork(): void {
    this.corks++;
  }
  uncork(): void {
    if (--this.corks === 0 && this.batch.length > 0) this.batches.push(this.batch.splice(0));
  }
  write(bytes: Buffer): boolean {
    this.batch.push(bytes);
    this.writableLength += bytes.length;
    if (this.writableLength >= this.highWaterMark) this.writableNeedDrain = true;
    return !this.writableNeedDrain;
  }
  /** The kernel took everything written so far. */
  takeAll(): void {
    this.writableLength = 0;
    if (!this.writableNeedDrain) return;
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

function queueChunks(frames: FrameWriter, count: number): Buffer[] {
  const chunks = Array.from({ length: count }, (_, i) => Buffer.alloc(CHUNK, i));
  for (const [i, bytes] of chunks.entries()) frames.queueChunk(imageChunkHeader(i, bytes.length), bytes);
  return chunks;
}

test('bulk leaves in batches of about BULK_WRITE_BYTES per drain, each chunk whole (header then bytes), in order', () => {
  const socket = new RecordingSocket(16 * 1024); // Node's default high-water mark
  const frames = new FrameWriter(socket as unknown as Socket, { maxPendingBytes: 256 << 20, onOverflow: noOverflow });
  const chunks = queueChunks(frames, 16);
  assert.equal(socket.batches.length, 1, 'the first chunk went out at once; the rest wait for drain');
  while (frames.pendingBytes > socket.writableLength) socket.takeAll();
  socket.takeAll();
  const perBatch = socket.batches.map((batch) => batch.length / 2);
  assert.deepEqual(perBatch, [1, 4, 4, 4, 3], 'chunks per writev: up to BULK_WRITE_BYTES, then the next drain');
  for (const batch of socket.batches) {
    const bytes = batch.reduce((n, b) => n + b.length, 0);
    assert.ok(bytes < BULK_WRITE_BYTES + CHUNK + 9, `a batch of ${bytes} bytes`);
  }
  const written = socket.batches.flat();
  assert.equal(written.length, 32);
  for (const [i, bytes] of chunks.entries()) {
    assert.equal(written[2 * i].readUInt32BE(5), i, `chunk ${i}'s header is in place`);
    assert.equal(written[2 * i + 1], bytes, `chunk ${i}'s bytes follow their header`);
  }
});

test('a socket whose high-water mark is above BULK_WRITE_BYTES still gets a drain to wait for: nothing stalls', () => {
  const socket = new RecordingSocket(2 << 20);
  const frames = new FrameWriter(socket as unknown as Socket, { maxPendingBytes: 256 << 20, onOverflow: noOverflow });
  queueChunks(frames, 40); // 2.5 MiB: past the high-water mark
  assert.ok(socket.writableNeedDrain, 'the writer filled the socket to its high-water mark');
  socket.takeAll();
  assert.equal(frames.pendingBytes, socket.writableLength, 'after one drain everything queued was handed on');
  assert.equal(socket.batches.flat().length, 80);
});

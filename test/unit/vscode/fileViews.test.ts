// The host's side of files: engine offers and transfers → the panel's FileView and TransferView (sizes, progress
// text, percent), what the host remembers of each transfer (bounded; the saved path found by message id), and
// the names it proposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, Peer } from '../../../src/chat/core/events';
import type { TransferProgress } from '../../../src/chat/core/files';
import {
  arrivingImageView,
  percentOf,
  progressText,
  toFileView,
  toTransferView,
} from '../../../src/vscode/files/fileViews';
import { TRANSFER_MESSAGE_LIMIT, TransferRecords } from '../../../src/vscode/files/transferRecords';
import { defaultSaveName, isImageName } from '../../../src/vscode/files/fileNames';
import { toMessageView } from '../../../src/vscode/panel/viewModel';

const bob: Peer = { id: 2, name: 'bob', address: '10.0.0.2:5000', kind: 'native' };
const MB = 1024 * 1024;

function progress(extra: Partial<TransferProgress> = {}): TransferProgress {
  return {
    id: 't1',
    messageId: 'c4',
    kind: 'file',
    direction: 'receive',
    peer: bob,
    name: 'report.pdf',
    bytes: Math.round(12.6 * MB),
    total: 30 * MB,
    bytesPerSecond: 8.1 * MB,
    state: 'running',
    ...extra,
  };
}

test('progress text: bytes of total and speed while running; the size once done; no speed before a measure', () => {
  assert.equal(progressText(progress()), '12.6 MB of 30 MB · 8.1 MB/s');
  assert.equal(progressText(progress({ bytesPerSecond: 0 })), '12.6 MB of 30 MB');
  assert.equal(progressText(progress({ state: 'done', bytes: 30 * MB })), '30 MB');
  assert.equal(progressText(progress({ state: 'cancelled' })), '12.6 MB of 30 MB');
  assert.equal(percentOf(1, 3), 33);
  assert.equal(percentOf(5, 0), 100);
  assert.equal(percentOf(0, 0), 0);
  assert.equal(percentOf(9, 4), 100, 'never above 100');
});

test('a transfer view: the peer as shown, the percent, the reason, and "saved" only for a received file that was', () => {
  const running = toTransferView(progress());
  assert.equal(running.percent, 42);
  assert.deepEqual(running.peer, { id: 2, name: 'bob', address: '10.0.0.2:5000', kind: 'native' });
  assert.equal(running.saved, undefined);
  const done = toTransferView(progress({ state: 'done', bytes: 30 * MB, savedPath: '/ws/chat_logs/files/report.pdf' }));
  assert.equal(done.saved, true);
  assert.equal(done.percent, 100);
  assert.ok(!JSON.stringify(done).includes('/ws/'), 'the saved path never goes to the webview');
  const failed = toTransferView(progress({ state: 'failed', reason: 'The disk is full.' }));
  assert.equal(failed.reason, 'The disk is full.');
});

test('a file offer message becomes a file row with its card data and the transfers the host knows', () => {
  const message: ChatMessage = {
    id: 'c4',
    at: 0,
    from: bob,
    text: '',
    own: false,
    file: { name: 'report.pdf', size: 30 * MB, mime: 'application/pdf' },
  };
  const plain = toMessageView(message, (p) => p);
  assert.equal(plain.kind, 'file');
  assert.deepEqual(plain.file, { name: 'report.pdf', size: 30 * MB, sizeText: '30 MB', mime: 'application/pdf' });
  assert.equal(plain.transfers, undefined);
  assert.deepEqual(toFileView({ name: 'a', size: 10, mime: '' }), { name: 'a', size: 10, sizeText: '10 B', mime: '' });
  const records = new TransferRecords();
  records.record(progress());
  const withProgress = toMessageView(
    message,
    (p) => p,
    (id) => records.of(id),
  );
  assert.deepEqual(
    withProgress.transfers?.map((t) => [t.id, t.state, t.percent]),
    [['t1', 'running', 42]],
  );
});

test('a received image still arriving: a placeholder row from its sender, with the message id the image will have', () => {
  const row = arrivingImageView(progress({ kind: 'image', messageId: 's9', name: undefined }), 0);
  assert.equal(row?.id, 's9', 'the image message replaces it by this id');
  assert.equal(row?.kind, 'image');
  assert.equal(row?.arriving, true);
  assert.equal(row?.from.name, 'bob');
  assert.equal(row?.own, false);
  assert.deepEqual(
    row?.transfers?.map((t) => t.state),
    ['running'],
  );
  assert.equal(arrivingImageView(progress({ kind: 'image', peer: undefined }), 0), undefined, 'no sender, no row');
});

test('transfer records: the latest of each, in order, the saved path by message id, bounded', () => {
  const records = new TransferRecords();
  assert.equal(records.record(progress({ id: 't1', direction: 'send', messageId: 'm1' })), true, 'first of m1');
  assert.equal(records.record(progress({ id: 't2', direction: 'send', messageId: 'm1' })), false);
  records.record(progress({ id: 't1', direction: 'send', messageId: 'm1', state: 'done' }));
  assert.deepEqual(
    records.of('m1').map((t) => [t.id, t.state]),
    [
      ['t1', 'done'],
      ['t2', 'running'],
    ],
  );
  assert.deepEqual(
    records.unfinished('m1').map((t) => t.id),
    ['t2'],
  );
  assert.equal(records.savedPath('m1'), undefined, 'a send saves nothing here');
  records.record(progress({ id: 't9', messageId: 'm2', state: 'done', savedPath: '/logs/files/a.txt' }));
  assert.equal(records.savedPath('m2'), '/logs/files/a.txt');
  assert.equal(records.find('t9')?.messageId, 'm2');
  for (let i = 0; i < TRANSFER_MESSAGE_LIMIT + 5; i++) records.record(progress({ id: `x${i}`, messageId: `k${i}` }));
  assert.deepEqual(records.of('m1'), [], 'the oldest messages are forgotten first');
  assert.equal(records.of(`k${TRANSFER_MESSAGE_LIMIT + 4}`).length, 1);
  records.clear();
  assert.equal(records.savedPath('m2'), undefined);
});

test('names: images go the image way by extension; Save As… proposes only the last part of the offered name', () => {
  assert.equal(isImageName('/tmp/Shot.PNG'), true);
  assert.equal(isImageName('/tmp/report.pdf'), false);
  assert.equal(isImageName('/tmp/png'), false);
  assert.equal(defaultSaveName('../../etc/passwd'), 'passwd');
  assert.equal(defaultSaveName('C:\\Users\\x\\notes.txt'), 'notes.txt');
  assert.equal(defaultSaveName('.bashrc'), 'bashrc');
  assert.equal(defaultSaveName('a\u0000b?.txt'), 'a_b_.txt');
  assert.equal(defaultSaveName('..'), 'file');
  assert.equal(defaultSaveName('x'.repeat(1000)).length, 200);
});

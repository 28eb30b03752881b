// The CLI's progress line for each transfer, and the screen that keeps it (and the line being typed) below the
// chat lines on a terminal; off a terminal, only the start, each quarter and the end are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Interface } from 'node:readline';
import type { TransferProgress } from '../../../src/chat/core/files';
import { progressLine, progressPrinter } from '../../../src/cli/progressLines';
import { Screen } from '../../../src/cli/screen';

const MB = 1024 * 1024;
const bob = { id: 2, name: 'bob', address: '127.0.0.1:5000', kind: 'native' as const };

function transfer(extra: Partial<TransferProgress> = {}): TransferProgress {
  return {
    id: 't1',
    messageId: 'c4',
    kind: 'file',
    direction: 'send',
    name: 'report.pdf',
    peer: bob,
    bytes: 12.6 * MB,
    total: 30 * MB,
    bytesPerSecond: 8.1 * MB,
    state: 'running',
    ...extra,
  };
}

/** A terminal as the screen sees it: what was written, and a width. */
function fakeTerminal(): NodeJS.WriteStream & { text: string } {
  const out = { isTTY: true, columns: 60, text: '', write: (s: string) => ((out.text += s), true) };
  return out as unknown as NodeJS.WriteStream & { text: string };
}

test('progressLine: what moves, to or from whom, how far, how fast; and how it ended', () => {
  assert.equal(progressLine(transfer()), '↑ report.pdf to bob  42%  12.6 MB of 30 MB  8.1 MB/s');
  assert.equal(
    progressLine(transfer({ kind: 'image', name: undefined, peer: undefined, bytesPerSecond: 0, bytes: 0 })),
    '↑ image to the room  0%  0 B of 30 MB',
  );
  assert.equal(
    progressLine(transfer({ direction: 'receive', state: 'done', bytes: 30 * MB, savedPath: '/logs/files/r.pdf' })),
    '↓ report.pdf from bob  100%  30 MB of 30 MB  done  saved to /logs/files/r.pdf',
  );
  assert.equal(
    progressLine(transfer({ state: 'cancelled', reason: 'bob cancelled it' })),
    '↑ report.pdf to bob  cancelled at 42%: bob cancelled it',
  );
  assert.equal(
    progressLine(transfer({ direction: 'receive', state: 'declined', reason: 'declined' })),
    '↓ report.pdf from bob  declined',
  );
  assert.equal(progressLine(transfer({ name: 'evil\x1b]0;title\x07.pdf' })).includes('\x1b'), false, 'escaped');
});

test('off a terminal: one line at the start, at each quarter and at the end, however many events come', () => {
  const screen = new Screen({ isTTY: false } as NodeJS.WriteStream);
  const lines: string[] = [];
  const show = progressPrinter(screen, (line) => lines.push(line));
  for (let bytes = 0; bytes < 30 * MB; bytes += MB / 4) show(transfer({ bytes }));
  show(transfer({ bytes: 30 * MB, state: 'done' }));
  assert.deepEqual(
    lines.map((line) => /\d+%/.exec(line)?.[0]),
    ['0%', '25%', '50%', '75%', '100%'],
  );
  assert.match(lines[4], /done$/);
});

test('on a terminal: the line is updated in place, chat lines go above it, and it is printed for good at the end', () => {
  const out = fakeTerminal();
  const screen = new Screen(out);
  const printed: string[] = [];
  const show = progressPrinter(screen, (line) => {
    printed.push(line);
    screen.write(`${line}\n`);
  });
  show(transfer({ bytes: 0 }));
  show(transfer());
  assert.equal(printed.length, 0, 'nothing printed for good while it runs');
  assert.ok(out.text.endsWith('↑ report.pdf to bob  42%  12.6 MB of 30 MB  8.1 MB/s\n'), JSON.stringify(out.text));
  out.text = '';
  screen.write('[12:00:00] ann: hi\n');
  assert.equal(
    out.text,
    '\r\x1b[K\x1b[1A\x1b[J[12:00:00] ann: hi\n↑ report.pdf to bob  42%  12.6 MB of 30 MB  8.1 MB/s\n',
    'the live line is erased, the chat line written, the live line drawn again below it',
  );
  show(transfer({ bytes: 30 * MB, state: 'done' }));
  assert.deepEqual(printed, ['↑ report.pdf to bob  100%  30 MB of 30 MB  done']);
  out.text = '';
  screen.write('after\n');
  assert.equal(out.text, 'after\n', 'no live line left to redraw');

  show(transfer({ name: 'x'.repeat(200) }));
  const row = out.text.split('\n').at(-2) ?? '';
  assert.ok([...row].length <= 59, 'a live line never wraps (the redraw counts one row per line)');
});

test('on a terminal with a line being typed: it is put back, cursor and all, below whatever is printed', () => {
  const out = fakeTerminal();
  const screen = new Screen(out);
  const typing = Object.assign(new EventEmitter(), { line: 'half a sentence', cursor: 4 });
  screen.attachInput(typing as unknown as Interface);
  screen.write('[12:00:00] bob: hello\n');
  assert.equal(out.text, '\r\x1b[K\x1b[J[12:00:00] bob: hello\nhalf a sentence\x1b[11D');
  out.text = '';
  screen.setLive('t1', 'live');
  assert.equal(out.text, '\r\x1b[K\x1b[Jlive\nhalf a sentence\x1b[11D');
  // Enter: readline moved below the typed line and emptied it; the entered line stays above the live line.
  Object.assign(typing, { line: '', cursor: 0 });
  out.text = '';
  typing.emit('line', 'half a sentence');
  assert.equal(out.text, '\x1b[1A\r\x1b[K\x1b[1A\x1b[Jhalf a sentence\nlive\n');
});

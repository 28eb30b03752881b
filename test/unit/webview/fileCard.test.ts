// What a file card says and offers in each state (fileCardModel.ts; fileCard.ts only draws it), what an image's
// progress line shows, and that search finds file rows by their name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageView, TransferView } from '../../../src/webviewApi';
import { webviewStrings } from '../../../src/vscode/panel/webviewStrings';
import { setStrings } from '../../../webview/strings';
import { endText, fileCard, imageTravel } from '../../../webview/render/body/fileCardModel';
import { ChatSearch, searchPieces } from '../../../webview/render/search/search';
import { spokenLine } from '../../../webview/render/messages/announcer';

setStrings(webviewStrings()); // the English the host sends

const bob = { id: 2, name: 'bob', address: '10.0.0.2:5000', kind: 'native' as const };
const cy = { id: 3, name: 'cy', address: '10.0.0.3:5000', kind: 'native' as const };
const file = { name: 'report.pdf', size: 31_457_280, sizeText: '30 MB', mime: 'application/pdf' };

function offer(extra: Partial<MessageView> = {}): MessageView {
  return {
    entry: 'message',
    id: 'm7',
    at: 1,
    time: '12:00:00',
    from: bob,
    text: '',
    own: false,
    kind: 'file',
    file,
    ...extra,
  };
}

function transfer(extra: Partial<TransferView> = {}): TransferView {
  return {
    id: 't1',
    messageId: 'm7',
    kind: 'file',
    direction: 'receive',
    peer: bob,
    state: 'running',
    bytes: 13_212_057,
    total: 31_457_280,
    percent: 42,
    progressText: '12.6 MB of 30 MB · 8.1 MB/s',
    ...extra,
  };
}

test('a received offer: Accept, Save As… and Decline, nothing else', () => {
  const card = fileCard(offer(), file);
  assert.equal(card.state, 'offered');
  assert.deepEqual(card.actions, ['accept', 'saveAs', 'decline']);
  assert.deepEqual(card.lines, []);
});

test('accepted and running: one progress line with its text and a Cancel naming the sender, no answer buttons', () => {
  const card = fileCard(offer({ transfers: [transfer()] }), file);
  assert.equal(card.state, 'running');
  assert.deepEqual(card.actions, []);
  assert.equal(card.lines.length, 1);
  const [line] = card.lines;
  assert.equal(line.end, undefined);
  assert.equal(line.transfer.progressText, '12.6 MB of 30 MB · 8.1 MB/s');
  assert.equal(line.barLabel, 'Transfer of report.pdf');
  assert.equal(line.cancelName, 'Cancel the transfer with bob', 'the accessible name starts with the visible text');
  assert.equal(line.peer, undefined, 'the sender is the row header already');
});

test('saved: "Saved" with Open and Reveal; declined, cancelled and failed say so with the reason', () => {
  const saved = fileCard(offer({ transfers: [transfer({ state: 'done', percent: 100, saved: true })] }), file);
  assert.equal(saved.state, 'done');
  assert.equal(saved.lines[0].end, 'Saved');
  assert.deepEqual(saved.actions, ['open', 'reveal']);
  const notSaved = fileCard(offer({ transfers: [transfer({ state: 'done' })] }), file);
  assert.deepEqual(notSaved.actions, [], 'no Open without a saved file');
  const declined = fileCard(offer({ transfers: [transfer({ state: 'declined', reason: 'declined' })] }), file);
  assert.equal(declined.lines[0].end, 'Declined');
  assert.deepEqual(declined.actions, []);
  const cancelled = transfer({ state: 'cancelled', reason: 'bob stopped sending it.' });
  assert.equal(endText(cancelled), 'Cancelled: bob stopped sending it.');
  assert.equal(endText(transfer({ state: 'failed', reason: 'The disk is full.' })), 'Failed: The disk is full.');
  assert.equal(endText(transfer()), undefined);
});

test('my own offer: "Offered to the room", then one line per receiver ("to bob"), each with its own state', () => {
  const mine = offer({ own: true, from: { id: 1, name: 'ann', address: 'host', kind: 'host' } });
  const waiting = fileCard(mine, file);
  assert.equal(waiting.status, 'Offered to the room');
  assert.equal(waiting.empty, 'nobody has accepted yet');
  assert.deepEqual(waiting.actions, [], 'no Accept on my own offer');
  const toBob = transfer({ direction: 'send', peer: bob });
  const toCy = transfer({ id: 't2', direction: 'send', peer: cy, state: 'done', percent: 100 });
  const card = fileCard({ ...mine, transfers: [toBob, toCy] }, file);
  assert.equal(card.empty, undefined);
  assert.deepEqual(
    card.lines.map((l) => [l.peer, l.end ?? l.transfer.progressText]),
    [
      ['to bob', '12.6 MB of 30 MB · 8.1 MB/s'],
      ['to cy', 'Sent'],
    ],
  );
  assert.equal(card.lines[0].cancelName, 'Cancel the transfer with bob');
});

test('images: a placeholder row says who is sending and shows progress; my own image shows it until done', () => {
  const arriving = offer({ kind: 'image', file: undefined, arriving: true, transfers: [transfer({ kind: 'image' })] });
  const travel = imageTravel(arriving);
  assert.equal(travel?.caption, 'bob is sending an image');
  assert.equal(travel?.lines.length, 1);
  const sending = offer({
    kind: 'image',
    file: undefined,
    own: true,
    transfers: [transfer({ kind: 'image', peer: undefined, direction: 'send' })],
  });
  assert.equal(imageTravel(sending)?.caption, undefined, 'my own row has its image already');
  assert.equal(imageTravel(sending)?.lines[0].barLabel, 'Sending the image');
  const sent = { ...sending, transfers: [transfer({ kind: 'image', direction: 'send', state: 'done' })] };
  assert.equal(imageTravel(sent), undefined, 'nothing once it is done');
  assert.equal(imageTravel(offer({ kind: 'text', file: undefined })), undefined);
});

test('search finds a file row by its name; the screen reader hears the file named', () => {
  const rows = [offer(), offer({ id: 'm8', kind: 'text', file: undefined, text: 'see the report' })];
  assert.deepEqual(searchPieces(rows[0]), ['report.pdf']);
  const search = new ChatSearch();
  search.run(rows, 'REPORT');
  assert.deepEqual(
    search.matches.map((m) => [m.id, m.piece]),
    [
      ['m7', 0],
      ['m8', 0],
    ],
  );
  assert.equal(spokenLine(offer()), 'bob: a file, report.pdf (30 MB)');
});

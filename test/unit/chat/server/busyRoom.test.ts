// A busy room: several members saying many lines at once, so each turn of the server's event loop relays many
// messages to every member and the server's output packing (server/connection/outputSlab.ts: runs of messages written as
// slices of shared slabs, big turns written as several parts) is exercised across slab boundaries. Every member
// must get every line of the others exactly once, in each sender's order, and never its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../../../../src/chat/wire/frames';
import { delay, RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

const LINES = 2500;
const ROUND = 50;
/** About 90 bytes a line as relayed: 3 senders × 2,500 lines is well over one 256 KiB slab. */
const line = (who: string, n: number) => `${who}-${String(n).padStart(5, '0')}-${'x'.repeat(50)}`;

function linesOf(text: string, who: string): string[] {
  return [...text.matchAll(new RegExp(`\\] ${who}: (${who}-\\d{5}-x+)\\r\\n`, 'g'))].map((m) => m[1]);
}

test('a busy room: every line of the others reaches each member once, in order, and never its own', async (t) => {
  const { server, port } = await startServer({ rateLimit: false, addressRateLimit: false });
  t.after(() => server.close());
  const names = ['ann', 'bob', 'cy'];
  const plain = await Promise.all(names.map((name) => RawPlainClient.join(port, name)));
  const native = await RawNativeClient.join(port, 'nat');
  t.after(() => {
    for (const peer of [...plain, native]) peer.close();
  });
  const expected = (who: string) => Array.from({ length: LINES }, (_, n) => line(who, n));
  // In rounds: all three senders write 50 lines each, then a pause, so the server reads the three in one turn of
  // its event loop — each member's output for that turn has the others' lines with its own in between.
  for (let first = 0; first < LINES; first += ROUND) {
    plain.forEach((peer, i) =>
      peer.write(
        expected(names[i])
          .slice(first, first + ROUND)
          .join('\n') + '\n',
      ),
    );
    await delay(2);
  }

  for (const [i, peer] of plain.entries()) {
    for (const other of names.filter((n) => n !== names[i])) {
      await waitFor(
        () => linesOf(peer.text, other).length >= LINES,
        () => `${names[i]} to get ${LINES} lines of ${other} (has ${linesOf(peer.text, other).length})`,
        20_000,
      );
      assert.deepEqual(linesOf(peer.text, other), expected(other), `${names[i]} gets ${other}'s lines once, in order`);
    }
    assert.deepEqual(linesOf(peer.text, names[i]), [], `${names[i]} never gets its own lines back`);
  }
  const texts = (who: string) =>
    native.frames
      .filter((f) => f.type === FrameType.Message && f.body.from?.name === who)
      .map((f) => (f.type === FrameType.Message ? f.body.text : ''));
  for (const who of names) {
    await waitFor(() => texts(who).length >= LINES, `the native member to get ${who}'s lines`, 20_000);
    assert.deepEqual(texts(who), expected(who), `the native member gets ${who}'s lines once, in order`);
  }
});

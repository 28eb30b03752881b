// A room under churn and crowding, over real sockets: many joins and leaves in a row are summed up in one line
// (a single join still gets its line at once); a plain-text member who only reads is never dropped while slots are
// free, and gives its slot to a newcomer only when the server is full; /who cannot be used to flood.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, RawNativeClient, RawPlainClient, startServer, waitFor } from '../../../support/helpers';

/** Counts the joins and leaves a member was told about, one line each or summed up. */
function presence(notices: string[]): { joined: number; left: number; single: number; summaries: number } {
  const counts = { joined: 0, left: 0, single: 0, summaries: 0 };
  for (const text of notices) {
    const single = /^guest-\d+ (?:\(127\.0\.0\.1:\d+\) (joined)|left)\.$/.exec(text);
    if (single) {
      counts.single++;
      if (single[1]) counts.joined++;
      else counts.left++;
    }
    const summary =
      /^In the last 0\.5 s: (?:(\d+) (?:more )?(?:people|person) joined)?(?:, )?(?:(\d+) (?:more )?(?:people|person) left)?\.$/.exec(
        text,
      );
    if (summary) {
      counts.summaries++;
      counts.joined += Number(summary[1] ?? 0);
      counts.left += Number(summary[2] ?? 0);
    }
  }
  return counts;
}

test('churn: many joins and leaves are summed up in one line per interval; a single join later is shown at once', async (t) => {
  const { server, port } = await startServer({ joinLeaveNotices: { perInterval: 3, intervalMs: 500 } });
  t.after(() => server.close());
  const watcher = await RawNativeClient.join(port, 'watcher');
  t.after(() => watcher.close());
  await delay(600); // the watcher's own join is in an earlier interval
  for (let i = 0; i < 10; i++) {
    const churner = await RawPlainClient.guest(port);
    churner.close();
    await waitFor(() => server.roster.connections === 1, 'the churner gone');
  }
  await waitFor(
    () => presence(watcher.noticeTexts()).left === 10 && presence(watcher.noticeTexts()).joined === 10,
    () => `every join and leave accounted for (${JSON.stringify(watcher.noticeTexts())})`,
    3000,
  );
  const counts = presence(watcher.noticeTexts());
  assert.ok(counts.single <= 3 * 2, `few single lines (${counts.single})`);
  assert.ok(counts.summaries >= 1, 'at least one summary line');

  // Quiet again: an honest single join gets its normal line at once.
  await delay(1200);
  const before = Date.now();
  const solo = await RawPlainClient.guest(port);
  t.after(() => solo.close());
  await watcher.waitNotice(/^guest-\d+ \(127\.0\.0\.1:\d+\) joined\.$/, 300);
  assert.ok(Date.now() - before < 400, 'not held back to the end of an interval');
});

// Listeners send nothing at all now (a first line is a message, not a name): seated at the handshake deadline.
test('idle: a plain-text listener who never types is kept while slots are free, and displaced only when full', async (t) => {
  const { server, port, events } = await startServer({
    maxConnections: 3,
    idlePlainDisplaceMs: 300,
    heartbeatIntervalMs: 50,
    handshakeTimeoutMs: 100,
  });
  t.after(() => server.close());
  const listener = async () => {
    const client = await RawPlainClient.connect(port);
    await client.waitText(/Welcome to Server, guest-\d+/);
    return client;
  };
  const reader = await listener();
  t.after(() => reader.close());
  await delay(700); // many heartbeats and well past the idle time: still here, slots are free
  assert.equal(reader.closed, false);
  const talker = await RawPlainClient.join(port, 'talker');
  t.after(() => talker.close());
  talker.write('hello\n');
  await waitFor(() => events.messages.some((m) => m.text === 'hello'), 'the talker spoke');
  const quietNewcomer = await listener();
  t.after(() => quietNewcomer.close());
  assert.equal(reader.closed, false, 'the server is full, but nobody needs the slot yet');

  // A newcomer needs a slot: the oldest quiet one (the reader) gives it up with a goodbye line.
  const newcomer = await RawPlainClient.join(port, 'newcomer');
  t.after(() => newcomer.close());
  await reader.waitText(
    /The server is full and you have not typed anything since you joined; your connection goes to a newcomer\. Goodbye!\r\n/,
  );
  await reader.waitClosed();
  assert.equal(talker.closed, false, 'someone who spoke is never displaced');
  assert.equal(quietNewcomer.closed, false, 'someone quiet for less than idlePlainDisplaceMs is not displaced');
  await waitFor(
    () => /^Server,talker,guest-\d+,newcomer$/.test(server.roster.active.map((p) => p.name).join()),
    'the roster',
  );

  // Full again, and nobody has been quiet long enough: the next newcomer is refused as before.
  const late = await RawPlainClient.connect(port);
  late.write('late\n');
  await late.waitText(/Sorry: The server is full \(3 connections\); try again later\./);
  await late.waitClosed();
});

for (const [command, answer] of [
  ['/who', 'Chatting ('],
  ['/help', 'Commands:'],
] as const) {
  test(`${command} from a plain-text peer is rate limited like messages: a flood of it gets a few answers and one notice`, async (t) => {
    const { server, port } = await startServer();
    t.after(() => server.close());
    const nc = await RawPlainClient.guest(port);
    t.after(() => nc.close());
    nc.write(`${command}\n`.repeat(2000));
    await nc.waitText(/Slow down/);
    await delay(200);
    const answers = nc.text.split(answer).length - 1;
    assert.ok(answers >= 20 && answers <= 25, `about the burst of 20 answered (got ${answers} of 2000)`);
    assert.equal(nc.text.split('Slow down').length - 1, 1, 'one notice for the mute');
    assert.equal(nc.closed, false);
  });
}

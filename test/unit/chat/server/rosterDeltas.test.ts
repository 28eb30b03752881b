// Roster deltas over real sockets: clients that offer rosterDelta get one whole Roster, then only what changed;
// older clients (no rosterDelta in their Hello) get whole rosters as before — and everyone holds the same roster
// as the server after joins, leaves, renames, away, admissions from the queue, kicks and a resumed connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Roster } from '../../../../src/chat/core/events';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { encodeFrame } from '../../../../src/chat/wire/codec';
import { FrameType } from '../../../../src/chat/wire/frames';
import { applyRosterDelta } from '../../../../src/chat/wire/rosterDelta';
import { RawNativeClient, startServer, waitFor } from '../../support/helpers';

/** A raw native client whose Hello offers roster deltas (what ChatClient does against this server). */
async function joinWithDeltas(port: number, name: string, resume?: string): Promise<RawNativeClient> {
  const client = await RawNativeClient.connect(port);
  assert.equal(client.challenge?.rosterDelta, true, 'the server offers roster deltas');
  client.send({ type: FrameType.Hello, body: { v: 1, name, rosterDelta: true, ...(resume ? { resume } : {}) } });
  await client.waitFrame(FrameType.Welcome);
  return client;
}

/** The roster a raw client holds: its Roster and RosterDelta frames applied in order. */
function held(client: RawNativeClient): Roster | undefined {
  let roster: Roster | undefined;
  for (const frame of client.frames) {
    if (frame.type === FrameType.Roster) roster = frame.body;
    else if (frame.type === FrameType.RosterDelta) {
      assert.ok(roster, 'a delta never comes before a whole roster');
      const next = applyRosterDelta(roster, frame.body);
      assert.equal(typeof next, 'object', String(next));
      roster = next as Roster;
    }
  }
  return roster;
}

/** Bytes of the roster frames (whole and delta) a raw client received. */
function rosterBytes(client: RawNativeClient, type?: FrameType.Roster | FrameType.RosterDelta): number {
  let bytes = 0;
  for (const frame of client.frames)
    if ((frame.type === FrameType.Roster || frame.type === FrameType.RosterDelta) && (!type || frame.type === type))
      bytes += encodeFrame(frame).length;
  return bytes;
}

test('a delta client, a ChatClient and an old client hold the same roster as the server through joins, leaves, renames, away, admit, kick and resume', async (t) => {
  const { server, port } = await startServer({ seats: 4 });
  const raws: RawNativeClient[] = [];
  const chat = new ChatClient({ host: '127.0.0.1', port, name: 'Chatty', reconnect: false });
  t.after(async () => {
    for (const raw of raws) raw.socket.destroy();
    await chat.close();
    await server.close();
  });
  const watcher = await joinWithDeltas(port, 'Watcher');
  const old = await RawNativeClient.join(port, 'Old');
  raws.push(watcher, old);
  await chat.connect();
  const lastWhole = (c: RawNativeClient) => c.of(FrameType.Roster).at(-1)?.body;
  const agree = async (step: string) => {
    await waitFor(
      () =>
        isDeepStrictEqual(held(watcher), server.roster) &&
        isDeepStrictEqual(lastWhole(old), server.roster) &&
        isDeepStrictEqual(chat.roster, server.roster),
      () =>
        `${step}: everyone to hold the server's roster ${JSON.stringify(server.roster)}; delta client ${JSON.stringify(held(watcher))}; old ${JSON.stringify(lastWhole(old))}; ChatClient ${JSON.stringify(chat.roster)}`,
      5000,
    );
  };
  await agree('joins');
  const bob = await joinWithDeltas(port, 'Bob'); // the last of 4 seats
  const carol = await joinWithDeltas(port, 'Carol'); // waits, #1
  const dave = await RawNativeClient.join(port, 'Dave'); // waits, #2 (an old client)
  raws.push(bob, carol, dave);
  await agree('the queue');
  assert.deepEqual(
    server.roster.waiting.map((p) => p.name),
    ['Carol', 'Dave'],
  );
  chat.rename('Chatterbox');
  chat.setAway('lunch');
  server.rename('The Host');
  server.setTopic('deltas');
  await agree('renames, away and the topic');
  chat.setAway(undefined);
  await agree('back');
  bob.close(); // Carol is admitted from the queue
  await agree('a leave and an admission');
  server.admit(server.roster.waiting[0].id); // Dave, over the seat count
  await agree('the host admits');
  server.kick(server.roster.active.find((p) => p.name === 'Carol')!.id, 'testing');
  await agree('a kick');
  // Resume: Watcher comes back on a new connection with its token; the new connection starts from a whole roster.
  const token = watcher.of(FrameType.Welcome)[0].body.resume;
  assert.ok(token);
  const again = await joinWithDeltas(port, 'Watcher', token);
  raws.push(again);
  assert.equal(again.of(FrameType.Welcome)[0].body.resumed, true);
  await waitFor(() => again.frames.some((f) => f.type === FrameType.Roster), 'a whole roster after resuming');
  const firstRoster = again.frames.find((f) => f.type === FrameType.Roster || f.type === FrameType.RosterDelta);
  assert.equal(firstRoster?.type, FrameType.Roster);
  raws.shift(); // the old connection was closed by the server
  raws.push(await joinWithDeltas(port, 'Erin'));
  await waitFor(
    () => isDeepStrictEqual(held(again), server.roster) && isDeepStrictEqual(chat.roster, server.roster),
    () => `after resuming: ${JSON.stringify(held(again))} vs ${JSON.stringify(server.roster)}`,
    5000,
  );
  // The delta clients really got deltas, the old one never did.
  assert.ok(again.of(FrameType.RosterDelta).length > 0);
  assert.ok(watcher.of(FrameType.RosterDelta).length >= 5);
  assert.equal(watcher.of(FrameType.Roster).length, 1, 'one whole roster, when it joined');
  assert.equal(old.of(FrameType.RosterDelta).length, 0);
});

test('200 joins: each joiner gets one whole roster, a watcher gets deltas whose total grows linearly (an old client: quadratically)', async (t) => {
  const { server, port } = await startServer({ connectionsPerAddress: 1000, connectRate: false });
  const joiners: RawNativeClient[] = [];
  const watcher = await joinWithDeltas(port, 'Watcher');
  const old = await RawNativeClient.join(port, 'Old');
  t.after(async () => {
    for (const c of [watcher, old, ...joiners]) c.socket.destroy();
    await server.close();
  });
  const settled = (n: number) =>
    waitFor(
      () => held(watcher)?.active.length === n + 3 && old.of(FrameType.Roster).at(-1)?.body.active.length === n + 3,
      `the roster with ${n} joiners`,
      10_000,
    );
  const totals: Array<{ delta: number; old: number }> = [];
  for (const upTo of [100, 200]) {
    while (joiners.length < upTo) joiners.push(await joinWithDeltas(port, `j${joiners.length}`));
    await settled(upTo);
    totals.push({ delta: rosterBytes(watcher, FrameType.RosterDelta), old: rosterBytes(old) });
  }
  for (const joiner of joiners.slice(0, -1)) {
    const kinds = joiner.frames.filter((f) => f.type === FrameType.Roster || f.type === FrameType.RosterDelta);
    assert.equal(kinds[0].type, FrameType.Roster);
    assert.equal(joiner.of(FrameType.Roster).length, 1, 'one whole roster per joiner');
  }
  const perJoin = totals[1].delta / 200;
  assert.ok(perJoin < 300, `about one peer entry per join to the watcher, got ${perJoin.toFixed(0)} bytes`);
  assert.ok(
    totals[1].delta < 2.5 * totals[0].delta,
    `the watcher's delta bytes grow linearly: ${totals[0].delta} after 100 joins, ${totals[1].delta} after 200`,
  );
  assert.ok(
    totals[1].old > 10 * totals[1].delta,
    `whole rosters cost far more: ${totals[1].old} vs ${totals[1].delta}`,
  );
  assert.deepEqual(held(watcher), server.roster);
});

test("a plain-text member's welcome names the first 30 people chatting, then how many more (a room of 10,000 is not one line of names)", async () => {
  const { hereNow, WELCOME_NAMES } = await import('../../../../src/chat/server/room/rosterUpdates');
  const peers = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: i, name: `p${i}`, address: 'a', kind: 'native' as const }));
  assert.equal(hereNow(peers(3)), 'p0, p1, p2');
  assert.equal(hereNow(peers(WELCOME_NAMES)).split(', ').length, WELCOME_NAMES);
  const big = hereNow(peers(10_000));
  assert.match(big, /^p0, p1, .*, p29 and 9,970 others \(\/who lists everyone\)$/);
});

// The client's side of roster deltas against a scripted server: deltas are applied to the roster it holds, the
// 'roster' event is paced (at most every ROSTER_EVENT_GAP_MS, the last state never lost), and a delta that does not
// fit — an unknown id, a duplicate join, more than MAX_ROSTER_PEERS — is unreadable data: the client says so and
// disconnects (reconnecting brings a whole roster again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer, Roster } from '../../../../src/chat/core/events';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { ROSTER_EVENT_GAP_MS } from '../../../../src/chat/client/rosterState';
import { encodeFrame } from '../../../../src/chat/wire/codec';
import { FrameType, MAX_ROSTER_PEERS, type RosterDeltaBody } from '../../../../src/chat/wire/frames';
import { EventRecorder, startScriptedServer, within } from '../../support/clientHelpers';
import { waitFor } from '../../support/helpers';

const host: Peer = { id: 0, name: 'Host', address: 'host', kind: 'host' };
const peer = (id: number): Peer => ({ id, name: `p${id}`, address: `127.0.0.1:${40000 + id}`, kind: 'native' });

async function scripted(t: { after(fn: () => unknown): void }) {
  const server = await startScriptedServer();
  t.after(() => server.close());
  const client = new ChatClient({ host: '127.0.0.1', port: server.port, name: 'ann', reconnect: false });
  const events = new EventRecorder(client);
  const rosters: Roster[] = [];
  client.on('roster', (r) => rosters.push(r));
  t.after(() => client.close());
  await within(client.connect(), 5000, 'connect to the scripted server');
  const { socket } = await within(server.accepted, 5000, 'the scripted server to accept');
  const whole = (roster: Roster) => socket.write(encodeFrame({ type: FrameType.Roster, body: roster }));
  const delta = (body: RosterDeltaBody) => socket.write(encodeFrame({ type: FrameType.RosterDelta, body }));
  return { client, events, rosters, whole, delta };
}

test('deltas change the roster the client holds; 500 of them in a burst fire the roster event a few times, ending with the last state', async (t) => {
  const { client, rosters, whole, delta } = await scripted(t);
  whole({ seats: 0, active: [host, peer(1)], waiting: [], connections: 1 });
  await waitFor(() => client.roster.active.length === 2, 'the whole roster');
  const started = Date.now();
  for (let id = 2; id <= 501; id++) delta({ joined: [{ peer: peer(id), index: id }], connections: id });
  delta({ changed: [{ id: 1, away: 'lunch' }], left: [2] });
  await waitFor(() => rosters.at(-1)?.connections === 501 && rosters.at(-1)?.active.length === 501, 'all joins', 5000);
  const elapsed = Date.now() - started;
  const last = rosters.at(-1)!;
  assert.equal(last.active[1].away, 'lunch');
  assert.ok(!last.active.some((p) => p.id === 2));
  assert.deepEqual(client.roster, last);
  assert.ok(
    rosters.length <= 3 + Math.ceil(elapsed / ROSTER_EVENT_GAP_MS),
    `${rosters.length} roster events for 501 changes in ${elapsed} ms (at most one per ${ROSTER_EVENT_GAP_MS} ms)`,
  );
});

for (const [what, body] of [
  ['an unknown id leaving', { left: [77] }],
  ['a duplicate join', { joined: [{ peer: peer(1), index: 2 }] }],
] as const) {
  test(`a delta with ${what} is unreadable data: the client says so and disconnects`, async (t) => {
    const { client, events, whole, delta } = await scripted(t);
    whole({ seats: 0, active: [host, peer(1)], waiting: [], connections: 1 });
    await waitFor(() => client.roster.active.length === 2, 'the whole roster');
    delta(body as unknown as RosterDeltaBody);
    const notice = await events.notice((n) => n.code === 'protocol', 'the unreadable-data notice');
    assert.match(
      notice.text,
      /cannot read \(roster change: peer (77 is not in the roster|1 joined twice)\); disconnecting\./,
    );
    await events.state('closed');
  });
}

test('a delta that would take a list past MAX_ROSTER_PEERS is unreadable data too', async (t) => {
  const { client, events, whole, delta } = await scripted(t);
  const waiting = Array.from({ length: MAX_ROSTER_PEERS }, (_, i) => peer(i + 1));
  whole({ seats: 1, active: [host], waiting, connections: MAX_ROSTER_PEERS });
  await waitFor(() => client.roster.waiting.length === MAX_ROSTER_PEERS, 'the full queue', 5000);
  delta({ joined: [{ peer: peer(MAX_ROSTER_PEERS + 5), waiting: true, index: 0 }] });
  const notice = await events.notice((n) => n.code === 'protocol', 'the unreadable-data notice');
  assert.match(notice.text, new RegExp(`would pass ${MAX_ROSTER_PEERS} peers`));
  await events.state('closed');
});

test('a delta before any whole roster is unreadable data', async (t) => {
  const { events, delta } = await scripted(t);
  delta({ connections: 3 });
  const notice = await events.notice((n) => n.code === 'protocol', 'the unreadable-data notice');
  assert.match(notice.text, /roster change came before any roster/);
});

// Roster deltas as pure functions: what rosterDelta() computes between two rosters, applied by applyRosterDelta(),
// gives back the second roster exactly — for random sequences of joins, leaves, renames, away, admissions and
// queue changes — and a delta that does not fit the roster it is applied to is refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer, Roster } from '../../../../src/chat/core/events';
import { MAX_ROSTER_PEERS } from '../../../../src/chat/wire/frames';
import { applyRosterDelta, rosterDelta } from '../../../../src/chat/wire/rosterDelta';
import { checkBody } from '../../../../src/chat/wire/validation';
import { FrameType } from '../../../../src/chat/wire/frames';

const host: Peer = { id: 0, name: 'Host', address: 'host', kind: 'host' };
const member = (id: number): Peer => ({ id, name: `m${id}`, address: `10.0.0.1:${1000 + id}`, kind: 'native' });

/** A tiny deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function step(roster: Roster, rnd: () => number, next: () => number): Roster {
  const active = [...roster.active];
  const waiting = [...roster.waiting];
  const pick = (list: Peer[], from = 0) => from + Math.floor(rnd() * (list.length - from));
  const r = rnd();
  if (r < 0.3) (rnd() < 0.5 ? active : waiting).push(member(next()));
  else if (r < 0.45 && active.length > 1) active.splice(pick(active, 1), 1);
  else if (r < 0.55 && waiting.length > 0) waiting.splice(pick(waiting), 1);
  else if (r < 0.65 && waiting.length > 0)
    active.push(...waiting.splice(pick(waiting), 1)); // admitted
  else if (r < 0.75 && active.length > 1) {
    const i = pick(active, 1);
    active[i] = { ...active[i], name: `${active[i].name}x` };
  } else if (r < 0.85) {
    const i = pick(active);
    const { away, ...rest } = active[i];
    active[i] = away === undefined ? { ...rest, away: rnd() < 0.5 ? '' : 'lunch' } : rest;
  } else if (r < 0.9 && active.length > 1) {
    const i = pick(active, 1);
    active[i] = active[i].encrypted ? { ...active[i], encrypted: undefined } : { ...active[i], encrypted: true };
    if (active[i].encrypted === undefined) delete active[i].encrypted;
  } else if (r < 0.95 && waiting.length > 1) waiting.push(...waiting.splice(pick(waiting), 1)); // queue reordered
  const topic = rnd() < 0.05 ? (roster.topic ? '' : 'standup') : (roster.topic ?? '');
  return {
    seats: rnd() < 0.05 ? roster.seats + 1 : roster.seats,
    active,
    waiting,
    connections: active.length + waiting.length - 1 + Math.floor(rnd() * 3),
    ...(topic ? { topic } : {}),
  };
}

test('applying rosterDelta(a, b) to a gives b, over 2,000 random changes (joins, leaves, renames, away, admissions, queue moves, topic, seats)', () => {
  const rnd = random(7);
  let id = 0;
  let roster: Roster = { seats: 3, active: [host], waiting: [], connections: 0 };
  let held = roster;
  for (let i = 0; i < 2000; i++) {
    const after = step(roster, rnd, () => ++id);
    const delta = rosterDelta(roster, after);
    if (delta === undefined) assert.deepEqual(after, roster, 'no delta means nothing changed');
    else if (delta !== 'full') {
      assert.equal(checkBody(FrameType.RosterDelta, JSON.parse(JSON.stringify(delta))), undefined);
      const applied = applyRosterDelta(held, JSON.parse(JSON.stringify(delta)));
      assert.equal(typeof applied, 'object', `step ${i}: ${String(applied)}`);
      held = applied as Roster;
    } else held = after;
    assert.deepEqual(held, after, `step ${i}`);
    roster = after;
  }
});

test('a join or a leave in a room of 1,000 is a delta of one entry, not the list', () => {
  const peers = Array.from({ length: 1000 }, (_, i) => member(i + 1));
  const before: Roster = { seats: 0, active: [host, ...peers], waiting: [], connections: 1000 };
  const joined: Roster = { ...before, active: [...before.active, member(5000)], connections: 1001 };
  const delta = rosterDelta(before, joined);
  assert.deepEqual(delta, { joined: [{ peer: member(5000), index: 1001 }], connections: 1001 });
  const left: Roster = { ...before, active: before.active.filter((p) => p.id !== 500), connections: 999 };
  assert.deepEqual(rosterDelta(before, left), { left: [500], connections: 999 });
  assert.ok(JSON.stringify(delta).length < 200);
});

test('admitting #1 in line is one move; reordering the whole queue is sent as a whole roster instead', () => {
  const waiting = Array.from({ length: 100 }, (_, i) => member(i + 10));
  const before: Roster = { seats: 1, active: [host, member(1)], waiting, connections: 101 };
  const admitted: Roster = { ...before, active: [...before.active, waiting[0]], waiting: waiting.slice(1) };
  assert.deepEqual(rosterDelta(before, admitted), { moved: [{ id: 10, index: 2 }] });
  assert.equal(rosterDelta(before, { ...before, waiting: [...waiting].reverse() }), 'full');
});

test('a delta that does not fit the roster is refused with a reason: unknown id, duplicate join, past the cap, bad place, the host', () => {
  const roster: Roster = { seats: 0, active: [host, member(1)], waiting: [], connections: 1 };
  const refused = (delta: Parameters<typeof applyRosterDelta>[1], pattern: RegExp) => {
    const result = applyRosterDelta(roster, delta);
    assert.equal(typeof result, 'string');
    assert.match(result as string, pattern);
  };
  refused({ left: [9] }, /peer 9 is not in the roster/);
  refused({ changed: [{ id: 9, name: 'x' }] }, /peer 9 is not in the roster/);
  refused({ moved: [{ id: 9, index: 0, waiting: true }] }, /peer 9 is not in the roster/);
  refused({ joined: [{ peer: member(1), index: 2 }] }, /peer 1 joined twice/);
  refused({ joined: [{ peer: member(2), index: 5 }] }, /past the end/);
  refused({ left: [0] }, /host/);
  refused({ joined: [{ peer: member(2), index: 0 }] }, /host stays first/);
  const full: Roster = {
    seats: 0,
    active: [host],
    waiting: Array.from({ length: MAX_ROSTER_PEERS }, (_, i) => member(i + 1)),
    connections: MAX_ROSTER_PEERS,
  };
  const over = applyRosterDelta(full, { joined: [{ peer: member(MAX_ROSTER_PEERS + 1), waiting: true, index: 0 }] });
  assert.match(String(over), new RegExp(`would pass ${MAX_ROSTER_PEERS} peers`));
  // The roster it was applied to is left as it was.
  assert.equal(roster.active.length, 2);
});

test('RosterDelta bodies are checked like every other frame body', () => {
  const bad = (body: unknown) =>
    assert.notEqual(checkBody(FrameType.RosterDelta, body), undefined, JSON.stringify(body));
  assert.equal(checkBody(FrameType.RosterDelta, {}), undefined);
  bad([]);
  bad({ left: [-1] });
  bad({ left: 'x' });
  bad({ changed: [{ id: 1, away: 3 }] });
  bad({ moved: [{ id: 1 }] });
  bad({ joined: [{ peer: { id: 1 }, index: 0 }] });
  bad({ left: Array.from({ length: MAX_ROSTER_PEERS + 1 }, (_, i) => i) });
  bad({ topic: 'x'.repeat(5000) });
  bad({ seats: 'all' });
});

// Roster deltas (docs/PROTOCOL.md §5, RosterDelta 0x23): what changed between two rosters, and applying that
// change to the roster a client holds. The server sends a whole Roster to a member once (when it joins, or comes
// back after a lost connection) and then only what changed, so a join costs each member a few bytes, not a list
// of everyone. Pure functions: the server's side is server/room/rosterUpdates.ts, the client's client/rosterState.ts.
import type { Peer, Roster } from '../core/events';
import { MAX_ROSTER_PEERS, type RosterDeltaBody } from './frames';

/**
 * More moves than this in one change (the queue reordered wholesale) and a whole roster is cheaper to send and
 * simpler to trust. Admitting from the queue or a member leaving is one move or none.
 */
const MAX_MOVES = 32;

type Lists = { active: number[]; waiting: number[] };
type ListName = keyof Lists;
const listOf = (waiting: boolean | undefined): ListName => (waiting ? 'waiting' : 'active');
const place = (list: ListName, index: number) => (list === 'waiting' ? { waiting: true, index } : { index });

/**
 * What changed from `before` to `after`: undefined when nothing did, 'full' when the members were reordered in
 * more places than MAX_MOVES (send the whole Roster instead).
 */
export function rosterDelta(before: Roster, after: Roster): RosterDeltaBody | 'full' | undefined {
  const old = new Map<number, Peer>();
  for (const peer of before.active) old.set(peer.id, peer);
  for (const peer of before.waiting) old.set(peer.id, peer);
  const now = new Set<number>();
  for (const peer of after.active) now.add(peer.id);
  for (const peer of after.waiting) now.add(peer.id);

  const delta: RosterDeltaBody = {};
  const left = [...old.keys()].filter((id) => !now.has(id));
  if (left.length) delta.left = left;
  const changed = changes(old, [...after.active, ...after.waiting]);
  if (changed.length) delta.changed = changed;
  const moved = moves(before, after, old, now);
  if (moved === 'full') return 'full';
  if (moved.length) delta.moved = moved;
  const joined: NonNullable<RosterDeltaBody['joined']> = [];
  for (const list of ['active', 'waiting'] as const)
    after[list].forEach((peer, index) => {
      if (!old.has(peer.id)) joined.push({ peer, ...place(list, index) });
    });
  if (joined.length) delta.joined = joined;
  if (after.seats !== before.seats) delta.seats = after.seats;
  if ((after.topic ?? '') !== (before.topic ?? '')) delta.topic = after.topic ?? '';
  if (after.connections !== before.connections) delta.connections = after.connections;
  return Object.keys(delta).length === 0 ? undefined : delta;
}

function changes(old: Map<number, Peer>, peers: Peer[]): NonNullable<RosterDeltaBody['changed']> {
  const changed: NonNullable<RosterDeltaBody['changed']> = [];
  for (const peer of peers) {
    const was = old.get(peer.id);
    if (!was) continue;
    const change: NonNullable<RosterDeltaBody['changed']>[number] = { id: peer.id };
    if (peer.name !== was.name) change.name = peer.name;
    if (peer.address !== was.address) change.address = peer.address;
    if (peer.away !== was.away) change.away = peer.away ?? null;
    if (Boolean(peer.encrypted) !== Boolean(was.encrypted)) change.encrypted = Boolean(peer.encrypted);
    if (Object.keys(change).length > 1) changed.push(change);
  }
  return changed;
}

/**
 * The moves that turn the old lists (without those who left) into the new ones (without those who joined): walk
 * each new list and, where the member at a place is not the one expected, move the expected one there.
 */
function moves(
  before: Roster,
  after: Roster,
  old: Map<number, Peer>,
  now: Set<number>,
): NonNullable<RosterDeltaBody['moved']> | 'full' {
  const ids = (peers: Peer[], keep: (id: number) => boolean) => peers.map((p) => p.id).filter(keep);
  const current: Lists = {
    active: ids(before.active, (id) => now.has(id)),
    waiting: ids(before.waiting, (id) => now.has(id)),
  };
  const target: Lists = {
    active: ids(after.active, (id) => old.has(id)),
    waiting: ids(after.waiting, (id) => old.has(id)),
  };
  const moved: NonNullable<RosterDeltaBody['moved']> = [];
  for (const list of ['active', 'waiting'] as const) {
    for (let index = 0; index < target[list].length; index++) {
      const id = target[list][index];
      if (current[list][index] === id) continue;
      if (moved.length === MAX_MOVES) return 'full';
      for (const from of ['active', 'waiting'] as const) {
        const at = current[from].indexOf(id);
        if (at !== -1) current[from].splice(at, 1);
      }
      current[list].splice(index, 0, id);
      moved.push({ id, ...place(list, index) });
    }
  }
  return moved;
}

/**
 * `roster` with `delta` applied (a new object: rosters handed out are never changed in place), or why the delta
 * cannot be applied to it: an unknown id, a duplicate join, a place past the end of a list, a list over
 * MAX_ROSTER_PEERS, the host taken out or moved.
 */
export function applyRosterDelta(roster: Roster, delta: RosterDeltaBody): Roster | string {
  const lists = { active: [...roster.active], waiting: [...roster.waiting] };
  const where = new Map<number, ListName>();
  for (const list of ['active', 'waiting'] as const) for (const peer of lists[list]) where.set(peer.id, list);
  const hostId = roster.active[0]?.kind === 'host' ? roster.active[0].id : undefined;
  const take = (id: number): Peer | string => {
    const list = where.get(id);
    if (list === undefined) return `peer ${id} is not in the roster`;
    if (id === hostId) return 'the host cannot leave or move';
    const at = lists[list].findIndex((p) => p.id === id);
    where.delete(id);
    return lists[list].splice(at, 1)[0];
  };
  const put = (peer: Peer, waiting: boolean | undefined, index: number): string | undefined => {
    const list = listOf(waiting);
    if (index > lists[list].length) return `place ${index} is past the end of the ${list} list`;
    if (lists[list].length >= MAX_ROSTER_PEERS) return `the ${list} list would pass ${MAX_ROSTER_PEERS} peers`;
    if (list === 'active' && index === 0 && hostId !== undefined) return 'the host stays first';
    lists[list].splice(index, 0, peer);
    where.set(peer.id, list);
    return undefined;
  };
  for (const id of delta.left ?? []) {
    const taken = take(id);
    if (typeof taken === 'string') return taken;
  }
  for (const change of delta.changed ?? []) {
    const list = where.get(change.id);
    if (list === undefined) return `peer ${change.id} is not in the roster`;
    const at = lists[list].findIndex((p) => p.id === change.id);
    lists[list][at] = changedPeer(lists[list][at], change);
  }
  for (const move of delta.moved ?? []) {
    const peer = take(move.id);
    if (typeof peer === 'string') return peer;
    const problem = put(peer, move.waiting, move.index);
    if (problem) return problem;
  }
  for (const join of delta.joined ?? []) {
    if (where.has(join.peer.id)) return `peer ${join.peer.id} joined twice`;
    const problem = put(join.peer, join.waiting, join.index);
    if (problem) return problem;
  }
  const topic = delta.topic ?? roster.topic ?? '';
  return {
    seats: delta.seats ?? roster.seats,
    active: lists.active,
    waiting: lists.waiting,
    connections: delta.connections ?? roster.connections,
    ...(topic ? { topic } : {}),
  };
}

function changedPeer(peer: Peer, change: NonNullable<RosterDeltaBody['changed']>[number]): Peer {
  const next: Peer = { ...peer };
  if (change.name !== undefined) next.name = change.name;
  if (change.address !== undefined) next.address = change.address;
  if (change.away === null) delete next.away;
  else if (change.away !== undefined) next.away = change.away;
  if (change.encrypted === false) delete next.encrypted;
  else if (change.encrypted === true) next.encrypted = true;
  return next;
}

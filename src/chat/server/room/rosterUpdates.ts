// The roster broadcast: who is in the room, sent to every native member when it changes. Changes are coalesced
// (one broadcast after a short gap, however many happened), and a member whose client applies roster deltas gets
// the whole Roster once — when it joins, or comes back on a new connection — and then only what changed
// (RosterDelta, wire/rosterDelta.ts), so a join costs each member a few bytes, not the list of everyone. Older
// clients get the whole Roster every time, as before.
import { formatCount } from '../../core/units';
import type { Peer, Roster } from '../../core/events';
import { FrameType } from '../../wire/frames';
import { rosterDelta } from '../../wire/rosterDelta';
import { Outgoing } from '../connection/peerOutput';
import type { PeerConnection } from '../connection/peerConnection';

const MIN_ROSTER_GAP_MS = 20;
const MAX_ROSTER_GAP_MS = 10_000;
const ROSTER_BYTES_PER_SECOND = 16 * 1024 * 1024;
/** What one roster write costs the server beyond its bytes (a syscall): a room of 10,000 waits 100 ms between. */
const ROSTER_GAP_MS_PER_RECIPIENT = 0.01;

/** What the roster broadcast reads from the room and the server. */
export interface RosterSource {
  roster(): Roster;
  /** Who gets roster frames: members still in the room (only native peers understand them). */
  members(): Iterable<PeerConnection>;
  /** Rosters go out only while the server is listening. */
  isListening(): boolean;
  /** The host's roster event. */
  emit(roster: Roster): void;
}

/**
 * A change schedules one broadcast, sent after a gap that grows with what the last one cost — its bytes (so roster
 * traffic stays under ROSTER_BYTES_PER_SECOND however big the room gets and however old its clients) and its
 * writes (a join storm in a room of thousands is not a write to every member every 20 ms).
 */
export class RosterBroadcast {
  private timer: NodeJS.Timeout | undefined;
  private lastAt = 0;
  private lastBytes = 0;
  private lastRecipients = 0;
  private stopped = false;
  /** The roster of the last broadcast: what every member in `upToDate` holds. */
  private last: Roster | undefined;
  /** Delta-capable members that got every broadcast since their whole Roster (a new connection is not here). */
  private upToDate = new WeakSet<PeerConnection>();

  constructor(private readonly source: RosterSource) {}

  /** The roster changed: one broadcast follows (several changes in a row share it). */
  schedule(): void {
    if (this.timer || this.stopped || !this.source.isListening()) return;
    const gap = Math.min(
      MAX_ROSTER_GAP_MS,
      Math.max(
        MIN_ROSTER_GAP_MS,
        (this.lastBytes / ROSTER_BYTES_PER_SECOND) * 1000,
        this.lastRecipients * ROSTER_GAP_MS_PER_RECIPIENT,
      ),
    );
    const wait = Math.max(0, this.lastAt + gap - Date.now());
    this.timer = setTimeout(() => this.send(), wait);
  }

  /** Shutdown: no more roster broadcasts. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(): void {
    this.timer = undefined;
    this.lastAt = Date.now();
    const roster = this.source.roster();
    const delta = this.last ? rosterDelta(this.last, roster) : 'full';
    if (delta === 'full') this.upToDate = new WeakSet(); // everyone gets the whole roster this time
    this.last = roster;
    const whole = new Outgoing(() => ({ type: FrameType.Roster, body: roster }), undefined);
    const change =
      delta && delta !== 'full'
        ? new Outgoing(() => ({ type: FrameType.RosterDelta, body: delta }), undefined)
        : undefined;
    let bytes = 0;
    let recipients = 0;
    for (const conn of this.source.members()) {
      if (conn.kind !== 'native') continue;
      let out: Outgoing | undefined = whole;
      if (this.upToDate.has(conn))
        out = change; // nothing when nothing changed
      else if (conn.rosterDeltas) this.upToDate.add(conn);
      if (!out) continue;
      conn.deliver(out);
      bytes += out.forNative().length;
      recipients++;
    }
    this.lastBytes = bytes;
    this.lastRecipients = recipients;
    this.source.emit(roster);
  }
}

/** Names a plain-text member's welcome lists before "and N others": a line of 10,000 names helps nobody. */
export const WELCOME_NAMES = 30;

/** Who is chatting, for a plain-text member's welcome: the first WELCOME_NAMES names, then how many more. */
export function hereNow(active: readonly Peer[]): string {
  const names = active
    .slice(0, WELCOME_NAMES)
    .map((p) => p.name)
    .join(', ');
  const more = active.length - WELCOME_NAMES;
  return more > 0 ? `${names} and ${formatCount(more)} others (/who lists everyone)` : names;
}

// The client's side of roster deltas: the roster one connection holds (a whole Roster, then the RosterDelta frames
// applied to it), and the 'roster' event paced so that a join storm does not re-render the panel for every join.
import type { Roster } from '../core/events';
import { FrameType, type Frame } from '../wire/frames';
import { applyRosterDelta } from '../wire/rosterDelta';

/** The 'roster' event fires at most this often (the first change at once, the last one never lost). */
export const ROSTER_EVENT_GAP_MS = 100;

type RosterFrame = Extract<Frame, { type: FrameType.Roster | FrameType.RosterDelta }>;

/** The roster of one connection: set by each Roster, changed by each RosterDelta. */
export class ConnectionRoster {
  private current: Roster | undefined;

  /**
   * The whole roster after `frame`, or why a delta cannot be applied (an unknown id, a duplicate join, a list over
   * MAX_ROSTER_PEERS, no Roster before it): the caller treats that like any unreadable frame and disconnects —
   * reconnecting brings a whole Roster again.
   */
  apply(frame: RosterFrame): Roster | string {
    if (frame.type === FrameType.Roster) return (this.current = frame.body);
    if (!this.current) return 'a roster change came before any roster';
    const next = applyRosterDelta(this.current, frame.body);
    if (typeof next === 'string') return `roster change: ${next}`;
    return (this.current = next);
  }
}

/** Hands on the latest roster at most every ROSTER_EVENT_GAP_MS: the first at once, then the last of each gap. */
export class RosterPacer {
  private lastAt = -Infinity;
  private pending: Roster | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly emit: (roster: Roster) => void) {}

  push(roster: Roster): void {
    const wait = this.lastAt + ROSTER_EVENT_GAP_MS - Date.now();
    if (wait <= 0 && !this.timer) return this.fire(roster);
    this.pending = roster;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, wait));
    this.timer.unref?.();
  }

  /** The roster still waiting for its turn goes now (before a disconnect notice, at close). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const roster = this.pending;
    this.pending = undefined;
    if (roster) this.fire(roster);
  }

  private fire(roster: Roster): void {
    this.lastAt = Date.now();
    this.emit(roster);
  }
}

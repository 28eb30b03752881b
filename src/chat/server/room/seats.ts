// The seats + waiting-queue state machine the server uses (0 seats = everyone chats, like the classic threaded
// broadcast room; 1 seat = one-to-one chat with a waiting queue).
// Pure: no sockets, no timers, no events. The server calls it and turns each SeatChange into notices/rosters.

/** What a call changed, so the server knows whom to tell. */
export interface SeatChange<Id> {
  /** Waiters that just got a seat, in the order they were admitted. */
  admitted: Id[];
  /** Where the removed id was (leave only); null when nothing was removed. */
  removedFrom: 'active' | 'waiting' | null;
  /** True when at least one id still waiting has a new place in line (tell them "You are #N in line"). */
  queueMoved: boolean;
}

export type JoinResult = { state: 'active' } | { state: 'waiting'; position: number };

export class SeatQueue<Id> {
  private seatCount: number;
  private readonly activeIds: Id[] = [];
  private readonly waitingIds: Id[] = [];

  /** `seats` = 0 means unlimited: everyone is active and nobody ever waits. */
  constructor(seats: number) {
    this.seatCount = checkSeats(seats);
  }

  get seats(): number {
    return this.seatCount;
  }

  get active(): readonly Id[] {
    return [...this.activeIds];
  }

  /** The waiting queue in FIFO order: waiting[0] is #1 in line. */
  get waiting(): readonly Id[] {
    return [...this.waitingIds];
  }

  /**
   * Changes the number of seats. Growing admits waiters in order; shrinking evicts nobody
   * (the extra members keep chatting, and new seats open only once enough of them leave).
   */
  setSeats(seats: number): SeatChange<Id> {
    const before = this.waitingIds.slice();
    this.seatCount = checkSeats(seats);
    const admitted = this.fill();
    return { admitted, removedFrom: null, queueMoved: this.moved(before) };
  }

  /** Adds a newcomer: a seat if one is free (and nobody is ahead in line), else the end of the queue. Idempotent. */
  join(id: Id): JoinResult {
    const current = this.stateOf(id);
    if (current === 'active') return { state: 'active' };
    if (current === 'waiting') return { state: 'waiting', position: this.waitingIds.indexOf(id) + 1 };
    if (this.waitingIds.length === 0 && this.hasFreeSeat()) {
      this.activeIds.push(id);
      return { state: 'active' };
    }
    this.waitingIds.push(id);
    return { state: 'waiting', position: this.waitingIds.length };
  }

  /** Disconnect or kick: removes the id wherever it is, then admits the next in line while seats are free. */
  leave(id: Id): SeatChange<Id> {
    const before = this.waitingIds.slice();
    let removedFrom: SeatChange<Id>['removedFrom'] = null;
    if (remove(this.activeIds, id)) removedFrom = 'active';
    else if (remove(this.waitingIds, id)) removedFrom = 'waiting';
    const admitted = this.fill();
    return { admitted, removedFrom, queueMoved: this.moved(before) };
  }

  /**
   * Host decision: gives `id` (default: #1 in line) a seat even when all seats are taken, so the room may be
   * over its seat count until members leave. An id that is not waiting changes nothing (admitted is empty).
   */
  admit(id?: Id): SeatChange<Id> {
    const before = this.waitingIds.slice();
    const chosen = id === undefined ? this.waitingIds[0] : id;
    const admitted: Id[] = [];
    if (chosen !== undefined && remove(this.waitingIds, chosen)) {
      this.activeIds.push(chosen);
      admitted.push(chosen);
    }
    return { admitted, removedFrom: null, queueMoved: this.moved(before) };
  }

  /** 1-based place in line; null when the id is active or unknown. */
  position(id: Id): number | null {
    const index = this.waitingIds.indexOf(id);
    return index < 0 ? null : index + 1;
  }

  /** Where an id is: 'active', 'waiting', or null when unknown. */
  stateOf(id: Id): 'active' | 'waiting' | null {
    if (this.activeIds.includes(id)) return 'active';
    if (this.waitingIds.includes(id)) return 'waiting';
    return null;
  }

  private hasFreeSeat(): boolean {
    return this.seatCount === 0 || this.activeIds.length < this.seatCount;
  }

  private fill(): Id[] {
    const admitted: Id[] = [];
    while (this.waitingIds.length > 0 && this.hasFreeSeat()) {
      const next = this.waitingIds.shift() as Id;
      this.activeIds.push(next);
      admitted.push(next);
    }
    return admitted;
  }

  /** Did anyone still waiting get a different place in line than in `before`? */
  private moved(before: readonly Id[]): boolean {
    return this.waitingIds.some((id, index) => before.indexOf(id) !== index);
  }
}

function checkSeats(seats: number): number {
  if (!Number.isInteger(seats) || seats < 0) {
    throw new RangeError(`Seats must be a whole number ≥ 0 (0 = unlimited), not ${seats}.`);
  }
  return seats;
}

function remove<Id>(list: Id[], id: Id): boolean {
  const index = list.indexOf(id);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

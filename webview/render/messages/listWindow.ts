// Which slice of a long chat is in the DOM. The panel keeps every entry in memory (plain JSON) but renders at
// most `size` rows, so 10,000 messages and hundreds of thumbnails stay smooth. Pure logic, unit-tested; the
// DOM side (messageList.ts) applies the returned changes.

/** How to turn the old DOM rows into the new ones. Added rows: top = [start, start+addTop), bottom = [end-addBottom, end). */
export interface WindowChange {
  /** The old and new slices do not overlap: clear and render [start, end) from scratch. */
  reset: boolean;
  removeTop: number;
  removeBottom: number;
  addTop: number;
  addBottom: number;
}

export class ListWindow {
  private total = 0;
  private first = 0;
  private last = 0; // exclusive
  /** True while the user is at the bottom: new entries slide the window and the view scrolls with them. */
  following = true;

  /** `drawnTail`: how many of the newest rows are always fully drawn (see drawnFrom; the list sets it from the
   *  height of its view). */
  constructor(
    readonly size = 300,
    readonly step = 100,
    public drawnTail = 60,
  ) {
    if (size < 1 || step < 1 || step > size) throw new RangeError('need 1 ≤ step ≤ size');
  }

  /** The first of the window's newest `drawnTail` rows: the rows before it may go undrawn while out of view (the
   *  browser skips their style, layout and paint), so a busy room re-lays out only what can be seen; the newest
   *  are always drawn, so a view following the bottom never waits for a row's real height. */
  get drawnFrom(): number {
    return Math.max(this.first, this.last - this.drawnTail);
  }

  get start(): number {
    return this.first;
  }
  get end(): number {
    return this.last;
  }
  get count(): number {
    return this.total;
  }
  get hasEarlier(): boolean {
    return this.first > 0;
  }
  get hasLater(): boolean {
    return this.last < this.total;
  }
  /** Entries after the window the user has not seen yet (for a "↓ N new" button). */
  get below(): number {
    return this.total - this.last;
  }

  /** A fresh list of `total` entries, showing the newest. */
  reset(total: number): WindowChange {
    this.total = total;
    this.following = true;
    return this.moveTo(Math.max(0, total - this.size), total, true);
  }

  /** `n` entries were added at the end. */
  append(n: number): WindowChange {
    const wasAtEnd = this.last === this.total;
    this.total += n;
    // Scrolled up: new rows still join the DOM while the window has room, without moving the view.
    if (!this.following)
      return this.moveTo(this.first, wasAtEnd ? Math.min(this.total, this.first + this.size) : this.last);
    return this.moveTo(Math.max(this.first, this.total - this.size), this.total);
  }

  /** The oldest `n` entries were dropped from the store (memory bound); indices shift down by n. */
  dropFront(n: number): WindowChange {
    n = Math.min(n, this.total);
    this.total -= n;
    const oldFirst = this.first - n;
    const oldLast = this.last - n;
    this.first = oldFirst;
    this.last = oldLast;
    return this.moveTo(Math.max(0, oldFirst), Math.max(0, oldLast));
  }

  /** Scrolled near the top: bring `step` older rows in, dropping as many from the bottom. */
  earlier(): WindowChange {
    this.following = false;
    const first = Math.max(0, this.first - this.step);
    return this.moveTo(first, Math.min(this.last, first + this.size));
  }

  /** Scrolled near the bottom of the window: bring newer rows in, dropping older ones. */
  later(): WindowChange {
    const last = Math.min(this.total, this.last + this.step);
    return this.moveTo(Math.max(this.first, last - this.size), last);
  }

  /** Search jumped to entry `index`: a window with it near the middle (stops following the newest). */
  around(index: number): WindowChange {
    this.following = false;
    const first = Math.min(Math.max(0, index - Math.floor(this.size / 2)), Math.max(0, this.total - this.size));
    return this.moveTo(first, Math.min(this.total, first + this.size));
  }

  /** Jump to the newest entries and follow them again. */
  toEnd(): WindowChange {
    this.following = true;
    return this.moveTo(Math.max(0, this.total - this.size), this.total);
  }

  private moveTo(first: number, last: number, forceReset = false): WindowChange {
    const oldFirst = this.first;
    const oldLast = this.last;
    this.first = first;
    this.last = last;
    const disjoint = last <= oldFirst || first >= oldLast || oldLast <= oldFirst;
    if (forceReset || (disjoint && !(first === last && oldFirst === oldLast))) {
      return { reset: true, removeTop: 0, removeBottom: 0, addTop: 0, addBottom: 0 };
    }
    return {
      reset: false,
      removeTop: Math.max(0, first - oldFirst),
      addTop: Math.max(0, oldFirst - first),
      removeBottom: Math.max(0, oldLast - last),
      addBottom: Math.max(0, last - oldLast),
    };
  }
}

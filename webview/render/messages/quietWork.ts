// Work that can wait until the list is quiet: the message list leaves older rows of its window empty while rows
// keep coming (a busy room replaces them before anyone sees them) and builds them here, in the page's idle time,
// a slice at a time, so no frame is held up by it.

/** The list changed less recently than this: it counts as quiet. */
const QUIET_MS = 150;
/** At most this long at a time. */
const SLICE_MS = 8;

export class QuietWork {
  private pending = false;
  private lastChange = 0;

  /** `work` does what it can while `more()` says so, and returns true when nothing is left. */
  constructor(private readonly work: (more: () => boolean) => boolean) {}

  /** The list changed: the work waits for it to be quiet again. */
  changed(): void {
    this.lastChange = performance.now();
  }

  /** There is work: it runs once the list is quiet and the page idle. */
  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    const wait = Math.max(0, this.lastChange + QUIET_MS - performance.now());
    setTimeout(
      () =>
        requestIdleCallback(() => {
          this.pending = false;
          if (performance.now() - this.lastChange < QUIET_MS) return this.schedule();
          const until = performance.now() + SLICE_MS;
          if (!this.work(() => performance.now() < until)) this.schedule();
        }),
      wait,
    );
  }
}

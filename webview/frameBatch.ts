// New rows arrive as fast as the room talks (a busy room: thousands a second, each host turn one post). Applying
// each post to the DOM at once makes the browser lay the list out again per post; instead the rows of every post
// that arrives before the next frame are applied together, in that frame — and while rows keep coming, at most
// once per MIN_GAP_MS (a list that changes ten times a second is still read as live, and the browser gets the
// frames in between for scrolling and typing).

/** Shortest time between two batches while rows keep coming. */
const MIN_GAP_MS = 100;

export class FrameBatch<T> {
  private pending: T[] = [];
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;

  constructor(private readonly apply: (items: T[]) => void) {}

  add(items: readonly T[]): void {
    for (const item of items) this.pending.push(item);
    if (this.frame !== undefined || this.timer !== undefined) return;
    const wait = this.lastFlush + MIN_GAP_MS - performance.now();
    // In the next frame when the last batch is long enough ago; otherwise once the gap is over.
    if (wait <= 0) this.frame = requestAnimationFrame(() => this.flush());
    // The timer applies them itself: a hidden panel draws no frames, and its rows must not wait for one.
    this.timer = setTimeout(() => this.flush(), Math.max(wait, MIN_GAP_MS));
  }

  /** Applies what is waiting now (before anything that must come after it, e.g. a snapshot or a transfer update). */
  flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.frame = this.timer = undefined;
    if (this.pending.length === 0) return;
    this.lastFlush = performance.now();
    const items = this.pending;
    this.pending = [];
    this.apply(items);
  }
}

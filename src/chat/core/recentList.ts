// The last N of something that keeps coming (a room's messages, a session's history). Trimmed in bulk — once per
// N additions — rather than by one splice per addition, which moved the whole list each time (O(N) per message).

export class RecentList<T> {
  private readonly items: T[] = [];

  constructor(private readonly limit: number) {}

  push(item: T): void {
    if (this.limit === 0) return; // keeps nothing
    this.items.push(item);
    if (this.items.length >= this.limit * 2) this.items.splice(0, this.items.length - this.limit);
  }

  /** The last `limit` items, oldest first (a copy only when there are more than that). */
  recent(): readonly T[] {
    return this.items.length > this.limit ? this.items.slice(-this.limit) : this.items;
  }
}

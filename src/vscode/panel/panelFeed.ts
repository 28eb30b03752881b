// What the host posts to the chat surfaces, in order. Entries of one event-loop turn go to each webview in one
// postMessage: a burst of 10,000 messages is a handful of posts, not 10,000.
import type { EntryView, HostToWebview } from '../../webviewApi';
import type { ChatSurface } from './chatSurface';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;

export class PanelFeed {
  private pending: EntryView[] = [];
  private flushScheduled = false;

  /** `surfaces` is asked each time: surfaces come and go (closed, reopened, revived after a reload). */
  constructor(private readonly surfaces: () => readonly ChatSurface[]) {}

  /** New rows for every surface, batched until the end of this event-loop turn. */
  entries(entries: EntryView[]): void {
    if (this.surfaces().length === 0) return;
    this.pending.push(...entries);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** To every surface. Anything else must not overtake entries already waiting (a header after the line that
   *  explains it). */
  post(message: HostToWebview): void {
    if (message.type !== 'entries' && this.pending.length) this.flush();
    for (const surface of this.surfaces()) surface.post(message);
  }

  /** To one surface (a sendResult to the composer that sent, an image to the one that asked), after the entries
   *  already waiting (a sendResult after its message). */
  postTo(surface: ChatSurface, message: HostToWebview): void {
    if (this.pending.length) this.flush();
    surface.post(message);
  }

  /** Replaces everything `to` shows (every surface when omitted). The entries still waiting are in the snapshot
   *  already; the other surfaces still get them first. */
  snapshot(message: Snapshot, to?: ChatSurface): void {
    if (to) return this.postTo(to, message);
    this.pending = [];
    for (const surface of this.surfaces()) surface.post(message);
  }

  private flush(): void {
    this.flushScheduled = false;
    const entries = this.pending.splice(0);
    if (entries.length) this.post({ type: 'entries', entries });
  }
}

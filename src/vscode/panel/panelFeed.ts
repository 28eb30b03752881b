// What the host posts to the panel, in order. Entries of one event-loop turn go to the webview in one
// postMessage: a burst of 10,000 messages is a handful of posts, not 10,000.
import type { EntryView, HostToWebview } from '../../webviewApi';
import type { ChatPanel } from './chatPanel';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;

export class PanelFeed {
  private pending: EntryView[] = [];
  private flushScheduled = false;

  /** `panel` is asked each time: the panel comes and goes (closed, reopened, revived after a reload). */
  constructor(private readonly panel: () => ChatPanel | undefined) {}

  /** New rows, batched until the end of this event-loop turn. */
  entries(entries: EntryView[]): void {
    if (!this.panel()) return;
    this.pending.push(...entries);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  post(message: HostToWebview): void {
    // Anything else must not overtake entries already waiting (a sendResult after its message, a header
    // after the line that explains it).
    if (message.type !== 'entries' && this.pending.length) this.flush();
    this.panel()?.post(message);
  }

  /** Replaces everything the panel shows; the entries still waiting are in the snapshot already. */
  snapshot(message: Snapshot): void {
    const panel = this.panel();
    if (!panel) return;
    this.pending = [];
    panel.post(message);
  }

  private flush(): void {
    this.flushScheduled = false;
    const entries = this.pending.splice(0);
    if (entries.length) this.post({ type: 'entries', entries });
  }
}

// How consecutive rows read like a chat, decided from the entries alone (pure, no DOM, unit-tested): whether a
// message continues the one before it (same sender, within two minutes: no second name and time), and which
// dividers go above a row — a new day, the start of the replayed "earlier messages", the "new messages" mark
// where the user left off. messageList.ts asks for each row it renders, so dividers survive windowing.
import type { EntryView, MessageView } from '../../../src/webviewApi';

/** Messages closer than this from the same sender share one header. */
export const GROUP_GAP_MS = 2 * 60_000;

export interface RowFlow {
  /** Same sender as the message just before, soon after it: the row shows no name/time header of its own. */
  continues: boolean;
  /** Starts a new calendar day (local time), or is the first row shown: the date goes above it. */
  newDay: boolean;
  /** The first of the room's replayed history. */
  earlierStart: boolean;
  /** The first entry that arrived while the user was away. */
  unreadStart: boolean;
}

/** The local calendar day of a timestamp, comparable with ===. */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function sameSender(a: MessageView, b: MessageView): boolean {
  return (
    a.from.id === b.from.id &&
    a.from.name === b.from.name &&
    a.own === b.own &&
    a.to?.id === b.to?.id &&
    a.to?.name === b.to?.name
  );
}

/**
 * `previous` is the entry before `entry` in the whole list (undefined for the first); `firstShown` is true for
 * the top row of the rendered window, which always shows its header and date (the row above it is not in view).
 * `unreadFromId` is the id of the first entry that arrived while the user was away, if any.
 */
export function rowFlow(
  previous: EntryView | undefined,
  entry: EntryView,
  firstShown: boolean,
  unreadFromId: string | undefined,
): RowFlow {
  const unreadStart = unreadFromId !== undefined && entry.id === unreadFromId;
  const earlierStart = entry.history === true && previous?.history !== true;
  const newDay = firstShown || previous === undefined || dayKey(previous.at) !== dayKey(entry.at);
  const continues =
    !firstShown &&
    !unreadStart &&
    !earlierStart &&
    !newDay &&
    previous !== undefined &&
    previous.entry === 'message' &&
    entry.entry === 'message' &&
    !previous.action &&
    !entry.action &&
    (previous.history === true) === (entry.history === true) &&
    sameSender(previous, entry) &&
    entry.at - previous.at >= 0 &&
    entry.at - previous.at <= GROUP_GAP_MS;
  return { continues, newDay, earlierStart, unreadStart };
}

/** Counts as unread: from someone else (or a notice), not replayed history. */
function unreadable(entry: EntryView): boolean {
  return !entry.history && !(entry.entry === 'message' && entry.own);
}

/**
 * Where the user left off: the first entry (from someone else, not replayed history) that arrives while the
 * surface is hidden or not focused — or, for a surface whose page was rebuilt meanwhile (an editor tab shown
 * again), the first after the newest entry the user had seen. The mark stays after the user comes back, and
 * moves on the next absence; sending something yourself clears it (you have caught up).
 */
export class UnreadMarker {
  private away = false;
  /** Set once per absence: later arrivals of the same absence come after the mark. */
  private markedThisAbsence = false;
  fromId: string | undefined;

  setAway(away: boolean): void {
    if (!away) this.markedThisAbsence = false;
    this.away = away;
  }

  /** A fresh list (a snapshot): the mark goes after `lastSeenId`, the newest entry seen before, when there is
   *  something unread after it; none when that entry is not in the list (another session, trimmed away). */
  resume(entries: readonly EntryView[], lastSeenId: string | undefined): void {
    const seen = lastSeenId === undefined ? -1 : entries.findIndex((e) => e.id === lastSeenId);
    this.fromId = seen < 0 ? undefined : entries.slice(seen + 1).find(unreadable)?.id;
    this.markedThisAbsence = this.away && this.fromId !== undefined;
  }

  /** New live entries; returns the ids whose rows must be redrawn (the old and the new mark), [] when none. */
  arrived(entries: readonly EntryView[]): string[] {
    const old = this.fromId;
    if (entries.some((e) => e.entry === 'message' && e.own)) {
      this.fromId = undefined;
      this.markedThisAbsence = false;
    }
    if (this.away && !this.markedThisAbsence) {
      const first = entries.find(unreadable);
      if (first) {
        this.fromId = first.id;
        this.markedThisAbsence = true;
      }
    }
    if (old === this.fromId) return [];
    return [old, this.fromId].filter((id): id is string => id !== undefined);
  }
}

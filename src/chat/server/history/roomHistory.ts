// What the room remembers of what was said: the last messages (text; an image as a one-line note), replayed to a
// member when it gets a seat (history: never private messages), and to a member coming back after a lost
// connection (what it missed, its private messages included; see heldSeats.ts).
import type { CodeInfo, Peer } from '../../core/events';
import { describeImage } from '../../core/format';
import { RecentList } from '../../core/recentList';
import type { ImageMime } from '../../core/images';
import { FrameType } from '../../wire/frames';
import { plainBytes, plainMessageLine } from '../../wire/plainText';
import type { PeerConnection } from '../connection/peerConnection';
import { Outgoing } from '../connection/peerOutput';

/** Messages kept for a member coming back after a lost connection, whatever `history` is: what it may have missed. */
export const MISSED_LIMIT = 200;
/** The line after a history replay (plain-text peers and the CLI print it as it is). */
export const HISTORY_END = '--- end of history ---';

/** One message as the room remembers it. */
export interface SaidRecord {
  /** The server's ref of the message (Message.ref): increasing, so a client can say which it saw last. */
  ref: number;
  at: number;
  from: Peer;
  /** Private messages only. */
  to?: Peer;
  text: string;
  code?: CodeInfo;
  image?: { mime: ImageMime; size: number };
  /** `/me waves`: replayed as an action too. */
  action?: true;
}

export class RoomHistory {
  private readonly records: RecentList<SaidRecord>;
  private highestRef = 0;

  /**
   * @param replayed room messages a member gets when it is seated (options.history)
   * @param missed also keep this many for members coming back (0 when resuming is off)
   */
  constructor(
    private readonly replayed: number,
    missed: number,
  ) {
    this.records = new RecentList(replayed + missed);
  }

  /** The highest ref recorded so far: a member seated now was not there for anything up to it. */
  get lastRef(): number {
    return this.highestRef;
  }

  /** A message was relayed (a text at once, an image once complete). */
  said(record: SaidRecord): void {
    this.highestRef = Math.max(this.highestRef, record.ref);
    this.records.push(record);
  }

  /** The room's last messages (never private ones) for a member just seated, then the end-of-history line. */
  replayTo(conn: PeerConnection): void {
    if (this.replayed === 0 || conn.isClosed) return;
    const recent = this.records
      .recent()
      .filter((r) => r.to === undefined)
      .slice(-this.replayed);
    if (recent.length === 0) return;
    for (const record of recent) conn.deliver(replayed(record, true));
    conn.deliver(
      new Outgoing(
        () => ({
          type: FrameType.Notice,
          body: { level: 'system', text: HISTORY_END, code: 'history-end', history: true },
        }),
        () => plainBytes(HISTORY_END),
      ),
    );
  }

  /**
   * What member `peerId` was sent after ref `after` and may not have received: private messages to it, and room
   * messages after `seatedAfter` (undefined: it never had a seat); never its own. At most MISSED_LIMIT, the last.
   */
  missedBy(peerId: number, after: number, seatedAfter: number | undefined): SaidRecord[] {
    const missed = this.records
      .recent()
      .filter(
        (r) =>
          r.ref > after &&
          r.from.id !== peerId &&
          (r.to ? r.to.id === peerId : seatedAfter !== undefined && r.ref > seatedAfter),
      );
    return missed.slice(-MISSED_LIMIT);
  }
}

/** A remembered message as it is sent again: its image as a one-line note (the bytes are not kept). */
export function replayed(record: SaidRecord, history: boolean): Outgoing {
  const { ref, at, from, to, code, action } = record;
  const note = record.image ? `[image: ${describeImage(record.image)}]` : '';
  const text = [record.text, note].filter((part) => part !== '').join(' ');
  return new Outgoing(
    () => ({
      type: FrameType.Message,
      body: { ref, text, code, from, to, at, action, ...(history ? { history } : {}) },
    }),
    () => plainMessageLine({ at, from, to, own: false, text, code, action }),
  );
}

// What the server tells people, in each peer's own language (a Notice frame or a text line): one peer, every
// member with a seat, the host's log (repeated errors throttled); the rule-breaker's fatal error. (The roster
// broadcast is rosterUpdates.ts.)
import { diagnose, diagnosticsEnabled } from '../../core/diagnostics';
import type { Notice, NoticeLevel } from '../../core/events';
import { escapeControl, quotePeerText } from '../../core/format';
import { formatDuration } from '../../core/units';
import { plainNotice } from '../../wire/plainText';
import { FrameType } from '../../wire/frames';
import { Outgoing } from '../connection/peerOutput';
import type { PeerConnection } from '../connection/peerConnection';
import { NoticeThrottle } from '../limits/rateLimiter';

/** Error lines of one kind (code) per second in the host's log before they are summed up. */
const HOST_ERRORS_PER_SECOND = 5;

/** `name (ip:port)` once the peer has a name, else `ip:port`: how the host's log names a peer. */
export function who(conn: PeerConnection): string {
  return conn.peer ? `${conn.peer.name} (${conn.address})` : conn.address;
}

/** The most of a goodbye reason a leave notice shows (the wire lets a Bye carry more). */
const MAX_GOODBYE_CHARS = 200;

/**
 * A member's close reason from its Bye frame, for the room-wide "alice left (said: “…”)." — the peer's words on one
 * line, escaped, cut and quoted (quotePeerText); `left` when it gave none.
 */
export function goodbyeReason(reason: string | undefined): string {
  return reason?.trim() ? `said: ${quotePeerText(reason, MAX_GOODBYE_CHARS)}` : 'left';
}

/**
 * A diagnostic line about one connection (diagnose('server', …)): its number, address and name, then `what`, then
 * `peerText` (anything the peer chose: escaped). Nothing is built unless someone listens (diagnosticsEnabled).
 */
export function diagnoseConn(conn: PeerConnection, what: string, peerText?: string): void {
  if (!diagnosticsEnabled()) return;
  const name = conn.peer ? ` "${escapeControl(conn.peer.name)}"` : '';
  const detail = peerText === undefined ? '' : escapeControl(peerText);
  diagnose('server', `#${conn.id} ${conn.address}${name} ${what}${detail}`);
}

export class Notices {
  private readonly throttle: NoticeThrottle;
  private readonly joinLeave: JoinLeaveLines;

  /**
   * @param emit the host's notice event
   * @param members who `announce` reaches: every member with a seat
   * @param joinLeave join and leave lines shown one by one per interval (more are summed up)
   */
  constructor(
    private readonly emit: (notice: Notice) => void,
    private readonly members: () => readonly PeerConnection[],
    joinLeave: JoinLeaveLimit,
  ) {
    this.throttle = new NoticeThrottle(HOST_ERRORS_PER_SECOND, emit);
    this.joinLeave = new JoinLeaveLines(joinLeave, (text, skip) => this.announce('system', text, skip));
  }

  /** "X joined." for the host's log and every member but the newcomer; summed up when many come and go. */
  joined(text: string, newcomer: PeerConnection): void {
    this.joinLeave.add('joined', text, newcomer);
  }

  /** "X left." for the host's log and every member; summed up when many come and go. */
  left(text: string): void {
    this.joinLeave.add('left', text);
  }

  /** A notice for the host's log and every member with a seat (except `skip`). */
  announce(level: NoticeLevel, text: string, skip?: PeerConnection): void {
    const at = Date.now();
    const out = new Outgoing(
      () => ({ type: FrameType.Notice, body: { level, text } }),
      () => plainNotice({ at, level, text }),
    );
    for (const conn of this.members()) if (conn !== skip) conn.deliver(out);
    this.emit({ at, level, text });
  }

  /** A notice for one peer only. */
  tell(conn: PeerConnection, level: NoticeLevel, text: string, code?: string): void {
    if (conn.kind === 'native') conn.sendFrame({ type: FrameType.Notice, body: { level, text, code } });
    else conn.write(plainNotice({ at: Date.now(), level, text, code }));
  }

  /** A refused message: the sender is told; with `log`, the host's log gets a line too. */
  refuse(conn: PeerConnection, code: string, text: string, log = true): void {
    this.tell(conn, 'error', text, code);
    if (log) this.log('error', `${who(conn)}: ${text}`, code);
  }

  /** A line in the host's log; repeated errors of one kind are throttled (NoticeThrottle). */
  log(level: NoticeLevel, text: string, code?: string): void {
    this.throttle.notice({ at: Date.now(), level, text, code });
  }

  /** A broken rule of the protocol: Error frame (fatal), a line in the host's log, then close. */
  fatal(conn: PeerConnection, code: string, message: string): void {
    conn.sendFrame({ type: FrameType.Error, body: { code, message, fatal: true } });
    conn.close('protocol error');
    this.log('error', `Disconnected ${who(conn)}: ${message}`, code);
  }

  /** Shutdown: no more throttled-notice or join/leave summaries. */
  dispose(): void {
    this.throttle.dispose();
    this.joinLeave.dispose();
  }
}

export interface JoinLeaveLimit {
  perInterval: number;
  intervalMs: number;
}

/**
 * Join and leave lines under churn: the first `perInterval` of an interval are shown at once, the rest are counted
 * and summed up in one line when it ends ("In the last 2 s: 5 more people joined, 3 more people left."). While
 * the churn goes on (an interval starting right after a summed-up one), every line waits for the summary.
 */
class JoinLeaveLines {
  private windowEnd = 0;
  private shown = 0;
  private quota = 0;
  private joined = 0;
  private left = 0;
  private lastSummaryAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: JoinLeaveLimit,
    private readonly announce: (text: string, skip?: PeerConnection) => void,
  ) {}

  add(kind: 'joined' | 'left', text: string, skip?: PeerConnection): void {
    const now = Date.now();
    if (now >= this.windowEnd && !this.timer) {
      const churning = now - this.lastSummaryAt < this.limit.intervalMs;
      this.windowEnd = now + this.limit.intervalMs;
      this.shown = 0;
      this.quota = churning ? 0 : this.limit.perInterval;
    }
    if (this.shown < this.quota) {
      this.shown++;
      return this.announce(text, skip);
    }
    if (kind === 'joined') this.joined++;
    else this.left++;
    this.timer ??= setTimeout(() => this.summarise(), Math.max(1, this.windowEnd - now));
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private summarise(): void {
    this.timer = undefined;
    this.lastSummaryAt = Date.now();
    const more = this.shown > 0 ? 'more ' : '';
    const people = (n: number) => `${n} ${more}${n === 1 ? 'person' : 'people'}`;
    const parts = [
      ...(this.joined > 0 ? [`${people(this.joined)} joined`] : []),
      ...(this.left > 0 ? [`${people(this.left)} left`] : []),
    ];
    this.joined = 0;
    this.left = 0;
    this.announce(`In the last ${formatDuration(this.limit.intervalMs)}: ${parts.join(', ')}.`);
  }
}

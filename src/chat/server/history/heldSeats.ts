// A Wi-Fi blip keeps your seat: every native member's Welcome carries a fresh random resume token. When the server
// notices a member's connection is gone (no answer to heartbeats, or a socket error) it holds the seat (or place
// in line) for resumeGraceMs; a client coming back with the token in its Hello becomes the same member — id, name,
// seat — and gets the messages it missed, once. A ghost connection not noticed yet is closed then. After the grace
// the member leaves as if it had just gone, and the seat passes on.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { diagnose } from '../../core/diagnostics';
import { formatDuration } from '../../core/units';
import type { HelloBody } from '../../wire/frames';
import { diagnoseConn, type Notices } from '../room/notices';
import type { PeerConnection } from '../connection/peerConnection';
import type { Room } from '../room/room';
import { replayed, type RoomHistory } from './roomHistory';

/** 256 random bits, sent as 64 hex digits. */
const TOKEN_BYTES = 32;

/** One member's way back: the token's bytes, its connection, and what it was there for (history refs). */
interface Ticket {
  token: Buffer;
  conn: PeerConnection;
  /** The last ref recorded before it joined: nothing up to it was sent to it. */
  joinedAfter: number;
  /** The last ref recorded before it got a seat (undefined: waiting in line so far). */
  seatedAfter: number | undefined;
  /** Set while its seat is held. */
  timer?: NodeJS.Timeout;
}

/** A token is looked up by its SHA-256 (no secret-dependent string comparison), then compared in constant time. */
function keyOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class HeldSeats {
  private readonly tickets = new Map<string, Ticket>();
  private readonly keys = new Map<PeerConnection, string>();
  /** The ticket of the member being resumed, while the room writes its Welcome. */
  private resuming: Ticket | undefined;

  constructor(
    private readonly graceMs: number,
    private readonly room: Room,
    private readonly history: RoomHistory,
    private readonly notices: Notices,
  ) {}

  /** A fresh token for a native member's Welcome (its previous one stops working); undefined when resuming is off. */
  token(conn: PeerConnection): string | undefined {
    if (this.graceMs === 0 || conn.kind !== 'native') return undefined;
    const before = this.resuming ?? this.forget(conn);
    const token = randomBytes(TOKEN_BYTES).toString('hex');
    const key = keyOf(token);
    this.tickets.set(key, {
      token: Buffer.from(token, 'utf8'),
      conn,
      joinedAfter: before?.joinedAfter ?? this.history.lastRef,
      seatedAfter: before?.seatedAfter,
    });
    this.keys.set(conn, key);
    return token;
  }

  /** The member got a seat: room messages from now on are ones it should receive. */
  seated(conn: PeerConnection): void {
    const ticket = this.ticketOf(conn);
    if (ticket && ticket.seatedAfter === undefined) ticket.seatedAfter = this.history.lastRef;
  }

  /**
   * A member's connection closed. True when its seat is now held (no answer to heartbeats or a socket error, and
   * a token): the caller does not make it leave. A goodbye, a kick or an ordinary close is not held.
   */
  lost(conn: PeerConnection): boolean {
    const ticket = this.ticketOf(conn);
    if (!ticket || !conn.peer || !conn.lostAbruptly) return false;
    const name = conn.peer.name;
    const grace = formatDuration(this.graceMs);
    const what = this.room.hasSeat(conn) ? 'seat' : 'place in line';
    diagnoseConn(conn, `connection lost: ${what} held for ${grace}`);
    this.room.hold(conn);
    this.tellRoom(conn, `${name} lost connection — holding their ${what} for ${grace}.`);
    ticket.timer = setTimeout(() => {
      this.forget(conn);
      this.room.leave(conn, `${name} left (their connection did not come back within ${grace}).`);
    }, this.graceMs);
    ticket.timer.unref();
    return true;
  }

  /**
   * A Hello with a resume token. True when it was this server's: `conn` is that member again (Welcome, missed
   * messages). Otherwise false, and the peer joins as a newcomer.
   */
  resume(conn: PeerConnection, hello: HelloBody): boolean {
    if (this.graceMs === 0 || typeof hello.resume !== 'string') return false;
    const key = keyOf(hello.resume);
    const ticket = this.tickets.get(key);
    const given = Buffer.from(hello.resume, 'utf8');
    if (!ticket || given.length !== ticket.token.length || !timingSafeEqual(given, ticket.token)) {
      diagnoseConn(conn, 'resume token not recognised: joins as a newcomer');
      return false;
    }
    const old = ticket.conn;
    this.forget(old);
    this.resuming = ticket;
    let wasHeld: boolean;
    try {
      wasHeld = this.room.resumeMember(conn, old);
    } finally {
      this.resuming = undefined;
    }
    const name = (conn.peer as { name: string }).name;
    if (wasHeld) this.tellRoom(conn, `${name} is back.`, conn);
    else this.notices.log('system', `${name} reconnected (${conn.address}).`);
    if (!old.isClosed) {
      diagnoseConn(old, 'closed: its member came back on a new connection');
      old.destroy('reconnected');
    }
    const peerId = (conn.peer as { id: number }).id;
    const after = Math.max(hello.seen ?? 0, ticket.joinedAfter);
    const missed = this.history.missedBy(peerId, after, this.ticketOf(conn)?.seatedAfter);
    if (missed.length > 0) diagnose('server', `#${conn.id} gets ${missed.length} missed message(s)`);
    for (const record of missed) conn.deliver(replayed(record, false));
    return true;
  }

  /** The member left for good (or was replaced): its token stops working and a held seat's timer stops. */
  forget(conn: PeerConnection): Ticket | undefined {
    const ticket = this.ticketOf(conn);
    if (!ticket) return undefined;
    clearTimeout(ticket.timer);
    this.tickets.delete(this.keys.get(conn) as string);
    this.keys.delete(conn);
    return ticket;
  }

  /** Shutdown: no seat is held any longer. */
  dispose(): void {
    for (const ticket of this.tickets.values()) clearTimeout(ticket.timer);
    this.tickets.clear();
    this.keys.clear();
  }

  /** Members with a seat hear about a seated member; a waiting one's coming and going is only in the host's log. */
  private tellRoom(conn: PeerConnection, text: string, skip?: PeerConnection): void {
    if (this.room.hasSeat(conn)) this.notices.announce('system', text, skip);
    else this.notices.log('system', text);
  }

  private ticketOf(conn: PeerConnection): Ticket | undefined {
    const key = this.keys.get(conn);
    return key === undefined ? undefined : this.tickets.get(key);
  }
}

// The room: who is here — every open connection, the members (peers with a name) with a seat or waiting in line,
// and the host — and what everyone is told when that changes: joins, leaves, admissions, renames, places in line.
// The host's admit / seats / rename act here (kick and ban in removals.ts), and a member whose connection was lost
// keeps its seat for a while (hold, resume). What members are told about seats and the line is in seatNotices.ts,
// the room in words in roomTexts.ts. Sockets, handshakes and relaying messages live elsewhere.
import { ChatError } from '../../core/errors';
import { type Peer, type Roster } from '../../core/events';
import { NameBook, sanitizeName } from '../../core/names';
import { FrameType, type WelcomeBody } from '../../wire/frames';
import { diagnoseConn, type Notices } from './notices';
import type { ResolvedServerOptions } from '../options';
import type { PeerConnection } from '../connection/peerConnection';
import { plainWelcomeText, seatsText, whoText } from './roomTexts';
import { hereNow } from './rosterUpdates';
import { SeatNotices } from './seatNotices';
import { SeatQueue } from './seats';

/** The host's peer id: names map to it like to any member's. */
export const HOST_ID = 0;

/** Why a name was refused (sanitizeName left nothing visible). */
const NO_VISIBLE_NAME =
  'That name has no visible letters or digits (invisible characters, symbols and emoji are left out)';

/** What the room tells the rest of the server. */
export interface RoomHooks {
  /** Who is here changed: a roster broadcast is due. */
  rosterChanged(): void;
  /** A member left (or was removed): images they were sending or receiving are dropped. */
  departed(conn: PeerConnection): void;
  /** A member got a seat (joining, or admitted from the queue): history is due. */
  seated(conn: PeerConnection): void;
  /** The resume token for a native member's Welcome (undefined: resuming is off). */
  resumeToken(conn: PeerConnection): string | undefined;
}

export class Room {
  private hostPeer: Peer;
  /** Every open socket, identified or not (roster.connections). */
  private readonly conns = new Map<number, PeerConnection>();
  private readonly seatQueue: SeatQueue<number>;
  private readonly seatNotices: SeatNotices;
  /** Peer id → its member's connection (a resumed member keeps its id on a new connection). */
  private readonly byPeer = new Map<number, PeerConnection>();
  /** Members whose connection was lost, their seat held for them (their connection is closed). */
  private readonly held = new Set<PeerConnection>();
  /** Name → peer id (the host is HOST_ID): unique by what they look like, in any case. */
  private readonly names = new NameBook<number>();
  /** Members whose leaving was already handled (kick, stall) before their socket finished closing. */
  private readonly gone = new WeakSet<PeerConnection>();
  private seatedCache: PeerConnection[] | undefined;
  /** The room's topic ('' for none): set by presence.ts (the host's /topic), shown by the roster, welcome and /who. */
  topic: string;

  constructor(
    private readonly options: ResolvedServerOptions,
    private readonly notices: Notices,
    private readonly hooks: RoomHooks,
  ) {
    const name = sanitizeName(options.name) ?? 'Server';
    this.hostPeer = { id: HOST_ID, name, address: 'host', kind: 'host' };
    this.names.add(name, HOST_ID);
    this.seatQueue = new SeatQueue<number>(options.seats);
    this.seatNotices = new SeatNotices(this.seatQueue, notices, {
      member: (id) => this.byPeer.get(id),
      seated: (conn) => this.hooks.seated(conn),
    });
    this.topic = options.topic;
  }

  get host(): Peer {
    return this.hostPeer;
  }

  get roster(): Roster {
    return {
      seats: this.seatQueue.seats,
      active: [this.hostPeer, ...this.peersOf(this.seatQueue.active)],
      waiting: this.peersOf(this.seatQueue.waiting),
      connections: this.conns.size,
      ...(this.topic ? { topic: this.topic } : {}),
    };
  }

  // ------------------------------------------------------------------------------------------ connections

  /** A new socket (not yet a member: see join). */
  add(conn: PeerConnection): void {
    this.conns.set(conn.id, conn);
  }

  /** Its socket closed (a member also leaves: see leave). */
  remove(conn: PeerConnection): void {
    this.conns.delete(conn.id);
  }

  /** Shutdown: every socket is closed. */
  removeAll(): void {
    this.conns.clear();
    this.byPeer.clear();
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Every open socket, identified or not. */
  connections(): IterableIterator<PeerConnection> {
    return this.conns.values();
  }

  /** Members still in the room, seated or waiting. */
  *members(): Iterable<PeerConnection> {
    for (const conn of this.conns.values()) if (conn.peer && !this.gone.has(conn)) yield conn;
  }

  /** Connected members with a seat, in the order they got it (not those whose seat is held). */
  seated(): readonly PeerConnection[] {
    this.seatedCache ??= this.seatQueue.active
      .map((id) => this.byPeer.get(id))
      .filter((c): c is PeerConnection => c !== undefined && !this.held.has(c));
    return this.seatedCache;
  }

  /** The member's place in line, or null when it has a seat. */
  positionOf(conn: PeerConnection): number | null {
    return this.seatQueue.position(conn.peer?.id ?? conn.id);
  }

  hasSeat(conn: PeerConnection): boolean {
    return this.seatQueue.stateOf(conn.peer?.id ?? conn.id) === 'active';
  }

  /** Is `name` (any case) the host's? */
  isHostName(name: string): boolean {
    return this.names.find(name) === HOST_ID;
  }

  /** The member or waiter with `peerId` (kick, ban: removals.ts). Throws ChatError when nobody has that id. */
  memberById(peerId: number): PeerConnection {
    const conn = this.byPeer.get(peerId);
    if (!conn?.peer || this.gone.has(conn))
      throw new ChatError('unknown-peer', `No one with id ${peerId} is connected.`);
    return conn;
  }

  /** The member called exactly `name` (any case); never the host. */
  findByName(name: string): PeerConnection | undefined {
    const id = this.names.find(name);
    return id === undefined || id === HOST_ID ? undefined : this.byPeer.get(id);
  }

  // ------------------------------------------------------------------------------------------ members

  /** A connection that identified itself becomes a member: a seat, or a place in line. */
  join(conn: PeerConnection, requested: string): void {
    const name = this.names.unique(sanitizeName(requested) ?? `guest-${conn.id}`);
    const peer: Peer = { id: conn.id, name, address: conn.address, kind: conn.kind === 'native' ? 'native' : 'plain' };
    if (conn.encrypted) peer.encrypted = true;
    conn.identified(peer);
    this.byPeer.set(peer.id, conn);
    this.names.add(name, conn.id);
    const seat = this.seatQueue.join(conn.id);
    this.seatedCache = undefined;
    const position = seat.state === 'waiting' ? seat.position : null;
    diagnoseConn(conn, position === null ? 'welcome: seated' : `welcome: waiting #${position} in line`);
    if (conn.kind === 'native') {
      // The roster follows with the next (coalesced) broadcast, which includes this newcomer.
      conn.sendFrame({ type: FrameType.Welcome, body: this.welcome(conn, peer, position) });
    } else {
      const here = hereNow(this.roster.active);
      const { room } = this.options;
      const welcome = {
        room,
        name,
        address: conn.address,
        topic: this.topic,
        here,
        seats: this.seatQueue.seats,
        position,
      };
      this.notices.tell(conn, 'info', plainWelcomeText(welcome));
    }
    if (position !== null) {
      this.seatNotices.tellPosition(conn, position);
      this.notices.log('info', `${name} (${conn.address}) is waiting: #${position} in line.`);
    } else {
      this.seatNotices.told(conn, null);
      this.hooks.seated(conn);
      this.notices.joined(`${name} (${conn.address}) joined.`, conn);
    }
    this.hooks.rosterChanged();
  }

  /** Everything the room does when someone is gone (idempotent: kick and stall run it before the socket closes). */
  leave(conn: PeerConnection, text: string): void {
    const peer = conn.peer;
    if (!peer || this.gone.has(conn)) return;
    this.gone.add(conn);
    this.held.delete(conn);
    if (this.byPeer.get(peer.id) === conn) this.byPeer.delete(peer.id);
    this.hooks.departed(conn);
    this.names.remove(peer.name, peer.id);
    const change = this.seatQueue.leave(peer.id);
    this.seatedCache = undefined;
    if (change.removedFrom === 'active') this.notices.left(text);
    else this.notices.log('system', text.replace(/\.$/, ' (was waiting in line).'));
    this.seatNotices.apply(change);
    this.hooks.rosterChanged();
  }

  /** A member asked for a new name (the caller already applied the rate limit). */
  renameMember(conn: PeerConnection, requested: string): void {
    const peer = conn.peer as Peer;
    const clean = sanitizeName(requested);
    if (!clean) return this.notices.tell(conn, 'error', `${NO_VISIBLE_NAME}; you are still ${peer.name}.`, 'bad-name');
    const name = this.names.unique(clean, peer.id);
    if (name === peer.name) return this.notices.tell(conn, 'info', `You are already ${name}.`);
    this.names.remove(peer.name, peer.id);
    this.names.add(name, peer.id);
    conn.renamed(name);
    this.seatedCache = undefined;
    this.notices.tell(conn, 'info', `You are now ${name}.`);
    const text = `${peer.name} is now ${name}.`;
    if (this.seatQueue.stateOf(peer.id) === 'active') this.notices.announce('system', text, conn);
    else this.notices.log('system', text);
    this.hooks.rosterChanged();
  }

  // ------------------------------------------------------------------------------------------ the host's actions

  /** Gives a waiting peer a seat now (default: #1 in line), even when all seats are taken. */
  admit(peerId?: number): Peer | undefined {
    const change = this.seatQueue.admit(peerId);
    if (change.admitted.length === 0) {
      this.notices.log(
        'info',
        peerId === undefined ? 'Nobody is waiting in line.' : 'That person is not waiting in line.',
      );
      return undefined;
    }
    this.seatedCache = undefined;
    this.seatNotices.apply(change);
    this.hooks.rosterChanged();
    return this.byPeer.get(change.admitted[0])?.peer;
  }

  /** Changes the number of seats while running: more seats admit waiters in order; fewer evict nobody. */
  setSeats(seats: number): void {
    if (!Number.isInteger(seats) || seats < 0)
      throw new ChatError('bad-option', `Seats must be a whole number ≥ 0 (0 = everyone chats), not ${seats}.`);
    const change = this.seatQueue.setSeats(seats);
    this.seatedCache = undefined;
    this.notices.log('system', seats === 0 ? 'Seats: unlimited, everyone chats.' : `Seats: ${seats}.`);
    this.seatNotices.apply(change);
    this.hooks.rosterChanged();
  }

  /** The host's new name (made unique, like a member's). */
  renameHost(name: string): void {
    const clean = sanitizeName(name);
    if (!clean) return this.notices.log('error', `${NO_VISIBLE_NAME}; keeping ${this.hostPeer.name}.`, 'bad-name');
    const old = this.hostPeer.name;
    const unique = this.names.unique(clean, HOST_ID);
    if (unique === old) return;
    this.names.remove(old, HOST_ID);
    this.names.add(unique, HOST_ID);
    this.hostPeer = { ...this.hostPeer, name: unique };
    this.notices.announce('system', `${old} is now ${unique}.`);
    this.hooks.rosterChanged();
  }

  /** Something the roster shows changed (an away status, the topic): a roster broadcast is due. */
  rosterChanged(): void {
    this.hooks.rosterChanged();
  }

  /** The host's `/away [reason]` or `/back` (presence.ts tells the room). */
  hostAwayChanged(away: string | undefined): void {
    const { away: _old, ...host } = this.hostPeer;
    this.hostPeer = away === undefined ? host : { ...host, away };
    this.hooks.rosterChanged();
  }

  // ------------------------------------------------------------------------------------------ lost connections

  /** A native member's connection was lost: its seat or place in line is kept until resumeMember or leave. */
  hold(conn: PeerConnection): void {
    this.held.add(conn);
    this.seatedCache = undefined;
  }

  /**
   * `conn` came back with `old`'s resume token: it becomes the same member (id, name, seat or place in line) and
   * gets its Welcome; `old` (a held seat, or a ghost connection the server had not noticed yet) is gone quietly.
   * True when `old` was a held seat.
   */
  resumeMember(conn: PeerConnection, old: PeerConnection): boolean {
    const peer: Peer = { ...(old.peer as Peer), address: conn.address };
    const wasHeld = this.held.delete(old);
    this.gone.add(old);
    conn.identified(peer);
    this.byPeer.set(peer.id, conn);
    this.seatedCache = undefined;
    const position = this.seatQueue.position(peer.id);
    this.seatNotices.told(conn, position);
    diagnoseConn(conn, `resumed as member #${peer.id}${position === null ? '' : `, #${position} in line`}`);
    conn.sendFrame({ type: FrameType.Welcome, body: { ...this.welcome(conn, peer, position), resumed: true } });
    this.hooks.rosterChanged();
    return wasHeld;
  }

  // ------------------------------------------------------------------------------------------ wordings

  /** The answer to /who. */
  whoText(): string {
    return whoText(this.roster);
  }

  /** "3 seats, others wait in line" or "everyone chats". */
  seatsText(): string {
    return seatsText(this.seatQueue.seats);
  }

  // ------------------------------------------------------------------------------------------ inside

  private peersOf(ids: readonly number[]): Peer[] {
    return ids.map((id) => this.byPeer.get(id)?.peer).filter((p): p is Peer => p !== undefined);
  }

  /** A Welcome, with a fresh resume token every time. */
  private welcome(conn: PeerConnection, you: Peer, position: number | null): WelcomeBody {
    const resume = this.hooks.resumeToken(conn);
    return {
      you,
      room: this.options.room,
      seats: this.seatQueue.seats,
      position,
      ...(this.topic ? { topic: this.topic } : {}),
      ...(resume ? { resume } : {}),
    };
  }
}

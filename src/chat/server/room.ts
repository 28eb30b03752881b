// The room's membership, shared by ChatServer: who is here (names, seats, the waiting queue), what everyone is
// told about it (notices, queue positions, rosters), and the host's admit/kick/rename. ChatServer (server.ts)
// adds the sockets: listening, handshakes, relaying messages and images, heartbeats, shutdown.
import type { ChatEvents, EndpointState, NoticeLevel, Peer, Roster } from '../core/events';
import { ChatError, errorMessage } from '../core/errors';
import { TypedEmitter } from '../core/typedEmitter';
import { sanitizeName } from '../core/format';
import { ImageRelay } from './imageRelay';
import { NoticeThrottle } from './noticeThrottle';
import { Outgoing, type PeerConnection } from './peerConnection';
import { plainNotice } from '../wire/plainText';
import { FrameType } from '../wire/frames';
import { ImageByteBudget, RateLimiter } from './rateLimiter';
import { SeatQueue, type SeatChange } from './seats';
import type { ResolvedServerOptions } from './options';
import { formatBytes } from '../core/units';

export const HOST_ID = 0;
const MIN_ROSTER_GAP_MS = 20;
const MAX_ROSTER_GAP_MS = 10_000;
const ROSTER_BYTES_PER_SECOND = 16 * 1024 * 1024;
/** Error lines of one kind (code) per second in the host's log before they are summed up. */
const HOST_ERRORS_PER_SECOND = 5;

export abstract class ServerRoom extends TypedEmitter<ChatEvents> {
  protected hostPeer: Peer;
  protected currentState: EndpointState = 'idle';
  /** Every open socket, identified or not (roster.connections). */
  protected readonly conns = new Map<number, PeerConnection>();
  protected readonly seatQueue: SeatQueue<number>;
  /** Lower-cased name → peer id (the host is HOST_ID): names are unique regardless of case. */
  protected readonly names = new Map<string, number>();
  protected readonly relay: ImageRelay;
  /** Each member's image byte budget (options.imageBytesPerMinute); gone with the connection. */
  private readonly imageBudgets = new WeakMap<PeerConnection, ImageByteBudget>();
  private activeCache: PeerConnection[] | undefined;
  private rosterTimer: NodeJS.Timeout | undefined;
  private lastRosterAt = 0;
  private lastRosterBytes = 0;
  private stopped = false;
  private nextMessageId = 1;
  private readonly throttle = new NoticeThrottle(HOST_ERRORS_PER_SECOND, (notice) => this.emit('notice', notice));

  constructor(readonly options: ResolvedServerOptions) {
    super();
    const name = sanitizeName(options.name) ?? 'Server';
    this.hostPeer = { id: HOST_ID, name, address: 'host', kind: 'host' };
    this.names.set(name.toLowerCase(), HOST_ID);
    this.seatQueue = new SeatQueue<number>(options.seats);
    this.relay = new ImageRelay(options.maxImageBytes, {
      reject: (sender, code, text) => this.refuse(sender, code, text),
    });
  }

  /**
   * Events go to the host's code (session, transcript, UI). A bug there must not look like a peer's fault — the
   * peer whose bytes we were handling would be disconnected — so a throwing listener becomes an error notice.
   */
  protected override emit<K extends keyof ChatEvents & string>(event: K, ...args: ChatEvents[K]): void {
    try {
      super.emit(event, ...args);
    } catch (error) {
      if (event === 'notice') return; // reporting it would throw again
      const text = errorMessage(error);
      this.emit('notice', {
        at: Date.now(),
        level: 'error',
        text: `A '${event}' listener failed: ${text}`,
        code: 'listener-failed',
      });
    }
  }

  get self(): Peer {
    return this.hostPeer;
  }

  get state(): EndpointState {
    return this.currentState;
  }

  get roster(): Roster {
    return {
      seats: this.seatQueue.seats,
      active: [this.hostPeer, ...this.activeConns().map((c) => c.peer as Peer)],
      waiting: this.seatQueue.waiting.map((id) => this.conns.get(id)?.peer).filter((p): p is Peer => p !== undefined),
      connections: this.conns.size,
    };
  }

  /** Gives a waiting peer a seat now (default: #1 in line), even when all seats are taken. */
  admit(peerId?: number): Peer | undefined {
    const change = this.seatQueue.admit(peerId);
    if (change.admitted.length === 0) {
      this.hostNotice(
        'info',
        peerId === undefined ? 'Nobody is waiting in line.' : 'That person is not waiting in line.',
      );
      return undefined;
    }
    this.activeCache = undefined;
    this.applySeatChange(change);
    this.scheduleRoster();
    return this.conns.get(change.admitted[0])?.peer;
  }

  /** Changes the number of seats while running: more seats admit waiters in order; fewer evict nobody. */
  setSeats(seats: number): void {
    if (!Number.isInteger(seats) || seats < 0)
      throw new ChatError('bad-option', `Seats must be a whole number ≥ 0 (0 = everyone chats), not ${seats}.`);
    const change = this.seatQueue.setSeats(seats);
    this.activeCache = undefined;
    this.hostNotice('system', seats === 0 ? 'Seats: unlimited, everyone chats.' : `Seats: ${seats}.`);
    this.applySeatChange(change);
    this.scheduleRoster();
  }

  /** Removes a member or waiter; they are told why. Throws ChatError when nobody has that id. */
  kick(peerId: number, reason?: string): void {
    const conn = this.conns.get(peerId);
    if (!conn?.peer || conn.departed) throw new ChatError('unknown-peer', `No one with id ${peerId} is connected.`);
    const why = reason ? `: ${reason}` : '.';
    this.noticeTo(conn, 'error', `You were removed from the room by the host${why}`, 'kicked');
    if (conn.kind === 'native')
      conn.sendFrame({ type: FrameType.Bye, body: { reason: reason ?? 'Removed by the host.' } });
    conn.close('kicked');
    this.leaveRoom(conn, `${conn.peer.name} was removed by the host${why}`);
  }

  rename(name: string): void {
    const clean = sanitizeName(name);
    if (!clean)
      return this.hostNotice(
        'error',
        'That name has no letters or digits left after cleaning; keeping the old one.',
        'bad-name',
      );
    const old = this.hostPeer.name;
    const unique = this.uniqueName(clean, HOST_ID);
    if (unique === old) return;
    this.names.delete(old.toLowerCase());
    this.names.set(unique.toLowerCase(), HOST_ID);
    this.hostPeer = { ...this.hostPeer, name: unique };
    this.announce('system', `${old} is now ${unique}.`);
    this.scheduleRoster();
  }

  // ------------------------------------------------------------------------------------------ membership

  protected join(conn: PeerConnection, requested: string): void {
    const name = this.uniqueName(sanitizeName(requested) ?? `guest-${conn.id}`);
    const peer: Peer = { id: conn.id, name, address: conn.address, kind: conn.kind === 'native' ? 'native' : 'plain' };
    conn.identified(peer);
    this.names.set(name.toLowerCase(), conn.id);
    if (this.options.rateLimit) conn.rate = new RateLimiter(this.options.rateLimit);
    if (this.options.imageBytesPerMinute)
      this.imageBudgets.set(conn, new ImageByteBudget(this.options.imageBytesPerMinute));
    const seat = this.seatQueue.join(conn.id);
    this.activeCache = undefined;
    const position = seat.state === 'waiting' ? seat.position : null;
    if (conn.kind === 'native') {
      // The roster follows with the next (coalesced) broadcast, which includes this newcomer.
      conn.sendFrame({
        type: FrameType.Welcome,
        body: { you: peer, room: this.options.room, seats: this.seatQueue.seats, position },
      });
    } else {
      const here = this.roster.active.map((p) => p.name).join(', ');
      const seats = this.seatQueue.seats;
      const room =
        position === null
          ? `Here now: ${here}.`
          : `All ${seats} seat${seats === 1 ? ' is' : 's are'} taken (chatting: ${here}); you will be let in when one frees up.`;
      this.noticeTo(
        conn,
        'info',
        `Welcome to ${this.options.room}, ${name} (${conn.address})! ${room} Type /help for commands.`,
      );
    }
    if (position !== null) {
      this.tellPosition(conn, position);
      this.hostNotice('info', `${name} (${conn.address}) is waiting: #${position} in line.`);
    } else {
      conn.toldPosition = null;
      this.announce('system', `${name} (${conn.address}) joined.`, conn);
    }
    this.scheduleRoster();
  }

  /** Everything the room does when someone is gone (idempotent: kick and stall run it before the socket closes). */
  protected leaveRoom(conn: PeerConnection, text: string): void {
    const peer = conn.peer;
    if (!peer || conn.departed) return;
    conn.departed = true;
    this.relay.senderGone(conn);
    this.relay.recipientGone(conn);
    if (this.names.get(peer.name.toLowerCase()) === peer.id) this.names.delete(peer.name.toLowerCase());
    const change = this.seatQueue.leave(peer.id);
    this.activeCache = undefined;
    if (change.removedFrom === 'active') this.announce('system', text);
    else this.hostNotice('system', text.replace(/\.$/, ' (was waiting in line).'));
    this.applySeatChange(change);
    this.scheduleRoster();
  }

  protected applySeatChange(change: SeatChange<number>): void {
    for (const id of change.admitted) {
      const conn = this.conns.get(id);
      if (!conn?.peer) continue;
      conn.toldPosition = null;
      if (conn.kind === 'native') conn.sendFrame({ type: FrameType.Queue, body: { position: null } });
      this.noticeTo(conn, 'info', 'You have a seat now: you can chat.');
      this.announce('system', `${conn.peer.name} was admitted.`, conn);
    }
    if (change.queueMoved || change.admitted.length > 0) {
      this.seatQueue.waiting.forEach((id, index) => {
        const conn = this.conns.get(id);
        if (conn && conn.toldPosition !== index + 1) this.tellPosition(conn, index + 1);
      });
    }
  }

  protected tellPosition(conn: PeerConnection, position: number): void {
    conn.toldPosition = position;
    if (conn.kind === 'native') conn.sendFrame({ type: FrameType.Queue, body: { position } });
    this.noticeTo(conn, 'info', `You are #${position} in line.`);
  }

  protected renamePeer(conn: PeerConnection, requested: string): void {
    const peer = conn.peer as Peer;
    if (!this.withinRate(conn)) return; // each rename is announced to everyone: no free amplification
    const clean = sanitizeName(requested);
    if (!clean)
      return this.noticeTo(
        conn,
        'error',
        'Names use letters, digits, spaces and - _ . only; that one has none left.',
        'bad-name',
      );
    const name = this.uniqueName(clean, peer.id);
    if (name === peer.name) return this.noticeTo(conn, 'info', `You are already ${name}.`);
    this.names.delete(peer.name.toLowerCase());
    this.names.set(name.toLowerCase(), peer.id);
    conn.peer = { ...peer, name };
    this.activeCache = undefined;
    this.noticeTo(conn, 'info', `You are now ${name}.`);
    const text = `${peer.name} is now ${name}.`;
    if (this.seatQueue.stateOf(peer.id) === 'active') this.announce('system', text, conn);
    else this.hostNotice('system', text);
    this.scheduleRoster();
  }

  /** The per-client rate limit for anything others get told about (messages, renames); one notice per mute. */
  protected withinRate(conn: PeerConnection): boolean {
    const verdict = conn.rate?.take();
    if (!verdict || verdict.ok) return true;
    if (verdict.firstDrop) {
      const limit = this.options.rateLimit ? this.options.rateLimit.perSecond : 0;
      const seconds = verdict.muteSeconds;
      this.noticeTo(
        conn,
        'error',
        `Slow down: you are sending more than ${limit} messages per second; your messages are being dropped for ${seconds} s.`,
        'rate-limited',
      );
      this.hostNotice(
        'error',
        `${this.who(conn)} is sending too fast; their messages are dropped for ${seconds} s.`,
        'rate-limited',
      );
    }
    return false;
  }

  /** The per-client image byte budget, charged with an announced image's size; refused → the sender and the host's log are told. */
  protected withinImageBudget(conn: PeerConnection, bytes: number): boolean {
    const verdict = this.imageBudgets.get(conn)?.take(bytes);
    if (!verdict || verdict.ok) return true;
    const limit = formatBytes(this.options.imageBytesPerMinute || 0);
    this.refuse(
      conn,
      'image-rate-limited',
      `Image refused — slow down: you sent ${formatBytes(verdict.usedBytes)} of images in the last minute (the limit is ${limit} per minute); try again in ${verdict.retrySeconds} s.`,
    );
    return false;
  }

  // ------------------------------------------------------------------------------------------ telling people

  /** A notice for the host's log and every active member (except `skip`). */
  protected announce(level: NoticeLevel, text: string, skip?: PeerConnection): void {
    const at = Date.now();
    const out = new Outgoing(
      () => ({ type: FrameType.Notice, body: { level, text } }),
      () => plainNotice({ at, level, text }),
    );
    for (const conn of this.activeConns()) if (conn !== skip) conn.deliver(out);
    this.emit('notice', { at, level, text });
  }

  protected noticeTo(conn: PeerConnection, level: NoticeLevel, text: string, code?: string): void {
    if (conn.kind === 'native') conn.sendFrame({ type: FrameType.Notice, body: { level, text, code } });
    else conn.write(plainNotice({ at: Date.now(), level, text, code }));
  }

  /** A refused message: the sender is told; with `log`, the host's log gets a line too. */
  protected refuse(conn: PeerConnection, code: string, text: string, log = true): void {
    this.noticeTo(conn, 'error', text, code);
    if (log) this.hostNotice('error', `${this.who(conn)}: ${text}`, code);
  }

  /** A line in the host's log; repeated errors of one kind are throttled (NoticeThrottle). */
  protected hostNotice(level: NoticeLevel, text: string, code?: string): void {
    this.throttle.notice({ at: Date.now(), level, text, code });
  }

  /** A broken rule of the protocol: Error frame (fatal), a line in the host's log, then close. */
  protected fatal(conn: PeerConnection, code: string, message: string): void {
    conn.sendFrame({ type: FrameType.Error, body: { code, message, fatal: true } });
    conn.close('protocol error');
    this.hostNotice('error', `Disconnected ${this.who(conn)}: ${message}`, code);
  }

  /** Shutdown: no more roster broadcasts or throttled-notice summaries. */
  protected stopBackgroundWork(): void {
    this.stopped = true;
    if (this.rosterTimer) clearTimeout(this.rosterTimer);
    this.rosterTimer = undefined;
    this.throttle.dispose();
  }

  /**
   * Rosters are coalesced: a change schedules one broadcast, sent after a gap that grows with what the last one
   * cost (size × recipients), so roster traffic stays under ROSTER_BYTES_PER_SECOND however big the room gets —
   * a full roster to everyone on every one of 1,000 joins would be 1,000² peers on the wire.
   */
  protected scheduleRoster(): void {
    if (this.rosterTimer || this.stopped || this.currentState !== 'listening') return;
    const gap = Math.min(
      MAX_ROSTER_GAP_MS,
      Math.max(MIN_ROSTER_GAP_MS, (this.lastRosterBytes / ROSTER_BYTES_PER_SECOND) * 1000),
    );
    const wait = Math.max(0, this.lastRosterAt + gap - Date.now());
    this.rosterTimer = setTimeout(() => {
      this.rosterTimer = undefined;
      this.lastRosterAt = Date.now();
      const roster = this.roster;
      const out = new Outgoing(() => ({ type: FrameType.Roster, body: roster }), undefined);
      let sent = 0;
      for (const conn of this.conns.values()) {
        if (conn.peer && conn.kind === 'native' && !conn.departed) {
          conn.deliver(out);
          sent++;
        }
      }
      this.lastRosterBytes = sent * (sent > 0 ? out.forNative().length : 0);
      this.emit('roster', roster);
    }, wait);
  }

  // ------------------------------------------------------------------------------------------ helpers

  protected activeConns(): PeerConnection[] {
    this.activeCache ??= this.seatQueue.active
      .map((id) => this.conns.get(id))
      .filter((c): c is PeerConnection => c !== undefined);
    return this.activeCache;
  }

  protected findByName(name: string): PeerConnection | undefined {
    const id = this.names.get(name.trim().toLowerCase());
    return id === undefined || id === HOST_ID ? undefined : this.conns.get(id);
  }

  /** `name`, or `name (2)`, `name (3)` … until nobody else has it. */
  protected uniqueName(name: string, selfId?: number): string {
    const free = (candidate: string) => {
      const owner = this.names.get(candidate.toLowerCase());
      return owner === undefined || owner === selfId;
    };
    if (free(name)) return name;
    for (let n = 2; ; n++) if (free(`${name} (${n})`)) return `${name} (${n})`;
  }

  protected who(conn: PeerConnection): string {
    return conn.peer ? `${conn.peer.name} (${conn.address})` : conn.address;
  }

  protected whoText(): string {
    const roster = this.roster;
    const active = roster.active.map((p) => (p.kind === 'host' ? `${p.name} (host)` : `${p.name} (${p.address})`));
    const waiting = roster.waiting.map((p, i) => `#${i + 1} ${p.name}`);
    return `Chatting (${active.length}): ${active.join(', ')}${waiting.length ? `\nWaiting (${waiting.length}): ${waiting.join(', ')}` : ''}`;
  }

  protected seatsText(): string {
    const seats = this.seatQueue.seats;
    return seats === 0 ? 'everyone chats' : `${seats} seat${seats === 1 ? '' : 's'}, others wait in line`;
  }

  protected messageId(): string {
    return `s${this.nextMessageId++}`;
  }

  protected setState(state: EndpointState): void {
    this.currentState = state;
    this.emit('state', state);
  }
}

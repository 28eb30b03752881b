// ChatServer: one port for native and plain-text peers. It HAS the parts and wires them together:
//   room.ts        who is here (members, seats, the waiting queue) and the host's admit / kick / seats / rename
//   admission.ts   a new socket until it joins: refusal when full, greeting, Challenge/Hello/password, name line
//   addressLimits.ts  per IP address: open connections, connects per second, messages, waits after wrong passwords
//   messages.ts    what members and the host say: checked, labelled by us (never by them), delivered
//   notices.ts     what people are told (one peer, everyone, the host's log); rosterUpdates.ts the roster broadcast
//   presence.ts    /away, /back and the host's /topic
//   imageRelay.ts  images streaming through; peerConnection.ts / peerOutput.ts one socket's bytes in and out
//   history/       what the room remembers: recent messages for late joiners, seats held after a lost connection
// This file adds listening, the heartbeat and shutdown; connectionEvents.ts routes each connection's events to the
// right part.
import { createServer, type Server } from 'node:net';
import { AccessList } from './limits/accessList';
import { ChatError, errorMessage, listenError } from '../core/errors';
import type { FileTarget } from '../core/files';
import { TypedEmitter } from '../core/typedEmitter';
import {
  type ChatEndpoint,
  type ChatEvents,
  type EndpointState,
  type OutgoingMessage,
  type Peer,
  type Roster,
} from '../core/events';
import { plainNotice } from '../wire/plainText';
import { encodeFrame } from '../wire/codec';
import { FrameType } from '../wire/frames';
import { AddressLimits } from './limits/addressLimits';
import { Admission } from './admission/admission';
import { HeldSeats } from './history/heldSeats';
import { MISSED_LIMIT, RoomHistory } from './history/roomHistory';
import { ImageRelay } from './relay/imageRelay';
import { ImageTransfers } from '../core/imageTransfers';
import { connectionEvents } from './connectionEvents';
import { ServerFiles } from './files/serverFiles';
import { Messages } from './relay/messages';
import { diagnoseConn, Notices, who } from './room/notices';
import { RosterBroadcast } from './room/rosterUpdates';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options';
import { NO_ANSWER, type PeerConnection } from './connection/peerConnection';
import { Outgoing } from './connection/peerOutput';
import { Presence } from './room/presence';
import { ipOf, kick, removeAddress } from './room/removals';
import { Room } from './room/room';
import { certificateFingerprint } from '../tls/certificate';
import { encryptionText } from '../tls/serverGate';

export type { ServerOptions } from './options';

export class ChatServer extends TypedEmitter<ChatEvents> implements ChatEndpoint {
  readonly role = 'server' as const;
  readonly options: ResolvedServerOptions;
  private readonly room: Room;
  private readonly notices: Notices;
  private readonly rosters: RosterBroadcast;
  private readonly relay: ImageRelay;
  /** The host's image progress: its images going out (`send REF`), members' images arriving (`receive REF`). */
  private readonly images = new ImageTransfers((progress) => this.emit('transfer', progress));
  private readonly files: ServerFiles;
  private readonly admission: Admission;
  private readonly addresses: AddressLimits;
  private readonly access: AccessList;
  private readonly messages: Messages;
  private readonly presence: Presence;
  private readonly history: RoomHistory;
  private readonly held: HeldSeats;
  private currentState: EndpointState = 'idle';
  private tcp: Server | undefined;
  private bound: { host: string; port: number } | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** The SHA-256 fingerprint of the room's certificate (`AB:CD:…`), when it speaks TLS. */
  readonly fingerprint: string | undefined;

  constructor(options: ServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options);
    this.fingerprint = this.options.tls ? certificateFingerprint(this.options.tls.certPem) : undefined;
    this.notices = new Notices(
      (notice) => this.emit('notice', notice),
      () => this.room.seated(),
      this.options.joinLeaveNotices,
    );
    this.addresses = new AddressLimits(this.options);
    this.access = new AccessList(this.options.allow, this.options.deny);
    this.relay = new ImageRelay(this.options, {
      reject: (sender, code, text) => this.notices.refuse(sender, code, text),
    });
    const { history, resumeGraceMs } = this.options;
    this.history = new RoomHistory(history, resumeGraceMs > 0 ? MISSED_LIMIT : 0);
    this.room = new Room(this.options, this.notices, {
      rosterChanged: () => this.rosters.schedule(),
      departed: (conn) => (this.forgetImages(conn), this.held.forget(conn)),
      seated: (conn) => (this.held.seated(conn), this.history.replayTo(conn)),
      resumeToken: (conn) => this.held.token(conn),
    });
    this.held = new HeldSeats(resumeGraceMs, this.room, this.history, this.notices);
    this.rosters = new RosterBroadcast({
      roster: () => this.room.roster,
      members: () => this.room.members(),
      isListening: () => this.currentState === 'listening',
      emit: (roster) => this.emit('roster', roster),
    });
    this.presence = new Presence(this.room, this.notices);
    this.files = new ServerFiles({
      room: this.room,
      notices: this.notices,
      maxFileBytes: this.options.maxFileBytes,
      nextRef: () => this.messages.newRef(),
      nextMessageId: () => this.messages.messageId(),
      message: (message) => this.emit('message', message),
      transfer: (progress) => this.emit('transfer', progress),
    });
    this.messages = new Messages({
      files: this.files,
      options: this.options,
      room: this.room,
      notices: this.notices,
      relay: this.relay,
      presence: this.presence,
      addresses: this.addresses,
      emit: (message) => this.emit('message', message),
      said: (record) => this.history.said(record),
      images: this.images,
    });
    // Last: it hands the connection events (connectionEvents.ts) to every new connection.
    this.admission = new Admission({
      options: this.options,
      room: this.room,
      notices: this.notices,
      access: this.access,
      addresses: this.addresses,
      handlers: connectionEvents({
        options: this.options,
        admission: () => this.admission,
        messages: this.messages,
        notices: this.notices,
        room: this.room,
        presence: this.presence,
        held: this.held,
        rosters: this.rosters,
        isClosing: () => this.closing !== undefined,
        forget: (conn) => this.forgetImages(conn),
      }),
      isClosing: () => this.closing !== undefined,
      rosterChanged: () => this.rosters.schedule(),
      resume: (conn, hello) => this.held.resume(conn, hello),
    });
  }

  get self(): Peer {
    return this.room.host;
  }

  get state(): EndpointState {
    return this.currentState;
  }

  get roster(): Roster {
    return this.room.roster;
  }

  /** Where we listen, once listening. */
  address(): { host: string; port: number } | undefined {
    return this.bound;
  }

  /** Gives a waiting peer a seat now (default: #1 in line), even when all seats are taken. */
  admit(peerId?: number): Peer | undefined {
    return this.room.admit(peerId);
  }

  /** Changes the number of seats while running: more seats admit waiters in order; fewer evict nobody. */
  setSeats(seats: number): void {
    this.room.setSeats(seats);
  }

  /** Removes a member or waiter; they are told why. Throws ChatError when nobody has that id. */
  kick(peerId: number, reason?: string): void {
    kick(this.room, this.notices, peerId, reason);
  }

  /**
   * Bans a member's IP address for as long as this server runs: every connection from it is closed with a line
   * saying so, the room is told, and later connections from it are refused. Throws ChatError when nobody has that id.
   */
  ban(peerId: number, reason?: string): void {
    const ip = ipOf(this.room, peerId);
    this.access.ban(ip);
    removeAddress(this.room, ip, reason);
  }

  /** The host's new name (made unique among the members'). */
  rename(name: string): void {
    this.room.renameHost(name);
  }

  /** The host's `/away [reason]` ('' for none) or `/back` (undefined); the room is told. */
  setAway(reason: string | undefined): void {
    this.presence.hostAway(reason);
  }

  /** The room's topic ('' for none): shown in the greeting, /who and the panel header; the room is told. */
  get topic(): string {
    return this.room.topic;
  }

  /** The host's `/topic text`: cleaned like the room name (one line, at most 200 characters). */
  setTopic(text: string): void {
    this.presence.setTopic(text);
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.closing) return Promise.reject(new ChatError('closed', 'This server was closed; start a new one.'));
    if (this.tcp) return Promise.reject(new ChatError('already-listening', 'This server was already started.'));
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const tcp = createServer((socket) => this.admission.accept(socket));
      const failed = (error: NodeJS.ErrnoException) => {
        this.tcp = undefined;
        reject(listenError(error, host, port));
      };
      tcp.once('error', failed);
      this.tcp = tcp;
      tcp.listen({ host, port }, () => {
        tcp.off('error', failed);
        tcp.on('error', (error) => this.notices.log('error', `Server socket error: ${error.message}`, 'server-error'));
        const address = tcp.address();
        this.bound = { host, port: typeof address === 'object' && address ? address.port : port };
        this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
        this.heartbeat.unref();
        this.setState('listening');
        this.rosters.schedule(); // the first roster: the host alone
        this.notices.log(
          'system',
          `Listening on ${host}:${this.bound.port} as ${this.room.host.name} (room "${this.options.room}", ${this.room.seatsText()}); ${encryptionText(this.fingerprint, this.options.requireTls)}.${this.room.topic ? ` Topic: ${this.room.topic}` : ''}`,
        );
        resolve(this.bound);
      });
    });
  }

  /** The host speaks: to every active member, or privately with `to` (any connected peer, even one waiting). */
  async send(message: OutgoingMessage): Promise<void> {
    if (this.currentState !== 'listening') throw new ChatError('not-listening', 'The server is not running.');
    if (message.file) return this.files.fromHost({ ...message, file: message.file });
    this.messages.fromHost(message);
  }

  // Files (server/files/): the host accepts, declines and cancels like a member.
  acceptFile(messageId: string, target: FileTarget): void {
    this.files.accept(messageId, target);
  }
  declineFile(messageId: string): void {
    this.files.decline(messageId);
  }
  cancelTransfer(transferId: string): void {
    this.files.cancel(transferId);
  }

  /** Tells every peer goodbye, closes every socket, stops listening. Idempotent. */
  close(reason = 'The server is shutting down.'): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
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

  private forgetImages(conn: PeerConnection): void {
    this.relay.senderGone(conn);
    this.relay.recipientGone(conn);
    this.images.receiverGone(conn);
    this.files.gone(conn);
  }

  /** Every heartbeat: stalled images are given up; native members are pinged, and dropped after 2 silent beats. */
  private beat(): void {
    // An image with no bytes for two heartbeats is given up (30 s by default), releasing what it reserved.
    this.relay.sweep(Date.now(), 2 * this.options.heartbeatIntervalMs);
    let ping: Buffer | undefined;
    for (const conn of this.room.connections()) {
      if (conn.kind !== 'native' || !conn.peer || conn.isClosed) continue;
      conn.liveness.beat();
      if (conn.liveness.isSilent()) {
        diagnoseConn(conn, 'heartbeat: no answer, dropped');
        conn.destroy(NO_ANSWER);
        this.notices.log('error', `Disconnected ${who(conn)}: no answer to 2 heartbeats.`, 'heartbeat');
        continue;
      }
      ping ??= encodeFrame({ type: FrameType.Ping, payload: Buffer.alloc(0) });
      conn.write(ping);
    }
  }

  private async shutdown(reason: string): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.rosters.stop();
    this.notices.dispose();
    this.held.dispose();
    this.files.stop();
    this.admission.closeHeld();
    this.images.endAll('cancelled', 'the room stopped');
    const closed: Promise<void>[] = [];
    const bye = new Outgoing(
      () => ({ type: FrameType.Bye, body: { reason } }),
      () => plainNotice({ at: Date.now(), level: 'system', text: `The server closed: ${reason}` }),
    );
    for (const conn of this.room.connections()) {
      closed.push(
        new Promise((resolve) => (conn.socket.destroyed ? resolve() : conn.socket.once('close', () => resolve()))),
      );
      if (conn.kind !== 'unknown') conn.deliver(bye);
      conn.close('server closed');
    }
    const tcp = this.tcp;
    if (tcp) closed.push(new Promise((resolve) => tcp.close(() => resolve())));
    await Promise.all(closed);
    this.room.removeAll();
    if (this.currentState === 'listening') this.notices.log('system', `Server stopped: ${reason}`);
    this.setState('closed');
  }

  private setState(state: EndpointState): void {
    this.currentState = state;
    this.emit('state', state);
  }
}

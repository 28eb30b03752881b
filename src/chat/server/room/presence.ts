// The room's habits from IRC: a member's `/away [reason]` and `/back` (shown in the roster and /who; a private
// message to someone away gets their reason as an automatic reply, once per sender per away spell), and the
// room's topic, which only the host sets (`/topic`). Room keeps the state it shows; this file changes it and says so.
import type { Peer } from '../../core/events';
import { diagnoseConn, type Notices } from './notices';
import { cleanTopic } from '../options';
import type { PeerConnection } from '../connection/peerConnection';
import { HOST_ID, type Room } from './room';

export class Presence {
  /** Per away member (the host: HOST_ID): the senders already told they are away, this away spell. */
  private readonly replied = new Map<number, Set<number>>();

  constructor(
    private readonly room: Room,
    private readonly notices: Notices,
  ) {}

  /** A member's /away (reason, '' for none) or /back (undefined). Others are told; so is the member. */
  memberAway(conn: PeerConnection, reason: string | undefined): void {
    const peer = conn.peer as Peer;
    const away = reason === undefined ? undefined : cleanTopic(reason);
    if (away === undefined && peer.away === undefined) return this.notices.tell(conn, 'info', 'You are not away.');
    diagnoseConn(conn, away === undefined ? 'back' : 'away');
    conn.awayChanged(away);
    this.replied.delete(peer.id);
    this.notices.tell(conn, 'info', away === undefined ? 'Welcome back.' : awayConfirmation(away));
    const text = awayLine(peer.name, away);
    if (this.room.hasSeat(conn)) this.notices.announce('system', text, conn);
    else this.notices.log('system', text);
    this.room.rosterChanged();
  }

  /** The host's /away or /back: the room is told. */
  hostAway(reason: string | undefined): void {
    const away = reason === undefined ? undefined : cleanTopic(reason);
    if (away === undefined && this.room.host.away === undefined) return;
    this.room.hostAwayChanged(away);
    this.replied.delete(HOST_ID);
    this.notices.announce('system', awayLine(this.room.host.name, away));
  }

  /**
   * A private message reached `to`, who may be away: the sentence for the sender ("alice is away: lunch"), the first
   * time in this away spell only; undefined otherwise.
   */
  awayReply(to: Peer, senderId: number): string | undefined {
    if (to.away === undefined) return undefined;
    let told = this.replied.get(to.id);
    if (!told) this.replied.set(to.id, (told = new Set()));
    if (told.has(senderId)) return undefined;
    told.add(senderId);
    return to.away ? `${to.name} is away: ${to.away}` : `${to.name} is away.`;
  }

  /** A member left: nobody is told they are away any more. */
  forget(peerId: number): void {
    this.replied.delete(peerId);
  }

  /** The host's /topic: cleaned like the room name; the room is told. */
  setTopic(text: string): void {
    const topic = cleanTopic(text);
    if (topic === this.room.topic) return;
    this.room.topic = topic;
    const host = this.room.host.name;
    this.notices.announce('system', topic ? `${host} set the topic: ${topic}` : `${host} cleared the topic.`);
    this.room.rosterChanged();
  }
}

function awayLine(name: string, away: string | undefined): string {
  if (away === undefined) return `${name} is back.`;
  return away ? `${name} is away: ${away}` : `${name} is away.`;
}

function awayConfirmation(away: string): string {
  const why = away ? ` (${away})` : '';
  return `You are away${why}: private messages get an automatic reply. /back when you return.`;
}

// What members are told about the seats and the waiting line: each waiter's place in line (told again only when it
// changes), a seat given to a waiter (admitted by the host, freed by someone leaving, more seats). The seats
// themselves are SeatQueue's (seats.ts); who is who is the room's (room.ts).
import { FrameType } from '../../wire/frames';
import type { PeerConnection } from '../connection/peerConnection';
import { diagnoseConn, type Notices } from './notices';
import type { SeatChange, SeatQueue } from './seats';

export interface SeatNoticeHooks {
  /** The connection of member `id`, if it is here. */
  member(id: number): PeerConnection | undefined;
  /** A member got a seat: history is due. */
  seated(conn: PeerConnection): void;
}

export class SeatNotices {
  /** The place in line each member was last told (null: has a seat). */
  private readonly toldPosition = new WeakMap<PeerConnection, number | null>();

  constructor(
    private readonly seatQueue: SeatQueue<number>,
    private readonly notices: Notices,
    private readonly hooks: SeatNoticeHooks,
  ) {}

  /** `conn` already knows its place (null: its seat), from its Welcome. */
  told(conn: PeerConnection, position: number | null): void {
    this.toldPosition.set(conn, position);
  }

  /** Tells `conn` its place in line. */
  tellPosition(conn: PeerConnection, position: number): void {
    this.toldPosition.set(conn, position);
    if (conn.kind === 'native') conn.sendFrame({ type: FrameType.Queue, body: { position } });
    this.notices.tell(conn, 'info', `You are #${position} in line.`);
  }

  /** After the seats changed: the admitted are told and seated, the room told; waiters whose place moved, told. */
  apply(change: SeatChange<number>): void {
    for (const id of change.admitted) {
      const conn = this.hooks.member(id);
      if (!conn?.peer) continue;
      this.toldPosition.set(conn, null);
      diagnoseConn(conn, 'admitted to a seat');
      if (conn.kind === 'native') conn.sendFrame({ type: FrameType.Queue, body: { position: null } });
      this.notices.tell(conn, 'info', 'You have a seat now: you can chat.');
      this.hooks.seated(conn);
      this.notices.announce('system', `${conn.peer.name} was admitted.`, conn);
    }
    if (change.queueMoved || change.admitted.length > 0) {
      this.seatQueue.waiting.forEach((id, index) => {
        const conn = this.hooks.member(id);
        if (conn && this.toldPosition.get(conn) !== index + 1) this.tellPosition(conn, index + 1);
      });
    }
  }
}

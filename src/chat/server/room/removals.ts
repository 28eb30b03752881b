// The host removing people from the room: a kick (one member or waiter, told why, closed) and a ban's sweep (every
// connection from one address, told and closed). The room forgets the members among them through Room.leave.
import { FrameType } from '../../wire/frames';
import { plainBytes } from '../../wire/plainText';
import { normalizeIp } from '../limits/addressLimits';
import { diagnoseConn, type Notices } from './notices';
import type { Room } from './room';

/** Removes a member or waiter; they are told why. Throws ChatError when nobody has that id. */
export function kick(room: Room, notices: Notices, peerId: number, reason?: string): void {
  const conn = room.memberById(peerId);
  diagnoseConn(conn, 'kicked by the host: ', reason ?? '(no reason given)');
  const why = reason ? `: ${reason}` : '.';
  notices.tell(conn, 'error', `You were removed from the room by the host${why}`, 'kicked');
  if (conn.kind === 'native')
    conn.sendFrame({ type: FrameType.Bye, body: { reason: reason ?? 'Removed by the host.' } });
  conn.close('kicked');
  room.leave(conn, `${conn.peer!.name} was removed by the host${why}`);
}

/** The IP address of a member or waiter (IPv4-mapped IPv6 as plain IPv4). Throws ChatError when nobody has that id. */
export function ipOf(room: Room, peerId: number): string {
  return normalizeIp(room.memberById(peerId).socket.remoteAddress ?? '');
}

/** A ban: every connection from `ip` is told and closed; the members among them leave the room. */
export function removeAddress(room: Room, ip: string, reason?: string): void {
  const why = reason ? `: ${reason}` : '.';
  const message = `You were banned from the room by the host${why}`;
  for (const conn of [...room.connections()]) {
    if (normalizeIp(conn.socket.remoteAddress ?? '') !== ip) continue;
    diagnoseConn(conn, 'banned by the host: ', reason ?? '(no reason given)');
    if (conn.kind === 'native')
      conn.sendFrame({ type: FrameType.Error, body: { code: 'banned', message, fatal: true } });
    conn.close('banned', conn.kind === 'native' ? undefined : plainBytes(message));
    if (conn.peer) room.leave(conn, `${conn.peer.name} was banned by the host${why}`);
  }
}

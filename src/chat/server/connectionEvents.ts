// Where each connection's events go: admission until it joins, then messages (Ping, Pong and Bye answered here);
// a line too long, a refused frame, a stalled reader, an internal error told or logged; the room when it closes
// (or a held seat, when it may come back). ChatServer hands these to every PeerConnection through admission.
import { errorMessage } from '../core/errors';
import { formatBytes } from '../core/units';
import { FrameType } from '../wire/frames';
import type { Admission } from './admission/admission';
import type { PeerConnection, PeerHandlers } from './connection/peerConnection';
import type { HeldSeats } from './history/heldSeats';
import type { ResolvedServerOptions } from './options';
import type { Messages } from './relay/messages';
import { diagnoseConn, goodbyeReason, who, type Notices } from './room/notices';
import type { Presence } from './room/presence';
import type { Room } from './room/room';
import type { RosterBroadcast } from './room/rosterUpdates';

/** The server's parts the events go to. */
export interface RoutedParts {
  options: ResolvedServerOptions;
  /** Made after the handlers, which it hands to each new connection. */
  admission: () => Admission;
  messages: Messages;
  notices: Notices;
  room: Room;
  presence: Presence;
  held: HeldSeats;
  rosters: RosterBroadcast;
  isClosing(): boolean;
  /** The images and files a connection was sending or receiving are dropped. */
  forget(conn: PeerConnection): void;
}

export function connectionEvents(parts: RoutedParts): PeerHandlers {
  const { options, messages, notices, room, presence, held, rosters } = parts;
  return {
    onNative: (conn) => parts.admission().native(conn),
    onPlain: (conn) => parts.admission().plain(conn),
    onFrame: (conn, frame) => {
      switch (frame.type) {
        case FrameType.Ping:
          return conn.sendFrame({ type: FrameType.Pong, payload: frame.payload });
        case FrameType.Pong:
          return;
        case FrameType.Bye:
          return conn.close(goodbyeReason(frame.body.reason));
      }
      if (conn.peer) messages.memberFrame(conn, frame);
      else parts.admission().frame(conn, frame);
    },
    onLine: (conn, line) => (conn.peer ? messages.memberLine(conn, line) : parts.admission().line(conn, line)),
    onOverlongLine: (conn, max) =>
      notices.tell(
        conn,
        'error',
        `Your line was longer than ${formatBytes(max)}; the rest of it was cut.`,
        'line-too-long',
      ),
    onProtocolError: (conn, error) => {
      diagnoseConn(conn, `refused frame (${error.code}): `, error.message);
      notices.fatal(conn, error.code, error.message);
    },
    onOverflow: (conn, pending) => {
      const cap = formatBytes(options.maxPendingOutputBytes);
      diagnoseConn(conn, `output cap: ${formatBytes(pending)} waiting (cap ${cap})`);
      conn.destroy('stalled');
      notices.log(
        'error',
        `Disconnected ${who(conn)}: ${formatBytes(pending)} of output was waiting for it (limit ${cap}); it stopped reading.`,
        'output-cap',
      );
      room.leave(conn, `${conn.peer?.name ?? conn.address} was disconnected (stopped reading).`);
    },
    onInternalError: (conn, error) => {
      const text = errorMessage(error);
      diagnoseConn(conn, 'internal error: ', text);
      notices.log(
        'error',
        `Internal error while serving ${who(conn)}: ${text}; that connection was closed.`,
        'internal',
      );
    },
    onClose: (conn) => {
      diagnoseConn(conn, 'closed: ', conn.closeReason ?? 'left');
      parts.forget(conn);
      room.remove(conn);
      if (parts.isClosing()) return;
      parts.admission().closed(conn);
      const reason = conn.closeReason && conn.closeReason !== 'left' ? ` (${conn.closeReason})` : '';
      if (conn.peer) presence.forget(conn.peer.id); // away ends with the connection, held seat or not
      if (conn.peer && !held.lost(conn)) room.leave(conn, `${conn.peer.name} left${reason}.`);
      rosters.schedule();
    },
  };
}

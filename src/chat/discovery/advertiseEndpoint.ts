// A running room announces itself: the advertiser is fed from the server's roster (counts as they change) and
// says goodbye when the server closes. Written against the ChatEndpoint interface (core/), so discovery never
// imports server/; the CLI and the extension each call it once after listen().
import type { ChatEndpoint, Roster } from '../core/events';
import { PROTOCOL_VERSION } from '../wire/handshake';
import { RoomAdvertiser } from './advertiser';
import { describeRoom } from './txtRecord';

export interface HostedRoom {
  /** The listen address: it decides the networks the room is announced on. */
  listenHost: string;
  /** The bound port. */
  port: number;
  name: string;
  password: boolean;
  /** The room certificate's fingerprint when it speaks TLS (announced as `tls=1`, `fp=…`: a hint for Trust). */
  fingerprint?: string;
}

/** Starts advertising `server` (already listening); listen to 'problem'/'advertised' on the result. */
export function advertiseEndpoint(server: ChatEndpoint, room: HostedRoom): RoomAdvertiser {
  const tls = room.fingerprint ? { tls: true, fingerprint: room.fingerprint } : {};
  const base = { name: room.name, port: room.port, password: room.password, ...tls };
  const advertiser = new RoomAdvertiser(describeRoom(server.roster, base), {
    listenHost: room.listenHost,
    protocolVersion: PROTOCOL_VERSION,
  });
  const onRoster = (roster: Roster) => advertiser.update(describeRoom(roster, base));
  server.on('roster', onRoster);
  server.on('state', (state) => {
    if (state !== 'closed') return;
    server.off('roster', onRoster);
    void advertiser.stop();
  });
  // After the caller attached its listeners: a problem found at once is still heard.
  setImmediate(() => void advertiser.start());
  return advertiser;
}

// The host's Ban, without the editor around it (so it is unit-tested with a real ChatServer): which member, the
// question that names their address and how long the ban lasts, and the ban itself once the host confirms.
import { ChatError, parseAddress, type Peer, type Roster } from '../../chat';
import { l10n } from '../panel/l10n';

/** What banning needs from the running server; ChatServer provides it. */
export interface BanHost {
  readonly roster: Roster;
  ban(peerId: number, reason?: string): unknown;
}

/** `192.168.1.5` from `192.168.1.5:51234` (IPv6 `[fd00::5]:51234` → `fd00::5`). */
export function addressOf(peer: Peer): string {
  const parsed = parseAddress(peer.address, 0);
  return 'error' in parsed ? peer.address : parsed.host;
}

/** The confirmation: who, which address, and that it lasts as long as the room runs. */
export function banQuestion(peer: Peer): string {
  const ip = addressOf(peer);
  return l10n.t(
    'Ban {0} ({1})? Every connection from {1} is closed now and refused for as long as this room runs (until you stop the server). Others sharing that address (one router for a whole classroom) are shut out too.',
    peer.name,
    ip,
  );
}

/**
 * Bans member `peerId` once `confirm` (a modal in the extension) says yes; false when the host said no. Throws
 * ChatError('unknown-peer') when nobody in the room has that id (they left a moment ago).
 */
export async function banMember(
  host: BanHost,
  peerId: number,
  confirm: (question: string) => Promise<boolean>,
): Promise<boolean> {
  const find = () => [...host.roster.active, ...host.roster.waiting].find((p) => p.id === peerId && p.kind !== 'host');
  const peer = find();
  if (!peer) throw new ChatError('unknown-peer', l10n.t('No one with id {0} is connected.', peerId));
  if (!(await confirm(banQuestion(peer)))) return false;
  if (!find()) throw new ChatError('unknown-peer', l10n.t('{0} left before the ban; nobody was banned.', peer.name));
  host.ban(peerId);
  return true;
}

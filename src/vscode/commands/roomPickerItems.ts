// What Connect… lists, in order: what is being typed (when something is), the rooms heard on the network (live),
// recent addresses, then "Type an address…". Pure (no 'vscode'), so the order and the live updates are unit-tested; the
// picker (roomPicker.ts) turns these into QuickPick items. Room names and topics come from the network: control
// characters are escaped and `$(` cannot start an icon.
import { escapeControl, hostPort, roomCounts, roomFlags, type DiscoveredRoom } from '../../chat';
import { l10n } from '../panel/l10n';

export interface RoomPickItem {
  label: string;
  description?: string;
  detail?: string;
  /** A heading line (not pickable). */
  separator?: boolean;
  /** Always listed, whatever is typed (the typed address, "Type an address…"). */
  alwaysShow?: boolean;
  /** host:port to connect to; undefined for the "Type an address…" item and separators. */
  address?: string;
  /** Set on discovered rooms: the advertisement (its TLS fingerprint is a hint for the trust question). */
  room?: DiscoveredRoom;
}

/** The last item's label (without its icon), in the display language. */
export function typeAnAddress(): string {
  return l10n.t('Type an address…');
}

/** Text from the network, shown as plain text in a QuickPick. */
function shown(text: string): string {
  return escapeControl(text).replace(/\$\(/g, '$\u200b(');
}

export function roomPickItems(
  rooms: readonly DiscoveredRoom[],
  recent: readonly string[],
  typed: string,
): RoomPickItem[] {
  const items: RoomPickItem[] = [];
  const roomAddresses = new Set(rooms.map((room) => hostPort(room.host, room.port)));
  const text = typed.trim();
  // What is typed comes first, so Enter connects to it (not to a recent address that happens to match).
  if (text && !recent.includes(text) && !roomAddresses.has(text)) {
    items.push({ label: text, description: l10n.t('connect to this address'), address: text, alwaysShow: true });
  }
  if (rooms.length > 0) items.push({ label: l10n.t('Rooms on the network'), separator: true });
  for (const room of rooms) {
    const address = hostPort(room.host, room.port);
    const flags = roomFlags(room);
    const topic = room.topic ? `“${shown(room.topic)}”` : '';
    items.push({
      label: `$(broadcast) ${shown(room.name)}`,
      description: address,
      detail: [roomCounts(room), flags, topic].filter(Boolean).join(' · ') || undefined,
      address,
      room,
    });
  }
  const others = recent.filter((address) => !roomAddresses.has(address));
  if (others.length > 0) items.push({ label: l10n.t('Recent'), separator: true });
  for (const address of others) items.push({ label: address, description: l10n.t('recent'), address });
  items.push({ label: `$(edit) ${typeAnAddress()}`, alwaysShow: true });
  return items;
}

/**
 * What Enter picked. The list is rebuilt by the extension host as the user types, so a quick Enter can carry an
 * item of the previous list (`selected` not among `items`): then what was typed is meant — or, with nothing typed
 * (a room appeared meanwhile), the same address in the new list.
 */
export function acceptedPick<T extends { pick: RoomPickItem }>(
  selected: T | undefined,
  items: readonly T[],
  typed: string,
): RoomPickItem | string {
  if (!selected || items.includes(selected)) return selected?.pick ?? typed;
  if (typed.trim() !== '') return typed;
  return items.find((item) => item.pick.address === selected.pick.address)?.pick ?? typed;
}

// What Connect… lists, in order: one fixed first item that is what is being typed ("Type an address…" while nothing
// is), then the rooms heard on the network (live), then recent addresses. Pure (no 'vscode'), so the order and the
// live updates are unit-tested; the picker (roomPicker.ts) turns these into QuickPick items. Room names and topics
// come from the network: control characters are escaped and `$(` cannot start an icon.
import { escapeControl, hostPort, roomCounts, roomFlags, type DiscoveredRoom } from '../../chat';
import { l10n } from '../panel/l10n';

export interface RoomPickItem {
  label: string;
  description?: string;
  detail?: string;
  /** A heading line (not pickable). */
  separator?: boolean;
  /** Always listed, whatever is typed (the first item). */
  alwaysShow?: boolean;
  /** host:port to connect to; undefined for "Type an address…" (nothing typed yet) and separators. */
  address?: string;
  /** Set on discovered rooms: the advertisement (its TLS fingerprint is a hint for the trust question). */
  room?: DiscoveredRoom;
  /** The first item: what is typed. */
  typed?: boolean;
}

/** The first item's label while nothing is typed (without its icon), in the display language. */
export function typeAnAddress(): string {
  return l10n.t('Type an address…');
}

/** Text from the network, shown as plain text in a QuickPick. */
function shown(text: string): string {
  return escapeControl(text).replace(/\$\(/g, '$\u200b(');
}

/**
 * The first item: what is typed, or "Type an address…" (a separate input box) while nothing is. A typed address
 * that a room on the network has brings that room's advertisement along, as picking the room would.
 */
export function typedItem(typed: string, rooms: readonly DiscoveredRoom[]): RoomPickItem {
  const text = typed.trim();
  if (!text) return { label: `$(edit) ${typeAnAddress()}`, alwaysShow: true, typed: true };
  const room = rooms.find((candidate) => hostPort(candidate.host, candidate.port) === text);
  return {
    label: text,
    description: l10n.t('connect to this address'),
    address: text,
    room,
    alwaysShow: true,
    typed: true,
  };
}

export function roomPickItems(
  rooms: readonly DiscoveredRoom[],
  recent: readonly string[],
  typed: string,
): RoomPickItem[] {
  // VS Code maps a selection to the list by position, and typing must never move anything: only the first item
  // changes with the typing (its label follows it), so a quick Enter can only ever mean what was typed.
  const items: RoomPickItem[] = [typedItem(typed, rooms)];
  const roomAddresses = new Set(rooms.map((room) => hostPort(room.host, room.port)));
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
  return items;
}

/**
 * What Enter picked: the highlighted item, or — when it is the first item or nothing is highlighted (what is typed
 * matches no item) — what is typed now.
 */
export function acceptedPick(
  selected: RoomPickItem | undefined,
  typed: string,
  rooms: readonly DiscoveredRoom[],
): RoomPickItem {
  return selected && !selected.typed ? selected : typedItem(typed, rooms);
}

// How a discovered room reads in a list, the same in `tcp-chat discover` and the editor's Connect… picker:
// "12 chatting · 3 waiting · 10 seats" and "🔒 password  TLS". The name and topic came from the network: the
// caller escapes them where it prints (the CLI's output does, the picker shows plain text).
import type { RoomFacts } from './txtRecord';

/** "12 chatting · 3 waiting · 10 seats" (what the room said; parts it did not say are left out). */
export function roomCounts(room: RoomFacts): string {
  const parts: string[] = [];
  if (room.chatting !== undefined) parts.push(`${room.chatting} chatting`);
  if (room.waiting !== undefined && (room.waiting > 0 || (room.seats ?? 0) > 0)) parts.push(`${room.waiting} waiting`);
  if (room.seats !== undefined && room.seats > 0) parts.push(`${room.seats} seat${room.seats === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** "🔒 password  TLS" (empty for an open room without TLS). */
export function roomFlags(room: RoomFacts): string {
  const flags: string[] = [];
  if (room.password) flags.push('🔒 password');
  if (room.tls) flags.push('TLS');
  return flags.join('  ');
}

// What ChatClient tells its user about the room itself: joined (which room, as whom, a seat kept, the topic; a
// plain-text server's limits), left, and a name that only this side knows. Failures are in connection/connectErrors.ts.
import type { Joined } from './connection/serverConnection';

/** Connected: `room` is the room's name (a plain-text server has none), `where` its address. */
export function joinedText(joined: Joined, room: string, where: string): string {
  if (joined.kind === 'plain')
    return `Connected to ${where}, a plain-text chat server: your lines are sent as typed; images and private messages are not available.`;
  const { you, position, resumed } = joined.welcome;
  const topic = joined.welcome.topic ? ` Topic: ${joined.welcome.topic}` : '';
  const kept = resumed ? ` again: your ${position === null ? 'seat' : 'place in line'} was kept` : '';
  return `Connected to ${room ? `"${room}" at ` : ''}${where} as ${you.name}${kept}.${topic}`;
}

/** We closed the connection ourselves. */
export function leftText(room: string, where: string): string {
  return `You left ${room && room !== where ? `"${room}" at ` : ''}${where}.`;
}

/** A rename on a plain-text server: only we know the new name. */
export function renamedHereText(name: string): string {
  return `You are now ${name} on this side; a plain-text server does not know names, so others still see the label it gave you.`;
}

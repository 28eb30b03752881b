// The room in words: a plain-text member's welcome line, the answer to /who, the seats in a few words.
import type { Peer, Roster } from '../../core/events';

export interface PlainWelcome {
  room: string;
  name: string;
  address: string;
  /** '' for none. */
  topic: string;
  /** Who is chatting, short (rosterUpdates.ts `hereNow`). */
  here: string;
  seats: number;
  /** Its place in line; null: it has a seat. */
  position: number | null;
}

/** The line a plain-text member is greeted with once it has a name. */
export function plainWelcomeText(welcome: PlainWelcome): string {
  const { here, seats, position } = welcome;
  const room =
    position === null
      ? `Here now: ${here}.`
      : `All ${seats} seat${seats === 1 ? ' is' : 's are'} taken (chatting: ${here}); you will be let in when one frees up.`;
  const topic = welcome.topic ? ` Topic: ${welcome.topic}${/[.!?]$/.test(welcome.topic) ? '' : '.'}` : '';
  return `Welcome to ${welcome.room}, ${welcome.name} (${welcome.address})!${topic} ${room} Type /help for commands.`;
}

/** The answer to /who. */
export function whoText(roster: Roster): string {
  const away = (p: Peer) => (p.away === undefined ? '' : p.away ? ` [away: ${p.away}]` : ' [away]');
  const active = roster.active.map((p) => `${p.name} (${p.kind === 'host' ? 'host' : p.address})${away(p)}`);
  const waiting = roster.waiting.map((p, i) => `#${i + 1} ${p.name}${away(p)}`);
  const topic = roster.topic ? `Topic: ${roster.topic}\n` : '';
  return `${topic}Chatting (${active.length}): ${active.join(', ')}${waiting.length ? `\nWaiting (${waiting.length}): ${waiting.join(', ')}` : ''}`;
}

/** "3 seats, others wait in line" or "everyone chats". */
export function seatsText(seats: number): string {
  return seats === 0 ? 'everyone chats' : `${seats} seat${seats === 1 ? '' : 's'}, others wait in line`;
}

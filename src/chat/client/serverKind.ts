// The client's first decision: is this a TCP Chat server (greeting line `TCPCHAT/1 …`) or a plain-text one?
// Decided from the first bytes, as early as they allow: a plain-text server usually sends nothing (then the
// caller's timeout decides) or a line that is plainly not ours (decided at its first differing byte).
import { GREETING_PREFIX, parseGreeting } from '../wire/handshake';

export type GreetingVerdict =
  /** Not enough bytes yet to tell. */
  | { kind: 'undecided' }
  | { kind: 'plain' }
  /** `rest` is what followed the greeting line (the start of the frame stream). */
  | { kind: 'native'; version: number; room: string; rest: Buffer };

/** Longest first line we wait for before deciding the server is not one of ours. */
export const MAX_GREETING_BYTES = 4096;
const PREFIX = Buffer.from(GREETING_PREFIX, 'ascii');

export function classifyGreeting(head: Buffer): GreetingVerdict {
  const compared = Math.min(head.length, PREFIX.length);
  if (!head.subarray(0, compared).equals(PREFIX.subarray(0, compared))) return { kind: 'plain' };
  const newline = head.indexOf(0x0a);
  if (newline < 0) return head.length > MAX_GREETING_BYTES ? { kind: 'plain' } : { kind: 'undecided' };
  const greeting = parseGreeting(head.subarray(0, newline + 1).toString('utf8'));
  if (!greeting) return { kind: 'plain' };
  return { kind: 'native', version: greeting.version, room: greeting.room, rest: head.subarray(newline + 1) };
}

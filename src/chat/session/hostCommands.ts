// The host's own lines: `/admit [NAME]`, `/kick NAME [reason]` and `/ban NAME [reason]`, typed in `tcp-chat serve`
// or the panel's composer (the panel also has buttons for them). ChatSession.input() acts on them when it has the
// host's controls; names are looked up in the roster.
import { leadingName } from '../core/chatInput';
import type { Peer, Roster } from '../core/events';

/** What the host can do that members cannot; ChatServer provides it. */
export interface HostActions {
  admit(peerId?: number): unknown;
  kick(peerId: number, reason?: string): unknown;
  ban(peerId: number, reason?: string): unknown;
  setTopic(text: string): unknown;
}

export type HostCommand =
  | { kind: 'admit'; peer?: Peer }
  | { kind: 'kick' | 'ban'; peer: Peer; reason?: string }
  | { kind: 'error'; message: string };

/** undefined when the line is not a host command (then the session handles it). */
export function parseHostCommand(line: string, roster: Roster): HostCommand | undefined {
  const match = /^\/(admit|kick|ban)(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!match) return undefined;
  const verb = match[1].toLowerCase();
  const rest = (match[2] ?? '').trim();
  if (verb === 'admit') {
    if (rest === '') return { kind: 'admit' };
    const quoted = leadingName(rest);
    const name = typeof quoted === 'object' && quoted.rest === '' ? quoted.name : rest;
    const peer = byName(roster.waiting, name);
    return peer ? { kind: 'admit', peer } : { kind: 'error', message: `Nobody called "${name}" is waiting in line.` };
  }
  const kind = verb === 'ban' ? 'ban' : 'kick';
  if (rest === '') return { kind: 'error', message: `/${kind} needs a name: /${kind} NAME [reason]` };
  const everyone = [...roster.active, ...roster.waiting].filter((p) => p.kind !== 'host');
  // The whole rest may be a name with spaces ("Ann Lee"); else the first word or a quoted name, then the reason.
  const whole = byName(everyone, rest);
  if (whole) return { kind, peer: whole };
  const parts = leadingName(rest);
  if (parts === 'unclosed' || !parts)
    return { kind: 'error', message: `The name needs its closing quote: /${kind} "NAME WITH SPACES" [reason]` };
  const peer = byName(everyone, parts.name);
  if (!peer) return { kind: 'error', message: `Nobody called "${parts.name}" is in the room.` };
  return { kind, peer, reason: parts.rest || undefined };
}

function byName(peers: readonly Peer[], name: string): Peer | undefined {
  const lower = name.toLowerCase();
  return peers.find((p) => p.name === name) ?? peers.find((p) => p.name.toLowerCase() === lower);
}

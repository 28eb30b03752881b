// The start of a native connection (docs/PROTOCOL.md §1–4): the server's greeting line, the client's preamble,
// and the room password's HMAC challenge–response. The frames that carry the challenge are in frames.ts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The version a peer announces in the greeting line, the preamble, Challenge.v and Hello.v. */
export const PROTOCOL_VERSION = 1;
/** First bytes of the server's greeting line; a client that reads them knows it reached a native server. */
export const GREETING_PREFIX = 'TCPCHAT/';
/** What a native client sends first (after reading the greeting); anything else marks a plain-text peer. */
export const CLIENT_PREAMBLE = Buffer.from(`TCPCHAT/${PROTOCOL_VERSION}\n`, 'ascii');

/**
 * The server's first line, readable by a human at `nc` and recognisable by our client:
 * `TCPCHAT/1 <room> — welcome! Plain-text users: type to chat (as guest-N; /name NAME or /nick NAME picks a name), or just listen.\r\n`.
 * A room with a password says so instead, up front: a plain-text peer cannot answer the challenge, and should
 * not type only to be turned away. A plain-text peer that types nothing joins as a listener half a second later. A
 * room with a topic says it after the name: `TCPCHAT/1 <room> — topic: <topic> — welcome! …`.
 */
export function greetingLine(room: string, passwordRequired = false, topic = ''): string {
  // The topic never contains ` — ` (the server cleans it), so the room name still ends at the first one.
  const head = `${GREETING_PREFIX}${PROTOCOL_VERSION} ${room} — ${topic ? `topic: ${topic} — ` : ''}`;
  if (passwordRequired) {
    return `${head}this room needs a password: join with the TCP Chat extension or \`tcp-chat connect --password\`; plain-text clients such as nc cannot join.\r\n`;
  }
  return `${head}welcome! Plain-text users: type to chat (as guest-N; /name NAME or /nick NAME picks a name), or just listen.\r\n`;
}

/** Parses a greeting line; undefined means "not one of ours" (a plain-text server). */
export function parseGreeting(line: string): { version: number; room: string } | undefined {
  const match = /^TCPCHAT\/(\d+) (.*?)(?: — .*)?\r?\n?$/.exec(line);
  if (!match) return undefined;
  return { version: Number(match[1]), room: match[2] };
}

/** Domain separation for the HMAC, so a proof can't be replayed as some other protocol's MAC. */
const AUTH_CONTEXT = 'tcpchat-auth-v1:';

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function authProof(password: string, nonce: string): string {
  return createHmac('sha256', password)
    .update(AUTH_CONTEXT + nonce)
    .digest('hex');
}

export function verifyProof(password: string, nonce: string, proof: string | undefined): boolean {
  if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/i.test(proof)) return false;
  const expected = Buffer.from(authProof(password, nonce), 'hex');
  const given = Buffer.from(proof, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

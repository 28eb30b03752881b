// How a client gets into a room, the decisions only (ServerConnection does the I/O and the timers):
// 1. Is this a TCP Chat server (greeting line `TCPCHAT/1 …`) or a plain-text one? Decided from the first bytes,
//    as early as they allow: a plain-text server usually sends nothing (then the caller's timeout decides) or a
//    line that is plainly not ours (decided at its first differing byte).
// 2. For a TCP Chat server: same protocol version? Then its Challenge is answered with a Hello (name, password proof).
import { ChatError } from '../../core/errors';
import { authProof, GREETING_PREFIX, parseGreeting, PROTOCOL_VERSION } from '../../wire/handshake';
import { type ChallengeBody, type HelloBody } from '../../wire/frames';

/** Errors after which trying again cannot help, so reconnecting stops. */
export const NO_RETRY = new Set([
  'bad-password',
  'password-required',
  'version',
  'bad-version',
  'kicked',
  'banned',
  'address-refused',
  // encrypted rooms: a changed certificate or a missing TLS is for the user to judge, not to retry blindly
  'fingerprint-changed',
  'not-encrypted',
  'not-trusted',
  'tls-required',
]);
const CLIENT_ID = `tcp-chat-node/${PROTOCOL_VERSION}`;

export type GreetingVerdict =
  /** Not enough bytes yet to tell. */
  | { kind: 'undecided' }
  | { kind: 'plain' }
  /** `rest` is what followed the greeting line (the start of the frame stream). */
  | { kind: 'native'; version: number; room: string; tls: boolean; rest: Buffer };

/** Coming back after a lost connection: the last Welcome's token and the highest message ref received. */
export type ResumeTicket = Required<Pick<HelloBody, 'resume' | 'seen'>>;

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
  const rest = head.subarray(newline + 1);
  return { kind: 'native', version: greeting.version, room: greeting.room, tls: greeting.tls === true, rest };
}

/** Undefined when we speak the server's protocol version; otherwise the error that ends the attempt. */
export function versionMismatch(version: number): ChatError | undefined {
  if (version === PROTOCOL_VERSION) return undefined;
  return new ChatError(
    'version',
    `The server speaks TCP Chat protocol version ${version}; this client speaks version ${PROTOCOL_VERSION}. Update the older side.`,
  );
}

/**
 * Our answer to the server's Challenge. Throws ChatError 'password-required' when the room needs a password and
 * we have none. We always offer to acknowledge the image bytes we receive, and to apply roster deltas when offered.
 */
export function helloFor(
  challenge: ChallengeBody,
  name: string,
  password: string | undefined,
  resume?: ResumeTicket,
  /** Over TLS: keying material of this TLS session, which the proof covers (docs/PROTOCOL.md §4). */
  binding?: Buffer,
): HelloBody {
  let proof: string | undefined;
  if (challenge.auth === 'hmac-sha256') {
    if (!password)
      throw new ChatError(
        'password-required',
        `The room "${challenge.room}" needs a password; connect again with one.`,
      );
    proof = authProof(password, challenge.nonce, binding);
  }
  const deltas = challenge.rosterDelta === true ? { rosterDelta: true } : {};
  return { v: PROTOCOL_VERSION, name, client: CLIENT_ID, proof, acks: true, files: true, ...deltas, ...resume };
}

// The start of a native connection (docs/PROTOCOL.md §1–4): the server's greeting line, the client's preamble,
// and the room password's HMAC challenge–response. The frames that carry the challenge are in frames.ts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The version a peer announces in the greeting line, the preamble, Challenge.v and Hello.v. */
export const PROTOCOL_VERSION = 1;
/** First bytes of the server's greeting line; a client that reads them knows it reached a native server. */
export const GREETING_PREFIX = 'TCPCHAT/';
/** What a native client sends first (after reading the greeting); anything else marks a plain-text peer. */
export const CLIENT_PREAMBLE = Buffer.from(`TCPCHAT/${PROTOCOL_VERSION}\n`, 'ascii');

/** Whether a server speaks TLS on its port: not at all, as an option, or only (unencrypted peers are refused). */
export type TlsOffer = 'none' | 'offered' | 'required';

/** Ends the greeting of a server that offers TLS: our client then upgrades the connection (docs/PROTOCOL.md §1). */
export const TLS_MARKER = '[tls]';

/**
 * The server's first line, readable by a human at `nc` and recognisable by our client:
 * `TCPCHAT/1 <room> — welcome! Plain-text users: type to chat (as guest-N; /name NAME or /nick NAME picks a name), or just listen.\r\n`.
 * A room with a password says so instead, up front: a plain-text peer cannot answer the challenge, and should
 * not type only to be turned away. A plain-text peer that types nothing joins as a listener half a second later. A
 * room with a topic says it after the name: `TCPCHAT/1 <room> — topic: <topic> — welcome! …`. A server offering
 * TLS adds a sentence for nc users and, last, the marker `[tls]`; one that requires it tells plain-text users only
 * how to connect encrypted.
 */
export function greetingLine(room: string, passwordRequired = false, topic = '', tls: TlsOffer = 'none'): string {
  // The topic never contains ` — ` (the server cleans it), so the room name still ends at the first one.
  const head = `${GREETING_PREFIX}${PROTOCOL_VERSION} ${room} — ${topic ? `topic: ${topic} — ` : ''}`;
  const marker = tls === 'none' ? '' : ` ${TLS_MARKER}`;
  if (tls === 'required') {
    return `${head}this room accepts only encrypted connections: join with \`ncat --ssl HOST PORT\` or TCP Chat.${marker}\r\n`;
  }
  const encrypted = tls === 'offered' ? ' Encrypted: `ncat --ssl HOST PORT` works too.' : '';
  if (passwordRequired) {
    return `${head}this room needs a password: join with the TCP Chat extension or \`tcp-chat connect --password\`; plain-text clients such as nc cannot join.${marker}\r\n`;
  }
  return `${head}welcome! Plain-text users: type to chat (as guest-N; /name NAME or /nick NAME picks a name), or just listen.${encrypted}${marker}\r\n`;
}

/** Parses a greeting line; undefined means "not one of ours" (a plain-text server). `tls`: TLS is offered. */
export function parseGreeting(line: string): { version: number; room: string; tls?: true } | undefined {
  const match = /^TCPCHAT\/(\d+) (.*?)(?: — .*)?\r?\n?$/.exec(line);
  if (!match) return undefined;
  const greeting = { version: Number(match[1]), room: match[2] };
  return / — .* \[tls\]\r?\n?$/.test(line) ? { ...greeting, tls: true } : greeting;
}

/** Domain separation for the HMAC, so a proof can't be replayed as some other protocol's MAC. */
const AUTH_CONTEXT = 'tcpchat-auth-v1:';
/** Inside TLS the proof also covers keying material exported from that TLS session (docs/PROTOCOL.md §4). */
const TLS_AUTH_CONTEXT = 'tcpchat-auth-tls-v1:';
/** The label for `exportKeyingMaterial` (RFC 5705 / 8446 exporters), with the nonce as its context. */
export const TLS_EXPORTER_LABEL = 'EXPORTER-tcpchat-auth';

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The password proof: HMAC-SHA256 keyed with the password over the context and the nonce; over TLS, `binding`
 * (32 bytes exported from the TLS session) is added, so a proof relayed into another TLS session is worthless.
 */
export function authProof(password: string, nonce: string, binding?: Buffer): string {
  const message = binding ? `${TLS_AUTH_CONTEXT}${nonce}:${binding.toString('hex')}` : AUTH_CONTEXT + nonce;
  return createHmac('sha256', password).update(message).digest('hex');
}

export function verifyProof(password: string, nonce: string, proof: string | undefined, binding?: Buffer): boolean {
  if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/i.test(proof)) return false;
  const expected = Buffer.from(authProof(password, nonce, binding), 'hex');
  const given = Buffer.from(proof, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

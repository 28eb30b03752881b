// ChatClient's side of a plain-text server (like `ncat --chat`, or the classic threaded broadcast room that relays
// `[ip:port] text` lines): bytes in → lines (newline- or pause-terminated, via the shared LineSplitter) → messages
// from whoever the line names; text out as lines. Two line formats ("dialects") are recognised, everything else
// is a message from the server itself:
//   ncat --chat:      `<user3> hi`  and  `<announce> 127.0.0.1 is connected as <user5>.`
//   broadcast room:   `[127.0.0.1:5555] hi`  and  `[SERVER] Client ('127.0.0.1', 5555) has joined the chat.`
import type { Socket } from 'node:net';
import { hostPort } from '../../core/address';
import { diagnose } from '../../core/diagnostics';
import type { Peer } from '../../core/events';
import { LineSplitter } from '../../wire/plainText';

export type PlainServerLine =
  | { kind: 'message'; from: string; text: string }
  /** Sent by nobody in particular (the server's own words). */
  | { kind: 'server'; text: string }
  /** ncat's join/leave announcements: shown as system notices. */
  | { kind: 'announce'; text: string };

type Dialect = 'ncat --chat (`<name> text` lines)' | 'broadcast room (`[ip:port] text` lines)';

// Sender names are short and have no spaces in either dialect; the text after them may be empty.
const NCAT_LINE = /^<([^<>\s]{1,64})> ?([\s\S]*)$/;
const BRACKET_LINE = /^\[([^[\]\s]{1,64})\] ?([\s\S]*)$/;
const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\]):\d{1,5}$/i;

export function parsePlainServerLine(line: string): PlainServerLine {
  return readLine(line).parsed;
}

function readLine(line: string): { parsed: PlainServerLine; dialect?: Dialect } {
  const text = line.replace(/\r$/, '');
  const ncat = NCAT_LINE.exec(text);
  if (ncat) {
    const parsed: PlainServerLine =
      ncat[1] === 'announce' ? { kind: 'announce', text: ncat[2] } : { kind: 'message', from: ncat[1], text: ncat[2] };
    return { parsed, dialect: 'ncat --chat (`<name> text` lines)' };
  }
  const bracket = BRACKET_LINE.exec(text);
  // `[12:34:56] …` is a timestamp (our own format relayed by someone), not a sender.
  if (bracket && !/^\d{1,2}:\d{2}(:\d{2})?$/.test(bracket[1]))
    return {
      parsed: { kind: 'message', from: bracket[1], text: bracket[2] },
      dialect: 'broadcast room (`[ip:port] text` lines)',
    };
  return { parsed: { kind: 'server', text } };
}

export interface PlainServerEvents {
  message(from: Peer, text: string): void;
  notice(text: string): void;
}

export class PlainServerLink {
  /** Us, as this side knows it: a plain-text server gives us no name, so we keep the one we asked for. */
  readonly self: Peer;
  private readonly splitter: LineSplitter;
  private readonly peers = new Map<string, Peer>();
  /** The server itself: the host of this room (id 0 by the engine's convention). */
  private readonly server: Peer;
  private dialect: Dialect | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly where: string,
    name: string,
    pauseMs: number,
    private readonly events: PlainServerEvents,
  ) {
    this.self = {
      id: 1,
      name,
      address: hostPort(socket.localAddress ?? '?', socket.localPort ?? 0),
      kind: 'plain',
    };
    this.server = { id: 0, name: where, address: where, kind: 'host' };
    this.splitter = new LineSplitter({ pauseMs, onLine: (line) => this.onLine(line) });
  }

  push(bytes: Buffer): void {
    this.splitter.push(bytes);
  }

  /** The connection ended: deliver a last unfinished line, then stop. */
  finish(): void {
    this.splitter.flush();
    this.splitter.dispose();
  }

  /** One text → one line per text line, newline-terminated (what nc and the broadcast room expect). */
  sendText(text: string): void {
    const lines = text.split(/\r?\n/);
    this.socket.write(lines.map((line) => `${line}\n`).join(''));
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    const { parsed, dialect } = readLine(line);
    if (dialect && !this.dialect) {
      this.dialect = dialect;
      diagnose('client', `${this.where} speaks the ${dialect} plain-text dialect`);
    }
    if (parsed.kind === 'announce') return this.events.notice(parsed.text);
    if (parsed.kind === 'server') return this.events.message(this.server, parsed.text);
    this.events.message(this.peerNamed(parsed.from), parsed.text);
  }

  /** A stable Peer per sender label; ids start at 2 (0 = the server, 1 = us). */
  private peerNamed(name: string): Peer {
    let peer = this.peers.get(name);
    if (!peer) {
      peer = { id: this.peers.size + 2, name, address: ADDRESS.test(name) ? name : this.where, kind: 'plain' };
      this.peers.set(name, peer);
    }
    return peer;
  }
}

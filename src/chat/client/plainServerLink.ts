// ChatClient's side of a plain-text server (ncat --chat, seed 000): bytes in → lines (newline- or
// pause-terminated, via the shared LineSplitter) → messages from whoever the line names; text out as lines.
import type { Socket } from 'node:net';
import type { Peer } from '../core/events';
import { LineSplitter } from '../wire/plainText';
import { parsePlainServerLine } from './plainServerDialects';

export interface PlainServerEvents {
  message(from: Peer, text: string): void;
  notice(text: string): void;
}

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\]):\d{1,5}$/i;

export class PlainServerLink {
  private readonly splitter: LineSplitter;
  private readonly peers = new Map<string, Peer>();
  /** The server itself: the host of this room (id 0 by the engine's convention). */
  private readonly server: Peer;

  constructor(
    private readonly socket: Socket,
    private readonly where: string,
    pauseMs: number,
    private readonly events: PlainServerEvents,
  ) {
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

  /** One text → one line per text line, newline-terminated (what nc and the seed 000 server expect). */
  sendText(text: string): void {
    const lines = text.split(/\r?\n/);
    this.socket.write(lines.map((line) => `${line}\n`).join(''));
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    const parsed = parsePlainServerLine(line);
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

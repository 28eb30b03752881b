// A light native member for the scale benches: one socket that does the handshake (greeting, preamble, Hello),
// answers heartbeats and counts the roster bytes it receives, without decoding anything else — ChatClient is too
// heavy to run 10,000 of in one process. `rosterDelta` says whether its Hello offers roster deltas (what our
// ChatClient does) or not (what clients before them did).
import { connect, type Socket } from 'node:net';
import { CLIENT_PREAMBLE, encodeFrame, FRAME_HEADER_BYTES, FrameType, PROTOCOL_VERSION } from '../../src/chat';

/** Frames whose bodies this client reads (small ones); every other payload is counted and skipped. */
const KEPT = new Set<number>([FrameType.Challenge, FrameType.Ping]);

export class LightMember {
  /** Bytes of Roster frames and of RosterDelta frames received (headers included). */
  wholeRosterBytes = 0;
  deltaBytes = 0;
  wholeRosters = 0;
  deltas = 0;
  readonly socket: Socket;
  private greeted = false;
  private head = Buffer.alloc(0);
  private type = 0;
  private remaining = 0;
  private kept: Buffer[] | undefined;
  private welcomed!: () => void;
  private failed!: (error: Error) => void;
  readonly joined: Promise<void>;

  constructor(
    port: number,
    readonly name: string,
    readonly rosterDelta: boolean,
  ) {
    this.joined = new Promise<void>((resolve, reject) => {
      this.welcomed = resolve;
      this.failed = reject;
    });
    this.joined.catch(() => undefined); // a close after joining is not an error
    this.socket = connect(port, '127.0.0.1');
    // The preamble goes at once, not after the greeting as ChatClient does: the server seats a peer silent for
    // 500 ms as a plain-text listener, and this process, holding thousands of sockets, can lag that long.
    this.socket.write(CLIENT_PREAMBLE);
    const timer = setTimeout(() => this.failed(new Error(`${name}: no Welcome within 60 s`)), 60_000);
    void this.joined.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.failed(error));
    this.socket.on('close', () => this.failed(new Error(`${name}: closed before joining`)));
  }

  get rosterBytes(): number {
    return this.wholeRosterBytes + this.deltaBytes;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (!this.greeted) {
      const end = chunk.indexOf(0x0a);
      if (end === -1) return; // the greeting line is short: it comes in one read
      this.greeted = true;
      chunk = chunk.subarray(end + 1);
    }
    while (chunk.length > 0) {
      if (this.remaining === 0) {
        const need = FRAME_HEADER_BYTES - this.head.length;
        this.head = Buffer.concat([this.head, chunk.subarray(0, need)]);
        chunk = chunk.subarray(need);
        if (this.head.length < FRAME_HEADER_BYTES) return;
        this.type = this.head[4];
        this.remaining = this.head.readUInt32BE(0) - 1;
        if (this.remaining >= 1 << 24)
          return this.failed(new Error(`${this.name}: not frames (seated as plain text?)`));
        this.count(FRAME_HEADER_BYTES);
        this.head = Buffer.alloc(0);
        this.kept = KEPT.has(this.type) ? [] : undefined;
        if (this.remaining === 0) this.frameDone(Buffer.alloc(0));
        continue;
      }
      const take = Math.min(this.remaining, chunk.length);
      this.kept?.push(chunk.subarray(0, take));
      this.count(take);
      this.remaining -= take;
      chunk = chunk.subarray(take);
      if (this.remaining === 0) this.frameDone(Buffer.concat(this.kept ?? []));
    }
  }

  private count(bytes: number): void {
    if (this.type === FrameType.Roster) this.wholeRosterBytes += bytes;
    else if (this.type === FrameType.RosterDelta) this.deltaBytes += bytes;
  }

  private frameDone(payload: Buffer): void {
    this.kept = undefined;
    switch (this.type) {
      case FrameType.Challenge: {
        const body = { v: PROTOCOL_VERSION, name: this.name, ...(this.rosterDelta ? { rosterDelta: true } : {}) };
        return void this.socket.write(encodeFrame({ type: FrameType.Hello, body }));
      }
      case FrameType.Welcome:
        return this.welcomed();
      case FrameType.Roster:
        this.wholeRosters++;
        return;
      case FrameType.RosterDelta:
        this.deltas++;
        return;
      case FrameType.Ping:
        return void this.socket.write(encodeFrame({ type: FrameType.Pong, payload }));
    }
  }
}

/**
 * A plain-text (nc-like) member that only listens: reads and discards, says nothing (the server seats it after
 * 500 ms of silence). Saying a line would be a message to everyone — a storm of messages, not an idle room.
 */
export function plainMember(port: number, name: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  return new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no greeting`)), 30_000);
    socket.once('data', () => {
      clearTimeout(timer);
      socket.resume();
      resolve(socket);
    });
  });
}

/** The open-files limit of this process (soft, hard), from /proc/self/limits. */
export function openFilesLimit(read: (path: string) => string): { soft: number; hard: number } {
  const line = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(read('/proc/self/limits'));
  const value = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

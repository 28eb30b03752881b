// A relay in front of each rogue ChatClient: the rogue connects to it, and it connects on to the server from an
// attacker's own loopback address (127.0.0.N — all of 127/8 is this machine), so the server sees a LAN of many
// hostile machines while honest members come from 127.0.0.1. `trickle()` then slows what the rogue sends to a
// few bytes at a time: the rogue's own ChatClient did the password handshake, the relay makes it a slow sender.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Upstream bytes held while trickling before the rogue's socket is paused (bounded memory). */
const MAX_HELD_BYTES = 256 * 1024;
const TRICKLE_TICK_MS = 250;

export class Relay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly pipes: Array<{ from: Socket; to: Socket }> = [];
  /** Per rogue socket: what it sent that the trickle has not passed on yet. */
  private readonly held = new Map<Socket, Buffer[]>();
  private trickleBytesPerTick = 0;
  private ticker: NodeJS.Timeout | undefined;

  private constructor(
    private readonly target: number,
    readonly sourceAddress: string,
  ) {
    this.server = createServer((rogue) => this.accept(rogue));
  }

  /** A relay on 127.0.0.1 (port: `port`) to the server at 127.0.0.1:`target`, connecting from `sourceAddress`. */
  static async open(target: number, sourceAddress: string): Promise<Relay> {
    const relay = new Relay(target, sourceAddress);
    await new Promise<void>((resolve, reject) => {
      relay.server.once('error', reject);
      relay.server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** From now on, rogue → server bytes go at about `bytesPerSecond`. */
  trickle(bytesPerSecond: number): void {
    this.trickleBytesPerTick = Math.max(1, Math.round((bytesPerSecond * TRICKLE_TICK_MS) / 1000));
    this.ticker ??= setInterval(() => this.tick(), TRICKLE_TICK_MS);
  }

  close(): void {
    clearInterval(this.ticker);
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }

  private accept(rogue: Socket): void {
    const upstream = connect({ port: this.target, host: '127.0.0.1', localAddress: this.sourceAddress });
    for (const s of [rogue, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        this.held.delete(s);
        const at = this.pipes.findIndex((p) => p.from === s || p.to === s);
        if (at !== -1) this.pipes.splice(at, 1);
        rogue.destroy();
        upstream.destroy();
      });
    }
    upstream.on('data', (data: Buffer) => rogue.write(data));
    this.held.set(rogue, []);
    this.pipes.push({ from: rogue, to: upstream });
    rogue.on('data', (data: Buffer) => {
      if (!this.trickleBytesPerTick) return void upstream.write(data);
      const queue = this.held.get(rogue);
      if (!queue) return;
      queue.push(data);
      if (queue.reduce((n, b) => n + b.length, 0) > MAX_HELD_BYTES) rogue.pause();
    });
  }

  private tick(): void {
    for (const { from, to } of this.pipes) {
      const queue = this.held.get(from);
      if (!queue || to.destroyed) continue;
      let budget = this.trickleBytesPerTick;
      while (budget > 0 && queue.length) {
        const head = queue[0];
        const part = head.subarray(0, budget);
        to.write(part);
        budget -= part.length;
        if (part.length === head.length) queue.shift();
        else queue[0] = head.subarray(part.length);
      }
      if (from.isPaused() && queue.reduce((n, b) => n + b.length, 0) < MAX_HELD_BYTES / 2) from.resume();
    }
  }
}

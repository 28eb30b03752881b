// The hostile side of the soak. Every attacker is a bounded loop that stops at `until`, with a timeout on each
// step, talking only to 127.0.0.1, from its own loopback address (127.0.0.N) as separate machines on a LAN would.
// Raw sockets do what needs no password (connect churn, slowloris, idle sockets); rogue ChatClients behind a
// Relay do the rest (wrong passwords; and, as insiders who know the password: floods, trickled images, bombs,
// look-alike names and goodbyes hiding a forged line).
import { connect, type Socket } from 'node:net';
import { ChatClient, CLIENT_PREAMBLE, errorMessage } from '../../../src/chat';
import { sleep } from '../children';
import { FORGED_LINE } from './honest';
import { pngBomb } from './images';
import { Relay } from './relay';

export interface AttackPlan {
  until: number;
  port: number;
  password: string;
  idleSockets: number;
  /** The idle sockets open one by one over this long (the room fills up gradually, as a real flood of them would). */
  idleRampMs: number;
  slowloris: number;
  churners: number;
  guessers: number;
  flooders: number;
  tricklers: number;
  /** When the tricklers (who join at the start) announce their images (epoch ms). */
  trickleAt: number;
  /** Image size each trickler announces: together they take the server's allowance for unfinished images. */
  trickleImageBytes: number;
  /** Text length of a flood line (the server's limit, so each logged line is as long as it can be). */
  floodChars: number;
}

export interface AttackCount {
  connections: number;
  /** Turned away or cut off by the server (before the attacker hung up itself). */
  refused: number;
}

export const HOSTILE_NAMES = [
  'Нost',
  'Ηost',
  'аlice',
  'bob',
  '\u3164',
  'car\u200bol',
  'dave\nHost: hi',
  '\x1b[31merin',
];
const STEP_TIMEOUT_MS = 10_000;

export class Attackers {
  readonly counts = new Map<string, AttackCount>();
  /** Per source address: wrong passwords the server checked and answered "wrong password". */
  readonly passwordsChecked = new Map<string, number>();
  /** How the other guesses ended (error code → count), e.g. a refusal to check any more. */
  readonly guessEndings = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly relays = new Set<Relay>();
  private readonly rogues = new Set<ChatClient>();
  private nextAddress = 20;
  private shared: Buffer | undefined;

  constructor(private readonly plan: AttackPlan) {}

  private get running(): boolean {
    return Date.now() < this.plan.until;
  }

  private count(kind: string, refused = false): void {
    const c = this.counts.get(kind) ?? { connections: 0, refused: 0 };
    if (refused) c.refused++;
    else c.connections++;
    this.counts.set(kind, c);
  }

  private address(): string {
    return `127.0.0.${this.nextAddress++}`;
  }

  /** Runs every attack until `until`; resolves when all loops have stopped. */
  async run(): Promise<void> {
    const p = this.plan;
    const loops: Promise<void>[] = [];
    const idleAddresses = [this.address(), this.address(), this.address(), this.address()];
    for (let i = 0; i < p.idleSockets; i++) {
      const address = idleAddresses[i % idleAddresses.length];
      loops.push(sleep((i / p.idleSockets) * p.idleRampMs).then(() => this.idle(address)));
    }
    const slowAddress = this.address();
    for (let i = 0; i < p.slowloris; i++) loops.push(this.slowloris(slowAddress));
    const churnAddress = this.address();
    for (let i = 0; i < p.churners; i++) loops.push(this.churn(churnAddress));
    for (let i = 0; i < p.guessers; i++) loops.push(this.guess(this.address()));
    for (let i = 0; i < p.flooders; i++) loops.push(this.flood(this.address(), i === 0 ? 'fast' : 'long'));
    for (let i = 0; i < p.tricklers; i++) loops.push(this.trickle(this.address()));
    loops.push(this.bomb(this.address()));
    for (const name of HOSTILE_NAMES) loops.push(this.impostor(this.address(), name));
    await Promise.all(loops.map((l) => l.catch(() => undefined)));
  }

  /** Destroys every socket, relay and rogue client still open. */
  stop(): void {
    for (const s of this.sockets) s.destroy();
    for (const r of this.relays) r.close();
    for (const c of this.rogues) void c.close().catch(() => undefined);
  }

  /** A raw socket from `localAddress`; resolves with it once connected (or undefined on error / timeout). */
  private raw(localAddress: string, kind: string): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ port: this.plan.port, host: '127.0.0.1', localAddress });
      this.sockets.add(socket);
      const timer = setTimeout(() => done(false), STEP_TIMEOUT_MS);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        if (!ok) socket.destroy();
        this.count(kind, !ok);
        resolve(ok ? socket : undefined);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Resolves when the socket closes or after `ms`; true when it was the server that closed it. */
  private closedWithin(socket: Socket, ms: number): Promise<boolean> {
    if (socket.destroyed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const closed = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        socket.off('close', closed);
        resolve(false);
      }, ms);
      socket.once('close', closed);
    });
  }

  /** Connects and says nothing; when the server drops it, comes back a second later. */
  private async idle(address: string): Promise<void> {
    while (this.running) {
      const socket = await this.raw(address, 'idle sockets');
      if (socket) {
        socket.resume();
        if (await this.closedWithin(socket, this.plan.until - Date.now())) this.count('idle sockets', true);
        socket.destroy();
      }
      await sleep(1000);
    }
  }

  /** Sends the native preamble one byte every 3 s, then keeps dribbling: holds a handshake slot as long as it can. */
  private async slowloris(address: string): Promise<void> {
    while (this.running) {
      const socket = await this.raw(address, 'slowloris');
      if (!socket) {
        await sleep(1000);
        continue;
      }
      socket.resume();
      let cut = false;
      for (let i = 0; this.running && !cut; i++) {
        socket.write(CLIENT_PREAMBLE.subarray(i % CLIENT_PREAMBLE.length, (i % CLIENT_PREAMBLE.length) + 1));
        cut = await this.closedWithin(socket, 3000);
      }
      if (cut) this.count('slowloris', true);
      socket.destroy();
      await sleep(1000);
    }
  }

  /** Connect, one line, hang up, again. */
  private async churn(address: string): Promise<void> {
    while (this.running) {
      const socket = await this.raw(address, 'connect churn');
      if (!socket) {
        await sleep(50);
        continue;
      }
      socket.resume();
      socket.write('hello\n');
      await sleep(5);
      socket.destroy();
    }
  }

  /** A rogue ChatClient behind its own relay; undefined (and counted as refused) when it cannot join. */
  private async rogue(address: string, kind: string, name: string, password: string): Promise<ChatClient | undefined> {
    const relay = await this.relay(address);
    const client = new ChatClient({ host: '127.0.0.1', port: relay.port, name, password, heartbeatIntervalMs: 60_000 });
    this.rogues.add(client);
    client.on('state', (state) => {
      if (state !== 'closed') return;
      this.rogues.delete(client);
      this.relays.delete(relay);
      relay.close();
    });
    try {
      await client.connect();
      this.count(kind);
      return client;
    } catch (error) {
      this.count(kind, true);
      throw error;
    }
  }

  private async relay(address: string): Promise<Relay> {
    const relay = await Relay.open(this.plan.port, address);
    this.relays.add(relay);
    return relay;
  }

  /** Tries wrong passwords one after another, as fast as the server answers. */
  private async guess(address: string): Promise<void> {
    for (let n = 0; this.running; n++) {
      try {
        const client = await this.rogue(address, 'wrong passwords', `guesser${n}`, `guess-${n}`);
        await client?.close();
      } catch (error) {
        const code = (error as { code?: string }).code ?? errorMessage(error);
        if (code === 'bad-password') this.passwordsChecked.set(address, (this.passwordsChecked.get(address) ?? 0) + 1);
        else {
          this.guessEndings.set(code, (this.guessEndings.get(code) ?? 0) + 1);
          await sleep(100);
        }
      }
    }
  }

  /** An insider flooding: 'long' = lines as long as allowed, just under the rate limit; 'fast' = 50 lines/s. */
  private async flood(address: string, style: 'long' | 'fast'): Promise<void> {
    const text = style === 'long' ? 'spam '.repeat(this.plan.floodChars / 5) : 'spam';
    const gap = style === 'long' ? 110 : 20;
    while (this.running) {
      const client = await this.rogue(address, 'floods', `spam${address.split('.')[3]}`, this.plan.password).catch(
        () => undefined,
      );
      for (let i = 0; client && this.running && client.state === 'active'; i++) {
        void client.send({ text }).catch(() => undefined);
        if (i % 10 === 9) await client.flushed(STEP_TIMEOUT_MS).catch(() => undefined);
        await sleep(gap);
      }
      await client?.close();
      await sleep(1000);
    }
  }

  /** One PNG-signed picture as big as the server allows, shared by every trickler (bounded memory here). */
  private bigImage(): Buffer {
    if (!this.shared) {
      this.shared = Buffer.alloc(this.plan.trickleImageBytes, 1);
      Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(this.shared);
    }
    return this.shared;
  }

  /** Announces an image as big as allowed, then sends it at 4 KB/s: it holds its reservation all along. */
  private async trickle(address: string): Promise<void> {
    const image = this.bigImage();
    const relay = await this.relay(address);
    const client = new ChatClient({
      host: '127.0.0.1',
      port: relay.port,
      name: `slow${address.split('.')[3]}`,
      password: this.plan.password,
      heartbeatIntervalMs: 600_000,
    });
    this.rogues.add(client);
    try {
      await client.connect();
      this.count('trickled images');
    } catch {
      return this.count('trickled images', true);
    }
    while (this.running && client.state === 'active' && Date.now() < this.plan.trickleAt) await sleep(200);
    relay.trickle(4096);
    await client.send({ image, text: 'a very large picture' }).catch(() => undefined);
    while (this.running && client.state === 'active') await sleep(500);
  }

  /** Sends the 12000 × 12000 bomb every 2 s (and joins again if it was sent away). */
  private async bomb(address: string): Promise<void> {
    const bomb = pngBomb();
    while (this.running) {
      const client = await this.rogue(address, 'PNG bombs', 'painter', this.plan.password).catch(() => undefined);
      while (client && this.running && client.state === 'active') {
        await client.send({ image: bomb, text: 'look' }).catch(() => undefined);
        await sleep(2000);
      }
      await client?.close();
      await sleep(1000);
    }
  }

  /** Joins under a hostile name, says a line, leaves with a goodbye hiding a forged line; again. */
  private async impostor(address: string, name: string): Promise<void> {
    while (this.running) {
      const client = await this.rogue(address, 'hostile names', name, this.plan.password).catch(() => undefined);
      if (client) {
        await client.send({ text: 'hi, it is me' }).catch(() => undefined);
        await sleep(3000);
        await client.close(`bye\n${FORGED_LINE}`);
      }
      await sleep(1000);
    }
  }
}

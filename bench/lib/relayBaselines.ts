// The baselines the image table compares the chat relay with, measured in the same run: one loopback socket pair in
// this process, and a relay in a child process that only moves bytes from its first connection to its second —
// Node's `socket.pipe` (the best any Node relay can do with this process layout) and `ncat --broker` (the C peer).
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { freePort, sleep, startServer, type ServerChild } from './children';

export interface RelayRate {
  /** Bytes/s, median of the timed runs. */
  rate: number;
  /** The relay process's CPU seconds per transfer, median. */
  cpuSeconds: number;
}

/** `ncat --broker`: every byte one client sends goes to every other client, as it was read. */
export async function startNcatBroker(): Promise<ServerChild> {
  const port = await freePort();
  return startServer('ncat --broker', 'ncat', ['-v', '--broker', '-l', '127.0.0.1', String(port)], port, {
    waitForLine: /Listening on 127\.0\.0\.1:\d+/,
  });
}

function connected(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('connect', () => resolve(socket)));
}

/**
 * Bytes/s per receiver through a byte relay in a child process: a sender and `receivers` receivers here, `bytes` per
 * run in frames' sizes (64 KiB + 9 B writes, with backpressure), one warm-up run, then `runs` timed ones.
 */
export async function relayThroughput(
  start: () => Promise<ServerChild>,
  bytes: number,
  runs: number,
  receivers = 1,
): Promise<RelayRate> {
  const server = await start();
  const sockets: Socket[] = [];
  try {
    const sender = await connected(server.port);
    sockets.push(sender);
    await sleep(50); // accepted first: the relay's first connection is the sender
    for (let i = 0; i < receivers; i++) sockets.push(await connected(server.port));
    await sleep(50);
    const chunk = Buffer.alloc(64 * 1024 + 9, 7);
    const rates: number[] = [];
    const cpus: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const cpuBefore = server.cpuSeconds();
      const started = performance.now();
      const done = Promise.all(sockets.slice(1).map((receiver) => receiveBytes(receiver, bytes)));
      for (let sent = 0; sent < bytes; sent += chunk.length) {
        if (!sender.write(chunk)) await new Promise((resolve) => sender.once('drain', resolve));
      }
      await done;
      if (run > 0) {
        rates.push(bytes / ((performance.now() - started) / 1000));
        cpus.push(server.cpuSeconds() - cpuBefore);
      }
      await sleep(50); // the overshoot of the last chunk drains before the next run
    }
    return { rate: median(rates), cpuSeconds: median(cpus) };
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  }
}

function receiveBytes(receiver: Socket, bytes: number): Promise<void> {
  let received = 0;
  return new Promise<void>((resolve) => {
    const count = (d: Buffer) => {
      received += d.length;
      if (received >= bytes) {
        receiver.off('data', count);
        resolve();
      }
    };
    receiver.on('data', count);
  });
}

/** Bytes/s of one loopback socket pair in this process: 64 KiB writes with backpressure, one reader. */
export async function rawSocketPair(bytes: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const writer = connect(port, '127.0.0.1');
  const reader = await accepted;
  const chunk = Buffer.alloc(64 * 1024, 7);
  let received = 0;
  const start = performance.now();
  const done = new Promise<void>((resolve) =>
    reader.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= bytes) resolve();
    }),
  );
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!writer.write(chunk)) await new Promise((resolve) => writer.once('drain', resolve));
  }
  await done;
  const rate = bytes / ((performance.now() - start) / 1000);
  writer.destroy();
  reader.destroy();
  server.close();
  return rate;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

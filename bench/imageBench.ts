// Images through the server: a 20 MiB PNG from one ChatClient to one, then to ten, while other members chat;
// compared with the raw loopback throughput of one Node socket pair measured in the same run.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ChatClient } from '../src/chat';
import { CLIENT_PREAMBLE, encodeFrame, FRAME_HEADER_BYTES, FrameType, PROTOCOL_VERSION } from '../src/chat';
import { startOurs } from './chatLoad';
import { sleep } from './lib/children';
import { LatencySample, Receiver, makeProbe } from './lib/probe';
import { fmt, printTable, type Cell } from './lib/table';

const IMAGE_BYTES = 20 * 1024 * 1024;
const RAW_BYTES = 512 * 1024 * 1024;
const REPEATS = 3;
/** Text during the transfer: each chatter says a line this often. */
const TEXT_INTERVAL_MS = 2;
const TRANSFER_TIMEOUT_MS = 60_000;

/**
 * A PNG signature and an IHDR declaring a 4000 × 3000 photo (under the pixel cap every receiver enforces), then
 * pseudo-random bytes (incompressible, like a real photo's data).
 */
export function bigImage(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes.writeInt32LE(x | 0, Math.min(i, size - 4));
  }
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bytes, 0);
  bytes.writeUInt32BE(4000, 16); // width
  bytes.writeUInt32BE(3000, 20); // height
  Buffer.from([8, 2, 0, 0, 0]).copy(bytes, 24); // 8-bit RGB, no interlace
  return bytes;
}

/** Bytes/s through `socket.pipe` in a child process (sender and receiver here): the best a Node relay can do. */
async function pipeRelayThroughput(bytes = IMAGE_BYTES): Promise<number> {
  const server = await startOurs(['--pipe-relay']);
  try {
    const sender = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => sender.once('connect', resolve));
    await sleep(50);
    const receiver = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => receiver.once('connect', resolve));
    await sleep(50);
    const chunk = Buffer.alloc(64 * 1024 + 9, 7);
    const rates: number[] = [];
    for (let run = 0; run < REPEATS; run++) {
      let received = 0;
      const start = performance.now();
      const done = new Promise<void>((resolve) => {
        const count = (d: Buffer) => {
          received += d.length;
          if (received >= bytes) {
            receiver.off('data', count);
            resolve();
          }
        };
        receiver.on('data', count);
      });
      for (let sent = 0; sent < bytes; sent += chunk.length) {
        if (!sender.write(chunk)) await new Promise((resolve) => sender.once('drain', resolve));
      }
      await done;
      rates.push(bytes / ((performance.now() - start) / 1000));
      await sleep(50); // the overshoot of the last chunk drains before the next run
    }
    sender.destroy();
    receiver.destroy();
    return median(rates);
  } finally {
    await server.stop();
  }
}

/** Bytes/s of one loopback socket pair in this process: 64 KiB writes with backpressure, one reader. */
export async function rawSocketPair(bytes = RAW_BYTES): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const accepted = new Promise<import('node:net').Socket>((resolve) => server.once('connection', resolve));
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

export async function join(port: number, name: string): Promise<ChatClient> {
  const client = new ChatClient({ host: '127.0.0.1', port, name, heartbeatIntervalMs: 60_000 });
  await client.connect();
  return client;
}

export interface Transfer {
  seconds: number;
  textP50: number;
  textP99: number;
  textMax: number;
  textLost: number;
  textSamples: number;
  intact: boolean;
}

/** One 20 MiB image from `sender` to every receiver, with two chatters (members of the room) talking throughout. */
export async function transfer(
  sender: ChatClient,
  receivers: ChatClient[],
  chatters: ChatClient[],
  image: Buffer,
): Promise<Transfer> {
  const latencies = new LatencySample(100_000);
  // Text latency is measured where it matters most: at the image receivers (text must overtake the chunks).
  const textReceivers = receivers.map(() => new Receiver(chatters.length, latencies));
  // Received images are kept and compared after the clock stops (a 20 MiB compare is not relay time).
  const receivedImages: Buffer[] = [];
  const arrived = new Promise<void>((resolve) => {
    receivers.forEach((r, i) => {
      r.on('message', (m) => {
        if (m.image) {
          receivedImages.push(m.image.bytes);
          if (receivedImages.length === receivers.length) resolve();
        } else if (!m.own) textReceivers[i].scan(`${m.text}\n`);
      });
    });
  });
  let seq = 0;
  const texts = setInterval(() => {
    chatters.forEach((c, i) => void c.send({ text: makeProbe(i, seq) }).catch(() => undefined));
    seq++;
  }, TEXT_INTERVAL_MS);
  const start = performance.now();
  await sender.send({ image, text: 'a 20 MiB picture' });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('image transfer timed out')), TRANSFER_TIMEOUT_MS);
  });
  try {
    await Promise.race([arrived, timeout]);
  } finally {
    clearTimeout(timer);
    clearInterval(texts);
  }
  const seconds = (performance.now() - start) / 1000;
  const intact = receivedImages.every((bytes) => bytes.equals(image));
  await sleep(200); // the last text lines in flight
  const [p50, p99, max] = latencies.percentiles(50, 99, 100);
  // Every receiver gets every chatter's lines except its own.
  const expected = seq * (chatters.length * receivers.length - receivers.filter((r) => chatters.includes(r)).length);
  const delivered = textReceivers.reduce((n, r) => n + r.stats.delivered, 0);
  for (const r of receivers) r.removeAllListeners();
  return {
    seconds,
    textP50: p50,
    textP99: p99,
    textMax: max,
    textLost: expected - delivered,
    textSamples: latencies.size,
    intact,
  };
}

/** Joins with the native handshake, then never reads again (its kernel buffers fill, then the server's queue). */
async function stalledMember(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let seen = Buffer.alloc(0);
  const waitFor = async (what: (b: Buffer) => boolean) => {
    for (const end = Date.now() + 5000; !what(seen);) {
      if (Date.now() > end) throw new Error('stalled member: handshake timed out');
      await sleep(10);
    }
  };
  socket.on('data', (d: Buffer) => {
    seen = Buffer.concat([seen, d]);
  });
  await waitFor((b) => b.includes(0x0a));
  socket.write(CLIENT_PREAMBLE);
  const afterGreeting = seen.length;
  await waitFor((b) => b.length > afterGreeting + FRAME_HEADER_BYTES); // the Challenge
  socket.write(encodeFrame({ type: FrameType.Hello, body: { v: PROTOCOL_VERSION, name: 'sloth' } }));
  await sleep(200);
  socket.pause();
  socket.removeAllListeners('data');
  return socket;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function imageBench(): Promise<string> {
  const raw = median([await rawSocketPair(), await rawSocketPair(), await rawSocketPair()]);
  console.log(`  raw loopback socket pair: ${fmt(raw / 1e6)} MB/s`);
  const image = bigImage(IMAGE_BYTES);
  const piped = await pipeRelayThroughput();
  const rows: Cell[][] = [
    ['raw Node socket pair (same process)', fmt(raw / 1e6, 0), '1.00', '–', '–', '–', '–', '–'],
    [
      'socket.pipe relay in a child process (no chat: upper bound)',
      fmt(piped / 1e6, 0),
      fmt(piped / raw, 2),
      '–',
      '–',
      '–',
      '–',
      '–',
    ],
  ];
  const scenarios = [
    { fanout: 1, stalled: false, repeats: REPEATS },
    { fanout: 10, stalled: false, repeats: REPEATS },
    // A member that stopped reading is also in the room: the others should not notice.
    { fanout: 1, stalled: true, repeats: 1 },
  ];
  for (const { fanout, stalled, repeats } of scenarios) {
    const server = await startOurs();
    const clients: ChatClient[] = [];
    let sloth: Socket | undefined;
    try {
      const sender = await join(server.port, 'sender');
      const receivers: ChatClient[] = [];
      for (let i = 0; i < fanout; i++) receivers.push(await join(server.port, `recv${i}`));
      if (stalled) sloth = await stalledMember(server.port);
      // Text flows from the sender itself (its lines must overtake its own image's chunks) and from a receiver;
      // nobody else is in the room, so the image goes to exactly `fanout` members.
      const chatters = [sender, receivers[0]];
      clients.push(sender, ...receivers);
      await sleep(300);
      const runs: Transfer[] = [];
      for (let i = 0; i < repeats; i++) runs.push(await transfer(sender, receivers, chatters, image));
      const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      const perReceiver = IMAGE_BYTES / median(runs.map((r) => r.seconds));
      const samples = runs.reduce((n, r) => n + r.textSamples, 0);
      rows.push([
        `20 MiB image 1 → ${fanout}${stalled ? ' + 1 member that stopped reading' : ''} (${repeats === 1 ? '1 run' : `median of ${repeats}`}; ${samples} text samples)`,
        fmt(perReceiver / 1e6, 0),
        fmt(perReceiver / raw, 2),
        fmt((perReceiver * fanout) / 1e6, 0),
        runs.every((r) => r.intact) ? 'yes' : 'NO',
        `${fmt(median(runs.map((r) => r.textP50)))} / ${fmt(median(runs.map((r) => r.textP99)))} / ${fmt(Math.max(...runs.map((r) => r.textMax)))}`,
        runs.reduce((n, r) => n + r.textLost, 0),
        fmt(best.seconds, 2),
      ]);
      console.log(`  1 → ${fanout}${stalled ? ' + stalled member' : ''}: done`);
    } finally {
      sloth?.destroy();
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    }
  }
  return printTable(
    'Images: 20 MiB PNG relayed by the server (child process); the sender and one receiver also say a line every 2 ms',
    [
      'path',
      'MB/s per receiver',
      '× raw pair',
      'MB/s total',
      'byte-identical',
      'text p50 / p99 / max ms (at image receivers)',
      'text lost',
      'best s',
    ],
    rows,
  );
}

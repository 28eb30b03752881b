// Images through the server: a 20 MiB PNG from one ChatClient to one, then to ten, while other members chat;
// compared with byte relays measured in the same run (relayBaselines.ts): socket.pipe in Node, ncat --broker in C.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ChatClient } from '../src/chat';
import { CLIENT_PREAMBLE, encodeFrame, FRAME_HEADER_BYTES, FrameType, PROTOCOL_VERSION } from '../src/chat';
import { ncatAvailable, startOurs } from './chatLoad';
import { sleep, type ServerChild } from './lib/children';
import { median, rawSocketPair, relayThroughput, startNcatBroker, type RelayRate } from './lib/relayBaselines';
import { LatencySample, Receiver, makeProbe } from './lib/probe';
import { fmt, printTable, type Cell } from './lib/table';
import { fileRow } from './fileBench';

const IMAGE_BYTES = 20 * 1024 * 1024;
const RAW_BYTES = 512 * 1024 * 1024;
/** Timed transfers per scenario, after one warm-up transfer that is not counted (the same for the baselines). */
const REPEATS = 5;
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

export async function join(port: number, name: string): Promise<ChatClient> {
  const client = new ChatClient({ host: '127.0.0.1', port, name, heartbeatIntervalMs: 60_000 });
  await client.connect();
  return client;
}

export interface Transfer {
  seconds: number;
  /** The server process's CPU seconds during the transfer. */
  serverCpu: number;
  textP50: number;
  textP99: number;
  textMax: number;
  textLost: number;
  textSamples: number;
  intact: boolean;
}

/** One 20 MiB image from `sender` to every receiver, with two chatters (members of the room) talking throughout. */
export async function transfer(
  server: ServerChild,
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
  const cpuBefore = server.cpuSeconds();
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
  const serverCpu = server.cpuSeconds() - cpuBefore;
  const intact = receivedImages.every((bytes) => bytes.equals(image));
  await sleep(200); // the last text lines in flight
  const [p50, p99, max] = latencies.percentiles(50, 99, 100);
  // Every receiver gets every chatter's lines except its own.
  const expected = seq * (chatters.length * receivers.length - receivers.filter((r) => chatters.includes(r)).length);
  const delivered = textReceivers.reduce((n, r) => n + r.stats.delivered, 0);
  for (const r of receivers) r.removeAllListeners();
  return {
    seconds,
    serverCpu,
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

const HEADER = [
  'path',
  'MB/s per receiver',
  '× socket.pipe',
  'MB/s total',
  'relay CPU ms per transfer',
  'byte-identical',
  'text p50 / p99 / max ms (at image receivers)',
  'text lost',
  'best s',
];

function baselineRow(name: string, relay: RelayRate, pipe: RelayRate, receivers: number): Cell[] {
  const rate = relay.rate;
  return [
    name,
    fmt(rate / 1e6, 0),
    (rate / pipe.rate).toFixed(2),
    fmt((rate * receivers) / 1e6, 0),
    fmt(relay.cpuSeconds * 1000, 0),
    '–',
    '–',
    '–',
    '–',
  ];
}

function verdict(ratio: number, goal: number, atMost = false): string {
  const met = atMost ? ratio < goal : ratio >= goal;
  return met ? 'met' : 'missed';
}

export async function imageBench(): Promise<string> {
  const raw = median([await rawSocketPair(RAW_BYTES), await rawSocketPair(RAW_BYTES), await rawSocketPair(RAW_BYTES)]);
  console.log(`  raw loopback socket pair: ${fmt(raw / 1e6)} MB/s`);
  const image = bigImage(IMAGE_BYTES);
  const baselines = new Map<number, { pipe: RelayRate; ncat: RelayRate | undefined }>();
  for (const receivers of [1, 10]) {
    const pipe = await relayThroughput(() => startOurs(['--pipe-relay']), IMAGE_BYTES, REPEATS, receivers);
    const ncat = ncatAvailable() ? await relayThroughput(startNcatBroker, IMAGE_BYTES, REPEATS, receivers) : undefined;
    baselines.set(receivers, { pipe, ncat });
  }
  const one = baselines.get(1)!;
  const rows: Cell[][] = [
    [
      'raw Node socket pair (same process)',
      fmt(raw / 1e6, 0),
      (raw / one.pipe.rate).toFixed(2),
      '–',
      '–',
      '–',
      '–',
      '–',
      '–',
    ],
  ];
  for (const [receivers, { pipe, ncat }] of baselines) {
    rows.push(
      baselineRow(
        `socket.pipe relay 1 → ${receivers} in a child process (no chat: the Node bound)`,
        pipe,
        pipe,
        receivers,
      ),
    );
    if (ncat) rows.push(baselineRow(`ncat --broker 1 → ${receivers} (C, no chat)`, ncat, pipe, receivers));
  }
  const scenarios = [
    { fanout: 1, stalled: false, repeats: REPEATS },
    { fanout: 10, stalled: false, repeats: REPEATS },
    // A member that stopped reading is also in the room: the others should not notice.
    { fanout: 1, stalled: true, repeats: 1 },
  ];
  const measured = new Map<string, { perReceiver: number; textP99: number }>();
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
      await transfer(server, sender, receivers, chatters, image); // warm-up, not counted
      const runs: Transfer[] = [];
      for (let i = 0; i < repeats; i++) runs.push(await transfer(server, sender, receivers, chatters, image));
      const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      const perReceiver = IMAGE_BYTES / median(runs.map((r) => r.seconds));
      const textP99 = median(runs.map((r) => r.textP99));
      if (!stalled) measured.set(`1 → ${fanout}`, { perReceiver, textP99 });
      const samples = runs.reduce((n, r) => n + r.textSamples, 0);
      const pipe = baselines.get(fanout)?.pipe ?? one.pipe;
      rows.push([
        `20 MiB image 1 → ${fanout}${stalled ? ' + 1 member that stopped reading' : ''} (${repeats === 1 ? '1 run' : `median of ${repeats}`}; ${samples} text samples)`,
        fmt(perReceiver / 1e6, 0),
        (perReceiver / pipe.rate).toFixed(2),
        fmt((perReceiver * fanout) / 1e6, 0),
        fmt(median(runs.map((r) => r.serverCpu)) * 1000, 0),
        runs.every((r) => r.intact) ? 'yes' : 'NO',
        `${fmt(median(runs.map((r) => r.textP50)))} / ${fmt(textP99)} / ${fmt(Math.max(...runs.map((r) => r.textMax)))}`,
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
  rows.push(await fileRow(measured.get('1 → 1')?.perReceiver, one.pipe));
  const table = printTable(
    `Images (and one file): 20 MiB PNG relayed by the server (child process); the sender and one receiver also say a line every 2 ms; one warm-up transfer before the timed ones`,
    HEADER,
    rows,
  );
  return table + goals(measured, baselines);
}

/** Each image goal with its ratio, measured in this run. */
function goals(
  measured: Map<string, { perReceiver: number; textP99: number }>,
  baselines: Map<number, { pipe: RelayRate; ncat: RelayRate | undefined }>,
): string {
  const rows: Cell[][] = [];
  for (const [fanout, key] of [
    [1, '1 → 1'],
    [10, '1 → 10'],
  ] as const) {
    const ours = measured.get(key);
    const base = baselines.get(fanout);
    if (!ours || !base) continue;
    const toPipe = ours.perReceiver / base.pipe.rate;
    rows.push([`${key}: MB/s ≥ 0.8 × socket.pipe 1 → ${fanout}`, toPipe.toFixed(3), verdict(toPipe, 0.8)]);
    if (base.ncat) {
      const toNcat = ours.perReceiver / base.ncat.rate;
      rows.push([`${key}: MB/s ≥ ncat --broker 1 → ${fanout}`, toNcat.toFixed(3), verdict(toNcat, 1)]);
    }
    const bound = fanout === 1 ? 10 : 20;
    rows.push([
      `${key}: text p99 < ${bound} ms during the transfer`,
      `${fmt(ours.textP99)} ms`,
      verdict(ours.textP99, bound, true),
    ]);
  }
  return printTable('Image goals (ratios from this run)', ['goal', 'measured', 'verdict'], rows);
}

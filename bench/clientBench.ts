// The ChatClient alone: how many relayed messages one client turns into 'message' events per second on one core,
// and what a busy room (500 members × 10 msgs/s) costs the process it runs in (for the extension: the extension
// host it shares with every other extension). A stand-in server in this process does the native handshake and then
// writes pre-encoded Message frames — the same bodies our server relays — so the client's work is all there is.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ChatClient, CLIENT_PREAMBLE, encodeFrame, FrameType, PROTOCOL_VERSION, type Peer } from '../src/chat';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatSession, Transcript } from '../src/chat';
import type { HostToWebview } from '../src/webviewApi';
import type { ChatSurface } from '../src/vscode/panel/chatSurface';
import { PanelFeed } from '../src/vscode/panel/panelFeed';
import { toMessageView } from '../src/vscode/panel/viewModel';
import { makeProbe } from './lib/probe';
import { fmt, printTable, type Cell } from './lib/table';

/** Messages in one pre-encoded batch (written as one socket write), and batches per decoding run. */
const BATCH = 1000;
const BATCHES = 400;
/** The busy room: 500 members × 10 msgs/s, for this long. */
const ROOM_RATE = 5000;
const ROOM_SECONDS = 5;
const GOAL_MESSAGES_PER_SECOND = 200_000;
const GOAL_ROOM_CPU = 0.3;

const members: Peer[] = Array.from({ length: 500 }, (_, i) => ({
  id: i + 2,
  name: `member${i}`,
  address: `10.0.${i >> 8}.${i & 255}:5${String(i).padStart(4, '0')}`,
  kind: 'native',
}));

/** `count` Message frames as our server relays them (a ~64-character line, its sender, the server's time). */
function messageBatch(count: number, firstRef: number): { bytes: Buffer; frames: Buffer[]; bodies: string[] } {
  const frames: Buffer[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = { ref: firstRef + i, text: makeProbe(i % 500, i), from: members[i % 500], at: Date.now() };
    bodies.push(JSON.stringify(body));
    frames.push(encodeFrame({ type: FrameType.Message, body }));
  }
  return { bytes: Buffer.concat(frames), frames, bodies };
}

interface StandIn {
  port: number;
  /** The client's socket, once it has joined. */
  joined: Promise<Socket>;
  close(): void;
}

/** Greets, sends the Challenge after the preamble, the Welcome after the Hello; then the bench writes frames. */
async function standInServer(): Promise<StandIn> {
  let resolveJoined!: (socket: Socket) => void;
  const joined = new Promise<Socket>((resolve) => (resolveJoined = resolve));
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write(`TCPCHAT/${PROTOCOL_VERSION} bench — welcome!\r\n`);
    let seen = 0;
    let stage: 'preamble' | 'hello' | 'joined' = 'preamble';
    socket.on('data', (data: Buffer) => {
      seen += data.length;
      if (stage === 'preamble' && seen >= CLIENT_PREAMBLE.length) {
        stage = 'hello';
        seen -= CLIENT_PREAMBLE.length;
        const challenge = { v: PROTOCOL_VERSION, room: 'bench', auth: 'none' as const, nonce: 'ab'.repeat(16) };
        socket.write(
          encodeFrame({
            type: FrameType.Challenge,
            body: { ...challenge, maxFrameBytes: 1 << 20, maxImageBytes: 25 << 20, acks: true },
          }),
        );
      }
      if (stage === 'hello' && seen > 0) {
        stage = 'joined';
        const you: Peer = { id: 1, name: 'reader', address: '127.0.0.1:1', kind: 'native' };
        socket.write(encodeFrame({ type: FrameType.Welcome, body: { you, room: 'bench', seats: 0, position: null } }));
        resolveJoined(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, joined, close: () => server.close() };
}

async function withClient<T>(run: (client: ChatClient, socket: Socket) => Promise<T>): Promise<T> {
  const standIn = await standInServer();
  const client = new ChatClient({ host: '127.0.0.1', port: standIn.port, name: 'reader', heartbeatIntervalMs: 60_000 });
  try {
    await client.connect();
    return await run(client, await standIn.joined);
  } finally {
    await client.close();
    standIn.close();
  }
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** As fast as the client takes them: BATCHES × BATCH messages, written with backpressure. */
async function decodeRate(batch: Buffer): Promise<{ rate: number; cpuPerMessage: number }> {
  return withClient(async (client, socket) => {
    const total = BATCH * BATCHES;
    let received = 0;
    const done = new Promise<void>((resolve) =>
      client.on('message', () => {
        if (++received === total) resolve();
      }),
    );
    const cpuBefore = cpuSeconds();
    const started = performance.now();
    for (let i = 0; i < BATCHES; i++) {
      if (!socket.write(batch)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    await done;
    const seconds = (performance.now() - started) / 1000;
    return { rate: total / seconds, cpuPerMessage: (cpuSeconds() - cpuBefore) / total };
  });
}

/** The busy room: ROOM_RATE messages/s in 10 ms slices for ROOM_SECONDS; the process's CPU share meanwhile. */
async function busyRoom(frames: Buffer[], asTheExtension = false): Promise<{ cpuShare: number; received: number }> {
  const perSlice = ROOM_RATE / 100;
  const slices: Buffer[] = [];
  for (let i = 0; i + perSlice <= frames.length; i += perSlice)
    slices.push(Buffer.concat(frames.slice(i, i + perSlice)));
  return withClient(async (client, socket) => {
    let received = 0;
    client.on('message', () => received++);
    const extension = asTheExtension ? extensionHostWork(client) : undefined;
    const cpuBefore = cpuSeconds();
    const started = performance.now();
    for (let slice = 0; slice < ROOM_SECONDS * 100; slice++) {
      socket.write(slices[slice % slices.length]);
      const next = started + (slice + 1) * 10;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const share = (cpuSeconds() - cpuBefore) / ((performance.now() - started) / 1000);
    extension?.close();
    return { cpuShare: share, received };
  });
}

/**
 * What the extension host does with each message besides the client's decoding: the session keeps it and writes
 * it to the chat log (a Transcript in a temporary folder), the panel's view model is made for it, and the entries
 * of each event-loop turn are posted to the panel as one message — serialized here with JSON.stringify, as VS Code
 * serializes a webview's postMessage.
 */
function extensionHostWork(client: ChatClient): { close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tcpchat-bench-log-'));
  const transcript = Transcript.open(dir);
  const session = new ChatSession(client, { transcript });
  let posted = 0;
  const panel = { post: (message: HostToWebview) => (posted += JSON.stringify(message).length) };
  const feed = new PanelFeed(() => [panel as unknown as ChatSurface]);
  session.on('message', (message) => feed.entries([toMessageView(message, (path) => path)]));
  return {
    close: () => {
      session.removeAllListeners();
      transcript.close();
      rmSync(dir, { recursive: true, force: true });
      if (posted === 0) throw new Error('the stand-in panel was posted nothing');
    },
  };
}

/** JSON.parse of the same bodies, nothing else: the floor for a JSON body per frame. */
function jsonParseRate(bodies: string[]): number {
  const rounds = 200;
  let sink = 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const body of bodies) sink += (JSON.parse(body) as { ref: number }).ref;
  const seconds = (performance.now() - started) / 1000;
  if (sink === -1) console.log(sink);
  return (rounds * bodies.length) / seconds;
}

export async function clientBench(): Promise<string> {
  const { bytes, frames, bodies } = messageBatch(BATCH, 1);
  jsonParseRate(bodies); // warm-up, not counted
  const json = [jsonParseRate(bodies), jsonParseRate(bodies), jsonParseRate(bodies)].sort((x, y) => x - y)[1];
  await decodeRate(bytes); // warm-up, not counted
  const runs = [await decodeRate(bytes), await decodeRate(bytes), await decodeRate(bytes)];
  const best = runs.reduce((a, b) => (a.rate >= b.rate ? a : b));
  const median = [...runs].sort((a, b) => a.rate - b.rate)[1];
  const rows: Cell[][] = [
    [
      'JSON.parse of the same Message bodies alone (no frames, no sockets; median of 3)',
      fmt(json, 0),
      fmt(1e6 / json, 2),
      '–',
    ],
    [
      `ChatClient: ${fmt(BATCH * BATCHES)} relayed messages, as fast as it reads them (median of 3, best ${fmt(best.rate, 0)})`,
      fmt(median.rate, 0),
      fmt(median.cpuPerMessage * 1e6, 2),
      median.rate >= GOAL_MESSAGES_PER_SECOND ? `met (goal ≥ ${fmt(GOAL_MESSAGES_PER_SECOND)}/s)` : 'missed',
    ],
  ];
  const room = await busyRoom(frames);
  rows.push([
    `busy room: ${fmt(ROOM_RATE)} msgs/s (500 members × 10/s) for ${ROOM_SECONDS} s — share of one core (client + stand-in server)`,
    fmt(room.received / ROOM_SECONDS, 0),
    `${fmt(room.cpuShare * 100)} %`,
    '–',
  ]);
  const host = await busyRoom(frames, true);
  rows.push([
    `busy room as the extension host: + the session, its chat log and the panel's view model, one post per turn (JSON)`,
    fmt(host.received / ROOM_SECONDS, 0),
    `${fmt(host.cpuShare * 100)} %`,
    host.cpuShare < GOAL_ROOM_CPU ? `met (goal < ${GOAL_ROOM_CPU * 100} %)` : 'missed',
  ]);
  return printTable(
    'ChatClient alone, then with what the extension host adds: relayed Message frames from a stand-in server in this process (one core)',
    ['what', 'messages/s', 'CPU µs per message (or share of a core)', 'verdict'],
    rows,
  );
}

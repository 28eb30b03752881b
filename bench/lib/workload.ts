// One workload engine for every chat server under test: N clients join, a barrier proves everyone is in the
// room, then each sends probes at a fixed rate or as fast as its socket drains, and every receiver checks
// what arrives (see probe.ts). Drivers (plain-text socket, native ChatClient) only move text.
import { performance } from 'node:perf_hooks';
import { LatencySample, Receiver, makeProbe, sumStats } from './probe';
import { sleep } from './children';

export interface Driver {
  /** Connects and joins the room (name handshake etc.); resolves when it may send. */
  connect(): Promise<void>;
  /** Sends one chat line; resolves when the driver is ready for more (backpressure). */
  send(text: string): Promise<void> | void;
  close(): void;
  /** True once the server closed or broke this connection. */
  readonly dropped: boolean;
}

/** Builds driver `index`; `onText` must be called with everything received (any chunking). */
export type DriverFactory = (index: number, onText: (text: string) => void) => Driver;

export interface Shape {
  name: string;
  clients: number;
  messagesPerClient: number;
  /** Messages per second per client, or 'max' = as fast as the socket drains. */
  rate: number | 'max';
}

export interface WorkloadResult {
  shape: Shape;
  sent: number;
  expected: number;
  delivered: number;
  lost: number;
  corrupted: number;
  duplicates: number;
  outOfOrder: number;
  droppedClients: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  /** CPU seconds the server process spent on the whole run (set by the caller, which owns the process). */
  serverCpu?: number;
  note?: string;
}

const NCAT_PREFIX = /<user\d+> /g;
const BARRIER_TIMEOUT_MS = 30_000;
/** After the last send: give up when nothing new arrived for this long, or at the hard deadline. */
const QUIET_MS = 4_000;
const DRAIN_DEADLINE_MS = 90_000;

export async function runWorkload(shape: Shape, factory: DriverFactory): Promise<WorkloadResult> {
  const latencies = new LatencySample(shape.clients * shape.messagesPerClient * (shape.clients - 1));
  const receivers: Receiver[] = [];
  const syncSeen: Set<number>[] = [];
  const drivers: Driver[] = [];
  let lastArrival = performance.now();
  /** Sync lines are only looked for until the clock starts (scanning for them costs generator CPU). */
  let syncing = true;
  for (let i = 0; i < shape.clients; i++) {
    const receiver = new Receiver(shape.clients, latencies);
    const seen = new Set<number>();
    let carry = '';
    receivers.push(receiver);
    syncSeen.push(seen);
    drivers.push(
      factory(i, (text) => {
        lastArrival = performance.now();
        // Probes never contain a newline and always end one, so scan whole lines and carry the rest.
        const all = carry + text;
        const cut = all.lastIndexOf('\n');
        if (cut === -1) {
          carry = all.length > 65_536 ? '' : all; // bounded: a real line is < 200 bytes
          return;
        }
        carry = all.slice(cut + 1);
        // ncat --chat prefixes each read it relays with `<userN> `, which can land inside a line: not corruption.
        let complete = all.slice(0, cut + 1);
        if (complete.includes('<user')) complete = complete.replace(NCAT_PREFIX, '');
        if (syncing) for (const match of complete.matchAll(/~S(\d+)~/g)) seen.add(Number(match[1]));
        receiver.scan(complete);
      }),
    );
  }

  try {
    // One at a time: ncat listens with a backlog of 10 and resets connections beyond it, and a connect storm
    // is not what these workloads measure.
    for (const driver of drivers) await driver.connect();
    await barrier(drivers, syncSeen, shape.clients - 1);
    await barrier(drivers, syncSeen, 0);
    syncing = false;

    const start = performance.now();
    let sent = 0;
    if (shape.rate === 'max') {
      await Promise.all(
        drivers.map(async (driver, i) => {
          for (let seq = 0; seq < shape.messagesPerClient && !driver.dropped; seq++) {
            await driver.send(makeProbe(i, seq) + '\n');
            sent++;
          }
        }),
      );
    } else {
      const interval = 1000 / shape.rate;
      const next = new Array<number>(shape.clients).fill(0);
      const phase = drivers.map((_, i) => (i / shape.clients) * interval);
      while (next.some((n) => n < shape.messagesPerClient)) {
        const now = performance.now() - start;
        for (let i = 0; i < drivers.length; i++) {
          while (next[i] < shape.messagesPerClient && phase[i] + next[i] * interval <= now) {
            if (!drivers[i].dropped) {
              void drivers[i].send(makeProbe(i, next[i]) + '\n');
              sent++;
            }
            next[i]++;
          }
        }
        await sleep(2);
      }
    }
    const expected = sent * (shape.clients - 1);
    const deadline = performance.now() + DRAIN_DEADLINE_MS;
    while (
      sumStats(receivers).delivered < expected &&
      performance.now() < deadline &&
      performance.now() - lastArrival < QUIET_MS
    ) {
      await sleep(20);
    }
    const totals = sumStats(receivers);
    const seconds = (lastArrival - start) / 1000;
    const [p50, p99, max] = latencies.percentiles(50, 99, 100);
    return {
      shape,
      sent,
      expected,
      delivered: totals.delivered,
      lost: expected - totals.delivered,
      corrupted: totals.corrupted,
      duplicates: totals.duplicates,
      outOfOrder: totals.outOfOrder,
      droppedClients: drivers.filter((d) => d.dropped).length,
      deliveriesPerSec: totals.delivered / seconds,
      p50,
      p99,
      max,
      seconds,
    };
  } finally {
    for (const d of drivers) d.close();
  }
}

/** Client `from` says a sync line; waits until every other client has seen it (so all of them are in the room). */
async function barrier(drivers: Driver[], seen: Set<number>[], from: number): Promise<void> {
  const deadline = performance.now() + BARRIER_TIMEOUT_MS;
  let lastSay = 0;
  for (;;) {
    const missing = seen.filter((s, i) => i !== from && !s.has(from)).length;
    if (missing === 0) return;
    if (performance.now() > deadline)
      throw new Error(`barrier: ${missing} clients never saw client ${from}'s sync line`);
    // Repeat the sync now and then: a join notice may still be in flight when the first one went out.
    if (performance.now() - lastSay > 1000) {
      lastSay = performance.now();
      await drivers[from].send(`~S${from}~\n`);
    }
    await sleep(20);
  }
}

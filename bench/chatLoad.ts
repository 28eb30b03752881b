// Workloads W1–W3: plain-text peers side by side against ncat --chat and our server (its nc/telnet adapter), and
// the same shapes with the native ChatClient. Servers run in child processes; one load generator drives both.
import { spawnSync } from 'node:child_process';
import { freePort, startServer, type ServerChild } from './lib/children';
import { nativeDriver } from './lib/nativeDriver';
import { plainDriver } from './lib/plainDriver';
import { fmt, printTable, type Cell } from './lib/table';
import { runWorkload, type Shape, type WorkloadResult, type DriverFactory } from './lib/workload';
import { errorMessage } from '../src/chat';

export const SHAPES: Shape[] = [
  { name: 'W1 100 clients × 20 msg/s × 5 s', clients: 100, messagesPerClient: 100, rate: 20 },
  { name: 'W2 50 clients × 1,000 msgs, max speed', clients: 50, messagesPerClient: 1000, rate: 'max' },
  { name: 'W3 500 clients × 20 msgs at 10/s', clients: 500, messagesPerClient: 20, rate: 10 },
];

/** `BENCH_SHAPES=W2,W3` runs only those shapes (for profiling one case). */
export function selectedShapes(): Shape[] {
  const only = process.env.BENCH_SHAPES?.split(',');
  return only ? SHAPES.filter((s) => only.includes(s.name.split(' ')[0])) : SHAPES;
}

export function ncatAvailable(): boolean {
  return spawnSync('ncat', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startNcat(): Promise<ServerChild> {
  const port = await freePort();
  // Ready when ncat says so (-v): a connect probe is no good, ncat can quit on a client that leaves before accept.
  return startServer(
    'ncat --chat',
    'ncat',
    ['-v', '--chat', '-l', '127.0.0.1', String(port), '--max-conns', '2000'],
    port,
    {
      waitForLine: /Listening on 127\.0\.0\.1:\d+/,
    },
  );
}

/**
 * The server under test. `BENCH_SERVER_JS=FILE` runs another build of it (e.g. the previous commit's
 * out/bench/serverProcess.js, copied aside) for a before/after comparison with the same generator.
 */
const SERVER_SCRIPT = process.env.BENCH_SERVER_JS ?? 'out/bench/serverProcess.js';

export async function startOurs(extra: string[] = []): Promise<ServerChild> {
  const port = await freePort();
  // BENCH_SERVER_PROFILE=DIR: the server writes a V8 CPU profile there when it stops (summarise with
  // node bench/profileSummary.mjs DIR/*.cpuprofile).
  const profile = process.env.BENCH_SERVER_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`]
    : [];
  return startServer(
    'tcp-chat',
    process.execPath,
    [...profile, '--expose-gc', SERVER_SCRIPT, '--port', String(port), ...extra],
    port,
    {
      waitForLine: /READY \d+/,
    },
  );
}

/** Runs one shape against a fresh server process (so one run's leftovers never slow the next). */
export async function runAgainst(
  start: () => Promise<ServerChild>,
  shape: Shape,
  factory: (port: number) => DriverFactory,
): Promise<WorkloadResult> {
  let server: ServerChild | undefined;
  try {
    server = await start();
    const cpuBefore = server.cpuSeconds();
    const result = await runWorkload(shape, factory(server.port));
    return { ...result, serverCpu: server.cpuSeconds() - cpuBefore };
  } catch (error) {
    return failed(shape, error);
  } finally {
    await server?.stop();
  }
}

export function failed(shape: Shape, error: unknown): WorkloadResult {
  const note = errorMessage(error).split('\n')[0];
  return {
    shape,
    sent: 0,
    expected: 0,
    delivered: 0,
    lost: NaN,
    corrupted: NaN,
    duplicates: NaN,
    outOfOrder: NaN,
    droppedClients: NaN,
    deliveriesPerSec: NaN,
    p50: NaN,
    p99: NaN,
    max: NaN,
    seconds: NaN,
    note,
  };
}

export const RESULT_HEADER = [
  'workload',
  'server',
  'deliveries/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'lost',
  'corrupt',
  'dup/reorder',
  'cut off',
  'server CPU s',
  'CPU s per M deliveries',
  '× ncat deliv/s',
  '× ncat p99',
];

export function resultRow(label: string, r: WorkloadResult, ncat?: WorkloadResult): Cell[] {
  return [
    r.shape.name.split(' ')[0],
    label + (r.note ? ` (failed: ${r.note.slice(0, 80)})` : ''),
    Math.round(r.deliveriesPerSec),
    r.p50,
    r.p99,
    r.max,
    `${r.lost} of ${r.expected.toLocaleString('en-US')}`,
    r.corrupted,
    r.duplicates + r.outOfOrder,
    r.droppedClients,
    r.serverCpu === undefined ? undefined : fmt(r.serverCpu, 2),
    cpuPerMillion(r) === undefined ? undefined : fmt(cpuPerMillion(r), 2),
    ncat && ncat !== r ? ratioText(r.deliveriesPerSec, ncat.deliveriesPerSec) : '–',
    ncat && ncat !== r ? ratioText(r.p99, ncat.p99) : '–',
  ];
}

/** The server's CPU seconds per million deliveries (undefined when not measured or nothing was delivered). */
function cpuPerMillion(r: WorkloadResult): number | undefined {
  return r.serverCpu === undefined || r.delivered === 0 ? undefined : r.serverCpu / (r.delivered / 1e6);
}

/** ncat's results per shape from the plain section of this run, for the native table's ratio columns. */
const ncatRuns = new Map<string, WorkloadResult[]>();

/** The median pass of ncat for a shape (by p99), if the plain section ran first. */
function ncatReference(shape: Shape): WorkloadResult | undefined {
  const runs = (ncatRuns.get(shape.name) ?? []).filter((r) => !r.note).sort((a, b) => a.p99 - b.p99);
  return runs[Math.floor(runs.length / 2)];
}

export async function nativeBench(): Promise<string> {
  const rows: Cell[][] = [];
  for (const shape of selectedShapes()) {
    const result = await runAgainst(
      () => startOurs(),
      shape,
      (port) => nativeDriver(port),
    );
    rows.push(resultRow('tcp-chat (native ChatClient)', result, ncatReference(shape)));
    console.log(`  ${shape.name}: done`);
  }
  const note = ncatRuns.size ? ' — ratios against the median ncat --chat pass of the plain-text section above' : '';
  return printTable(
    `Native protocol: tcp-chat server + ChatClient (same shapes, server in a child process)${note}`,
    RESULT_HEADER,
    rows,
  );
}

/** Passes of the side-by-side comparison (BENCH_PASSES): on a shared 2-core machine one pass can be noisy. */
const PASSES = Math.max(1, Number(process.env.BENCH_PASSES ?? 3));

export async function plainBench(): Promise<string> {
  const haveNcat = ncatAvailable();
  if (!haveNcat) console.log('\nncat not found: the ncat column is skipped (apt-get install ncat to compare).');
  const rows: Cell[][] = [];
  const pairs: Array<{ shape: Shape; ours: WorkloadResult; ncat: WorkloadResult }> = [];
  for (const shape of selectedShapes()) {
    for (let pass = 1; pass <= PASSES; pass++) {
      const label = PASSES > 1 ? ` #${pass}` : '';
      let ncat: WorkloadResult | undefined;
      if (haveNcat) {
        ncat = await runAgainst(startNcat, shape, (port) => plainDriver(port, 'ncat'));
        ncatRuns.set(shape.name, [...(ncatRuns.get(shape.name) ?? []), ncat]);
        rows.push(resultRow(`ncat --chat${label}`, ncat));
      }
      const ours = await runAgainst(
        () => startOurs(),
        shape,
        (port) => plainDriver(port, 'ours'),
      );
      rows.push(resultRow(`tcp-chat (plain peers)${label}`, ours, ncat));
      if (ncat) pairs.push({ shape, ours, ncat });
    }
    console.log(`  ${shape.name}: done`);
  }
  const table = printTable(
    `Plain-text peers: ncat --chat vs tcp-chat, side by side (${PASSES} pass${PASSES > 1 ? 'es' : ''}; same load generator; server in a child process)`,
    RESULT_HEADER,
    rows,
  );
  return haveNcat ? table + plainGoals(pairs) : table;
}

/** The plain-text goals, each as the median of its per-pass ratio (ours / ncat's in the same pass). */
function plainGoals(pairs: Array<{ shape: Shape; ours: WorkloadResult; ncat: WorkloadResult }>): string {
  const rows: Cell[][] = [];
  const goal = (
    what: string,
    shape: Shape,
    ratio: (ours: WorkloadResult, ncat: WorkloadResult) => number | undefined,
    meets: (r: number) => boolean,
  ) => {
    const ratios = pairs
      .filter((p) => p.shape === shape && !p.ours.note && !p.ncat.note)
      .map((p) => ratio(p.ours, p.ncat))
      .filter((r): r is number => r !== undefined && Number.isFinite(r));
    if (ratios.length === 0) return rows.push([`${shape.name.split(' ')[0]}: ${what}`, '–', 'not measured']);
    const middle = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
    const met = ratios.filter(meets).length;
    rows.push([
      `${shape.name.split(' ')[0]}: ${what}`,
      `${fmt(middle, 2)} (passes: ${ratios.map((r) => fmt(r, 2)).join(', ')})`,
      `${meets(middle) ? 'met' : 'missed'} (${met} of ${ratios.length} passes)`,
    ]);
  };
  for (const shape of selectedShapes()) {
    goal(
      'server CPU per delivery ≤ ncat’s (× ncat)',
      shape,
      (o, n) => ratioOf(cpuPerMillion(o), cpuPerMillion(n)),
      (r) => r <= 1,
    );
    if (shape === SHAPES[1]) {
      goal(
        'p99 ≤ 0.8 × ncat’s',
        shape,
        (o, n) => ratioOf(o.p99, n.p99),
        (r) => r <= 0.8,
      );
      goal(
        'deliveries/s ≥ 1.2 × ncat’s',
        shape,
        (o, n) => ratioOf(o.deliveriesPerSec, n.deliveriesPerSec),
        (r) => r >= 1.2,
      );
    }
  }
  return printTable(
    'Plain-text goals (median of the per-pass ratios, each pass ours against ncat in that pass)',
    ['goal', 'measured', 'verdict'],
    rows,
  );
}

/** a ÷ b, when both were measured and the ratio is a number. */
export function ratioOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined;
  return Number.isFinite(a / b) ? a / b : undefined;
}

/** ratioOf for a table cell: two decimals (and `suffix`), '–' when there is none. */
export function ratioText(a: number | undefined, b: number | undefined, suffix = ''): string {
  const ratio = ratioOf(a, b);
  return ratio === undefined ? '–' : `${fmt(ratio, 2)}${suffix}`;
}

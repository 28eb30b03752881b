// A big room: (a) 10,000 idle members, half native and half plain-text — the server's memory per member (RSS in
// its own process, after a full GC) and the open-files limit that takes; (b) a join storm of 2,000 members — the
// roster bytes the server sends per join, with whole rosters (clients without roster deltas: every client before
// them) and with roster deltas (what ChatClient offers now), at 500, 1,000 and 2,000 members.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { MAX_CONNECTIONS_LIMIT } from '../src/chat';
import { startOurs } from './chatLoad';
import { sleep, type ServerChild } from './lib/children';
import { LightMember, openFilesLimit, plainMember } from './lib/lightClient';
import { fmt, printTable, type Cell } from './lib/table';

const IDLE_MEMBERS = Number(process.env.BENCH_SCALE_MEMBERS ?? 10_000);
const STORM_CHECKPOINTS = [500, 1000, 2000];
const GOAL_KB_PER_MEMBER = 20;
/** Members connecting at once: well under the listen backlog (511), which a busy 2-core machine overflowed at 100. */
const PARALLEL = 25;

async function memory(server: ServerChild): Promise<{ rss: number; heap: number; connections: number }> {
  const match = await server.ask('mem', /^MEM (\d+) (\d+) (\d+)/, 60_000);
  return { rss: Number(match[1]), heap: Number(match[2]), connections: Number(match[3]) };
}

/** Runs `make(i)` for i in [from, to), `parallel` at a time. */
async function inBatches<T>(
  from: number,
  to: number,
  make: (i: number) => Promise<T>,
  parallel = PARALLEL,
): Promise<T[]> {
  const made: T[] = [];
  for (let i = from; i < to; i += parallel)
    made.push(...(await Promise.all(Array.from({ length: Math.min(parallel, to - i) }, (_, k) => make(i + k)))));
  return made;
}

async function idleRoom(): Promise<{ rows: Cell[][]; note: string }> {
  const files = openFilesLimit((path) => readFileSync(path, 'utf8'));
  // This process holds one socket per member, and so does the server (a child: it inherits the same limit).
  const needed = IDLE_MEMBERS + 200;
  const members = files.soft >= needed ? IDLE_MEMBERS : Math.max(0, Math.floor((files.soft - 200) / 2) * 2);
  const note =
    `open files: needed about ${fmt(needed)} per process (one per member, plus the process's own), ` +
    `had ${fmt(files.soft)} (ulimit -n; hard ${fmt(files.hard)})` +
    (members < IDLE_MEMBERS ? ` — only ${fmt(members)} members; raise it with ulimit -n ${needed}` : '');
  const server = await startOurs(['--max-connections', String(Math.min(members + 10, MAX_CONNECTIONS_LIMIT))]);
  const natives: LightMember[] = [];
  const plains: Socket[] = [];
  try {
    await sleep(300);
    const before = await memory(server);
    const half = members / 2;
    natives.push(
      ...(await inBatches(0, half, async (i) => {
        const member = new LightMember(server.port, `n${i}`, true);
        await member.joined;
        return member;
      })),
    );
    await sleep(1000); // roster broadcasts settle
    const mid = await memory(server);
    plains.push(...(await inBatches(0, half, (i) => plainMember(server.port, `p${i}`), 4 * PARALLEL)));
    await sleep(2000); // the last plain-text members are seated (after 500 ms of silence) and welcomed
    const after = await memory(server);
    const kb = (bytes: number, n: number) => bytes / n / 1024;
    const verdict = (v: number) => (v < GOAL_KB_PER_MEMBER ? 'met' : 'missed');
    const mixed = kb(after.rss - before.rss, members);
    const rows: Cell[][] = [
      [
        `${fmt(half)} idle native members`,
        mid.connections,
        fmt(kb(mid.rss - before.rss, half)),
        fmt(kb(mid.heap - before.heap, half)),
        '–',
      ],
      [
        `${fmt(half)} idle plain-text members`,
        after.connections - mid.connections,
        fmt(kb(after.rss - mid.rss, half)),
        fmt(kb(after.heap - mid.heap, half)),
        '–',
      ],
      [
        `all ${fmt(members)} (RSS ${fmt(before.rss / 2 ** 20)} → ${fmt(after.rss / 2 ** 20)} MiB)`,
        after.connections,
        fmt(mixed),
        fmt(kb(after.heap - before.heap, members)),
        `${verdict(mixed)} (goal < ${GOAL_KB_PER_MEMBER} KB)`,
      ],
    ];
    console.log(`  idle room of ${fmt(members)}: done`);
    return { rows, note };
  } finally {
    for (const m of natives) m.close();
    for (const s of plains) s.destroy();
    await server.stop();
  }
}

/** Waits until the newest member has its roster and no roster bytes arrived for a while. */
async function settled(members: LightMember[]): Promise<void> {
  const newest = members[members.length - 1];
  const deadline = Date.now() + 60_000;
  while (newest.wholeRosters === 0 && Date.now() < deadline) await sleep(20);
  let last = -1;
  for (;;) {
    const total = members.reduce((sum, m) => sum + m.rosterBytes, 0);
    if (total === last || Date.now() > deadline) return;
    last = total;
    await sleep(500);
  }
}

interface StormPoint {
  members: number;
  bytesPerJoin: number;
  /** Roster frames (whole or delta) a member got, on average: how often its roster was brought up to date. */
  framesPerMember: number;
  seconds: number;
}

async function joinStorm(deltas: boolean): Promise<StormPoint[]> {
  const last = STORM_CHECKPOINTS[STORM_CHECKPOINTS.length - 1];
  const server = await startOurs(['--max-connections', String(Math.min(last + 10, MAX_CONNECTIONS_LIMIT))]);
  const members: LightMember[] = [];
  const results: StormPoint[] = [];
  const started = Date.now();
  try {
    for (const checkpoint of STORM_CHECKPOINTS) {
      // One at a time, as fast as each Welcome comes back: every join is its own roster change.
      while (members.length < checkpoint) {
        const member = new LightMember(server.port, `m${members.length}`, deltas);
        members.push(member);
        await member.joined;
      }
      await settled(members);
      const total = members.reduce((sum, m) => sum + m.rosterBytes, 0);
      const frames = members.reduce((sum, m) => sum + m.wholeRosters + m.deltas, 0);
      results.push({
        members: checkpoint,
        bytesPerJoin: total / checkpoint,
        framesPerMember: frames / checkpoint,
        seconds: (Date.now() - started) / 1000,
      });
    }
    console.log(`  join storm (${deltas ? 'roster deltas' : 'whole rosters'}): done`);
    return results;
  } finally {
    for (const m of members) m.close();
    await server.stop();
  }
}

export async function scaleBench(): Promise<string> {
  const idle = await idleRoom();
  const idleTable = printTable(
    'A big idle room: server memory per member (server in its own process, after a full GC; light native members that answer heartbeats, nc-like plain-text ones)',
    ['members', 'connections', 'RSS KB per member', 'JS heap KB per member', 'verdict'],
    idle.rows,
  );
  console.log(`  ${idle.note}`);
  const whole = await joinStorm(false);
  const delta = await joinStorm(true);
  const rows: Cell[][] = [];
  for (const [name, runs] of [
    ['whole rosters (clients without roster deltas; every client before them)', whole],
    ['roster deltas (what ChatClient offers now)', delta],
  ] as const) {
    runs.forEach((run, i) =>
      rows.push([
        name,
        fmt(run.members),
        fmt(run.bytesPerJoin / 1024),
        i === 0 ? '–' : fmt(run.bytesPerJoin / runs[i - 1].bytesPerJoin, 2),
        fmt(run.framesPerMember),
        fmt(run.seconds),
      ]),
    );
  }
  const at = (runs: typeof whole, n: number) => runs.find((r) => r.members === n)!.bytesPerJoin;
  const growth = at(delta, 2000) / at(delta, 1000);
  const goals: Cell[][] = [
    [
      'roster deltas: bytes per join grow linearly (× at 2,000 vs 1,000 members ≤ 2.5)',
      fmt(growth, 2),
      growth <= 2.5 ? 'met' : 'missed',
    ],
    [
      'roster deltas vs whole rosters at 2,000 members (fewer bytes per join)',
      `${fmt(at(whole, 2000) / at(delta, 2000), 1)}×`,
      at(delta, 2000) < at(whole, 2000) ? 'met' : 'missed',
    ],
  ];
  const stormTable = printTable(
    'Join storm: roster bytes the server sends per join (all members together), members joining one at a time',
    ['rosters', 'members', 'KB per join', '× previous row', 'roster frames per member', 's so far'],
    rows,
  );
  const goalTable = printTable('Scale goals (from this run)', ['goal', 'measured', 'verdict'], goals);
  return `${idleTable}\n${idle.note}.\n\n${stormTable}\n${goalTable}`;
}

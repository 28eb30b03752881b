// The soak, long: 10 minutes (BENCH_SOAK_SECONDS to change it) of honest members chatting and exchanging pictures
// in a password-protected room under every attack at once (bench/lib/soak/). The room, its host and every peer
// run in this process, so memory is the whole process's, after a full GC. Prints the figures and the verdicts
// the unit test's short version asserts.
import { formatBytes } from '../src/chat';
import { soakChecks, SOAK_BOUNDS } from './lib/soak/checks';
import { runSoak } from './lib/soak/driver';
import { fmt, printTable, type Cell } from './lib/table';

const DEFAULT_SECONDS = 600;
const MAX_DETAIL_CHARS = 320;

function shorten(text: string): string {
  return text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS - 1)}…`;
}

export async function soakBench(): Promise<string> {
  const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? DEFAULT_SECONDS);
  const seed = Number(process.env.SOAK_SEED ?? 1);
  const r = await runSoak({ seconds, seed, progress: (line) => console.log(`  ${line}`) });
  const mb = (bytes: number) => fmt(bytes / 2 ** 20);
  const attackers = r.attacks.map((a) => `${a.kind} ${fmt(a.connections)}/${fmt(a.refused)}`).join('; ');
  const rows: Cell[][] = [
    ['duration s (attack + drain)', fmt(r.seconds)],
    ['honest lines sent (host + 5 members)', r.texts.sent],
    ['honest line deliveries received / expected', `${fmt(r.texts.delivered)} / ${fmt(r.texts.expected)}`],
    ['honest pictures sent', r.images.sent],
    ['honest picture deliveries received / expected', `${fmt(r.images.delivered)} / ${fmt(r.images.expected)}`],
    ['text latency p50 / p99 / max ms', `${fmt(r.textMs.p50)} / ${fmt(r.textMs.p99)} / ${fmt(r.textMs.max)}`],
    ['picture latency p50 / p99 / max ms', `${fmt(r.imageMs.p50)} / ${fmt(r.imageMs.p99)} / ${fmt(r.imageMs.max)}`],
    [
      'process RSS after GC start / peak / end MiB',
      `${mb(r.memory.start.rss)} / ${mb(r.memory.peakRss)} / ${mb(r.memory.end.rss)}`,
    ],
    [
      'JS heap after GC start / peak / end MiB',
      `${mb(r.memory.start.heap)} / ${mb(r.memory.peakHeap)} / ${mb(r.memory.end.heap)}`,
    ],
    ['chat log', `${formatBytes(r.logBytes)} (bound ${formatBytes(SOAK_BOUNDS.logCapBytes)})`],
    ['newcomers in at the first try', `${r.lateJoins.filter((j) => !j.error).length} of ${r.lateJoins.length}`],
    ['attacker connections made / refused or cut', attackers],
    ['wrong passwords checked per address', JSON.stringify(r.passwordsChecked)],
  ];
  const figures = printTable(`Soak: ${fmt(seconds)} s under mixed attack (seed ${seed})`, ['figure', 'value'], rows);
  const checks = soakChecks(r);
  const verdicts = printTable(
    'Soak verdicts (the unit test asserts the same on its 30 s run)',
    ['verdict', 'result', 'measured'],
    checks.map((c) => [c.title, c.ok ? 'ok' : 'FAILS', shorten(c.detail.replace(/\|/g, '/'))]),
  );
  return `${figures}\n${verdicts}`;
}

// The soak's verdicts: what a user of the room would notice, each with the bound it is held to. The unit test
// asserts every one; the bench prints them beside its figures.
import { formatBytes } from '../../../src/chat';
import { PHASES, type SoakResult } from './result';

const MiB = 1024 * 1024;

/** Behaviour bounds on a shared 2-core machine (generous: they catch a room that stops working, not slowness). */
export const SOAK_BOUNDS = {
  textP99Ms: 2000,
  imageP99Ms: 10_000,
  /** Process RSS after a full GC, above the sample taken before the attack, at any sample. */
  rssGrowthBytes: 400 * MiB,
  /**
   * JS heap after a full GC once the attack is over, above the start: the host's history keeps up to 10,000
   * entries, and a flood fills them with lines of 16,000 characters (160 MiB), plus margin.
   */
  heapGrowthBytes: 200 * MiB,
  /** The host's chat log cap in the soak (maxLogBytes; a flood of the longest lines would pass it in seconds). */
  logCapBytes: 16 * MiB,
  /** Wrong passwords the server checks from one address per minute (after the first 5 a person could mistype). */
  guessesPerMinute: 20,
  /** A newcomer's first try must get in within this. */
  joinMs: 10_000,
};

export interface SoakCheck {
  title: string;
  ok: boolean;
  /** What was measured, or what went wrong. */
  detail: string;
}

const list = (items: string[], max = 6) =>
  items.length <= max ? items.join(' | ') : `${items.slice(0, max).join(' | ')} | … (${items.length} in all)`;

export function soakChecks(r: SoakResult): SoakCheck[] {
  const b = SOAK_BOUNDS;
  const lines = r.deliveryProblems.filter((p) => p.includes('lines'));
  const altered = r.deliveryProblems.filter((p) => p.includes('altered'));
  const before = [...altered, ...r.deliveryProblems.filter((p) => p.startsWith(PHASES[0][0]))];
  const during = r.deliveryProblems.filter((p) => p.startsWith(PHASES[1][0]));
  const badJoins = r.lateJoins.filter((j) => j.error || (j.joinedMs ?? 0) > b.joinMs || !j.sawChat);
  const rssGrowth = r.memory.peakRss - r.memory.start.rss;
  const heapGrowth = r.memory.end.heap - r.memory.start.heap;
  const minutes = Math.max(r.seconds / 60, 1 / 60);
  const guessLimit = 5 + b.guessesPerMinute * minutes;
  const guesses = Object.entries(r.passwordsChecked);
  const fastGuessers = guesses.filter(([, n]) => n > guessLimit);
  const errors = Object.entries(r.honestErrors).map(([code, n]) => `${code} ×${n}`);
  return [
    {
      title: 'every honest line reaches every honest member (and the host) exactly once, in order',
      ok: lines.length === 0 && r.texts.expected > 0,
      detail: lines.length
        ? `${list(lines)}; errors shown to honest users: ${errors.join(', ') || 'none'}`
        : `${r.texts.delivered} of ${r.texts.expected} deliveries`,
    },
    pictureCheck('before images trickle: every honest picture', before, r, errors),
    pictureCheck('while slow senders trickle huge images: every honest picture', during, r, errors),
    {
      title: 'no honest member is disconnected during the attack',
      ok: r.cutOff.length === 0,
      detail: r.cutOff.length ? list(r.cutOff) : 'all stayed',
    },
    {
      title: `a newcomer gets in at the first try within ${b.joinMs / 1000} s and sees the chat, all along the attack`,
      ok: badJoins.length === 0 && r.lateJoins.length > 0,
      detail: `${r.lateJoins.length - badJoins.length} of ${r.lateJoins.length} did${badJoins.length ? `; ${list(badJoins.map((j) => `${j.name}: ${j.error ?? (j.sawChat ? `${j.joinedMs} ms` : 'saw no chat')}`))}` : ''}`,
    },
    {
      title: `honest text p99 ≤ ${b.textP99Ms} ms`,
      ok: r.textMs.p99 <= b.textP99Ms,
      detail: `p50 ${r.textMs.p50.toFixed(1)} ms, p99 ${r.textMs.p99.toFixed(1)} ms, max ${r.textMs.max.toFixed(0)} ms (${r.textMs.samples} samples)`,
    },
    {
      title: `honest picture p99 ≤ ${b.imageP99Ms} ms`,
      ok: r.imageMs.p99 <= b.imageP99Ms,
      detail: `p50 ${r.imageMs.p50.toFixed(0)} ms, p99 ${r.imageMs.p99.toFixed(0)} ms (${r.imageMs.samples} samples)`,
    },
    {
      title: `process RSS after GC stays within ${formatBytes(b.rssGrowthBytes)} of its start`,
      ok: rssGrowth <= b.rssGrowthBytes,
      detail: `start ${formatBytes(r.memory.start.rss)}, peak ${formatBytes(r.memory.peakRss)}, end ${formatBytes(r.memory.end.rss)} (${r.memory.samples} samples)`,
    },
    {
      title: `JS heap after GC, once the attack is over, within ${formatBytes(b.heapGrowthBytes)} of its start`,
      ok: heapGrowth <= b.heapGrowthBytes,
      detail: `start ${formatBytes(r.memory.start.heap)}, peak ${formatBytes(r.memory.peakHeap)}, end ${formatBytes(r.memory.end.heap)}`,
    },
    {
      title: `the chat log stays under ${formatBytes(b.logCapBytes)}`,
      ok: r.logBytes <= b.logCapBytes,
      detail: formatBytes(r.logBytes),
    },
    {
      title: 'no name shown to honest members looks like an honest member, the host, or nothing',
      ok: r.lookAlikes.length === 0,
      detail: r.lookAlikes.length ? list(r.lookAlikes, 10) : 'none',
    },
    {
      title: `at most ${b.guessesPerMinute} wrong passwords a minute (after 5) are checked per address`,
      ok: fastGuessers.length === 0 && guesses.length > 0,
      detail: `${guesses.map(([a, n]) => `${a}: ${n}`).join(', ') || 'no guess was answered'}; other endings: ${JSON.stringify(r.guessEndings)}`,
    },
    {
      title: "no attacker's goodbye puts a line of its own in honest members' notices or the log",
      ok: r.forged.length === 0 && r.forgedLogLines.length === 0,
      detail: `${r.forged.length} notices, ${r.forgedLogLines.length} log lines${r.forged.length ? `; first: ${r.forged[0]}` : ''}`,
    },
    {
      title: 'a private line reaches no one but the member it names',
      ok: r.misdelivered.length === 0,
      detail: r.misdelivered.length ? list(r.misdelivered, 3) : 'none misdelivered',
    },
    {
      title: 'no picture declaring 12000 × 12000 pixels reaches an honest member or the host',
      ok: r.bombs === 0,
      detail: `${r.bombs} received`,
    },
  ];
}

function pictureCheck(what: string, problems: string[], r: SoakResult, errors: string[]): SoakCheck {
  return {
    title: `${what} reaches every honest member who accepts its size, intact and in order`,
    ok: problems.length === 0 && r.images.expected > 0,
    detail: problems.length
      ? `${list(problems)}; errors shown to honest users: ${errors.join(', ') || 'none'}`
      : `${r.images.delivered} of ${r.images.expected} deliveries in the whole run`,
  };
}

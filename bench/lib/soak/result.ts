// What a soak run found, in figures and in plain lists a reader can act on: which honest deliveries went wrong
// (missing, doubled, out of order, altered), the latencies, memory after GC, the log's size, who got cut off or
// turned away, and what the attackers managed to show honest members (look-alike names, forged lines, bombs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Attackers } from './attackers';
import type { MemorySample } from './driver';
import { FORGED_LINE, type HonestMember } from './honest';

export interface LateJoin {
  name: string;
  joinedMs?: number;
  sawChat?: boolean;
  /** Why the first try failed, as the user was told. */
  error?: string;
}

export interface Latency {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SoakResult {
  seconds: number;
  seed: number;
  texts: { sent: number; expected: number; delivered: number };
  images: { sent: number; expected: number; delivered: number };
  /** One line per receiver × sender × kind whose deliveries were not exactly what was sent, in order. */
  deliveryProblems: string[];
  textMs: Latency;
  imageMs: Latency;
  memory: { start: MemorySample; end: MemorySample; peakRss: number; peakHeap: number; samples: number };
  logBytes: number;
  /** Lines of the log that begin with an attacker's forged text. */
  forgedLogLines: string[];
  lateJoins: LateJoin[];
  /** Honest members disconnected before the end, with the last error they were shown. */
  cutOff: string[];
  /** Error notices honest members and the host were shown, by `name: code`. */
  honestErrors: Record<string, number>;
  /** The first text honest members were shown for each error code. */
  errorTexts: Record<string, string>;
  attacks: Array<{ kind: string; connections: number; refused: number }>;
  /** Wrong passwords the server checked, per attacker address. */
  passwordsChecked: Record<string, number>;
  guessEndings: Record<string, number>;
  lookAlikes: string[];
  forged: string[];
  misdelivered: string[];
  bombs: number;
}

export interface SoakRecord {
  seconds: number;
  seed: number;
  speakers: HonestMember[];
  lateJoins: LateJoin[];
  /** When images started to trickle: pictures sent before and after are judged apart. */
  trickleAt: number;
  memory: MemorySample[];
  attackers: Attackers;
  logDir: string;
  logFile: string;
}

/** Letters of other scripts that look like Latin ones (those hostile names use, and their neighbours). */
const LOOK_ALIKES: Record<string, string> = Object.fromEntries(
  [
    ['АВЕКМНОРСТХІЈЅ', 'ABEKMHOPCTXIJS'], // Cyrillic capitals
    ['авекморстухіјѕԁ', 'abekmopctyxijsd'], // Cyrillic small letters
    ['ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ', 'ABEZHIKMNOPTYX'], // Greek capitals
    ['αεικνορτυχ', 'aeikvoptux'], // Greek small letters
  ].flatMap(([from, to]) => Array.from(from, (c, i) => [c, to[i]])),
);

/** What a name looks like on screen: compatibility forms folded, invisible characters dropped, look-alikes mapped. */
export function skeleton(name: string): string {
  const visible = name.normalize('NFKC').replace(/[\p{Cf}\p{Cc}\p{Z}\s\u115f\u1160\u3164\uffa0\u2800]/gu, '');
  return Array.from(visible, (c) => LOOK_ALIKES[c] ?? c)
    .join('')
    .toLowerCase();
}

export const PHASES: Array<[string, (at: number, trickleAt: number) => boolean]> = [
  ['before images trickle', (at, trickleAt) => at < trickleAt],
  ['while images trickle', (at, trickleAt) => at >= trickleAt],
];

function percentiles(values: number[]): Latency {
  if (values.length === 0) return { samples: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** "" when `got` is exactly `expected`; otherwise what differs (missing, doubled, out of order). */
function compare(expected: number[], got: number[]): string {
  if (expected.length === got.length && expected.every((s, i) => got[i] === s)) return '';
  const want = new Set(expected);
  const seen = new Set<number>();
  let doubled = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let last = -1;
  for (const s of got) {
    if (seen.has(s)) doubled++;
    else if (!want.has(s)) unexpected++;
    else if (s < last) outOfOrder++;
    seen.add(s);
    last = Math.max(last, s);
  }
  const missing = expected.filter((s) => !seen.has(s));
  const parts = [`${got.length - doubled - unexpected} of ${expected.length}`];
  if (missing.length) parts.push(`missing #${missing.slice(0, 8).join(', #')}${missing.length > 8 ? ' …' : ''}`);
  if (doubled) parts.push(`${doubled} twice`);
  if (outOfOrder) parts.push(`${outOfOrder} out of order`);
  if (unexpected) parts.push(`${unexpected} never sent to them`);
  return parts.join('; ');
}

export function summarise(record: SoakRecord): SoakResult {
  const { speakers } = record;
  const problems: string[] = [];
  const texts = { sent: 0, expected: 0, delivered: 0 };
  const images = { sent: 0, expected: 0, delivered: 0 };
  const errors: Record<string, number> = {};
  const errorTexts: Record<string, string> = {};
  for (const sender of speakers) {
    texts.sent += sender.sentTexts.length;
    images.sent += sender.sentImages.length;
  }
  for (const receiver of speakers) {
    const r = receiver.receipts;
    for (const [code, n] of r.errors) errors[`${receiver.name}: ${code}`] = n;
    for (const [code, text] of r.firstErrors) errorTexts[code] ??= text;
    for (const sender of speakers) {
      if (sender === receiver) continue;
      const forMe = (to: string | undefined) => to === undefined || to === receiver.name;
      const wantTexts = sender.sentTexts.filter((t) => forMe(t.to)).map((t) => t.seq);
      const gotTexts = r.texts.get(sender.tag) ?? [];
      texts.expected += wantTexts.length;
      texts.delivered += gotTexts.length;
      const textDiff = compare(wantTexts, gotTexts);
      if (textDiff) problems.push(`${receiver.name} got ${sender.name}'s lines: ${textDiff}`);
      const wanted = sender.sentImages.filter((i) => forMe(i.to) && i.size <= receiver.maxImageBytes);
      const gotImages = r.images.get(sender.tag) ?? [];
      images.expected += wanted.length;
      images.delivered += gotImages.length;
      const altered = gotImages.filter((g) => wanted.find((w) => w.seq === g.seq)?.digest !== g.digest).length;
      if (altered) problems.push(`${receiver.name} got ${altered} of ${sender.name}'s pictures altered`);
      // Judged apart: pictures sent before images trickle, and while they do.
      for (const [phase, inPhase] of PHASES) {
        const sent = sender.sentImages.filter((i) => inPhase(i.at, record.trickleAt)).map((i) => i.seq);
        const want = wanted.filter((i) => sent.includes(i.seq)).map((i) => i.seq);
        const got = gotImages.filter((i) => sent.includes(i.seq)).map((i) => i.seq);
        const diff = compare(want, got);
        if (diff) problems.push(`${phase}: ${receiver.name} got ${sender.name}'s pictures: ${diff}`);
      }
    }
  }
  const honestNames = new Set(
    [...speakers.map((s) => s.name), ...record.lateJoins.map((j) => j.name), 'pat'].map(skeleton),
  );
  const ownNames = new Set([...speakers.map((s) => s.name), ...record.lateJoins.map((j) => j.name), 'pat']);
  const lookAlikes = new Set<string>();
  for (const s of speakers) {
    for (const name of s.receipts.names) {
      if (ownNames.has(name)) continue;
      const looks = skeleton(name);
      if (looks === '' || honestNames.has(looks)) lookAlikes.add(JSON.stringify(name));
    }
  }
  const logText = fs.readFileSync(record.logFile, 'utf8');
  const logBytes = fs
    .readdirSync(record.logDir)
    .filter((f) => f.startsWith('chat_log_'))
    .reduce((n, f) => n + fs.statSync(path.join(record.logDir, f)).size, 0);
  const samples = record.memory;
  const a = record.attackers;
  return {
    seconds: record.seconds,
    seed: record.seed,
    texts,
    images,
    deliveryProblems: problems,
    textMs: percentiles(speakers.flatMap((s) => s.receipts.textLatencies)),
    imageMs: percentiles(speakers.flatMap((s) => s.receipts.imageLatencies)),
    memory: {
      start: samples[0],
      end: samples[samples.length - 1],
      peakRss: Math.max(...samples.map((m) => m.rss)),
      peakHeap: Math.max(...samples.map((m) => m.heap)),
      samples: samples.length,
    },
    logBytes,
    forgedLogLines: logText.split('\n').filter((line) => line.startsWith(FORGED_LINE)),
    lateJoins: record.lateJoins,
    cutOff: speakers.filter((s) => s.cutOff !== undefined).map((s) => `${s.name}: ${s.cutOff}`),
    honestErrors: errors,
    errorTexts,
    attacks: [...a.counts].map(([kind, c]) => ({ kind, ...c })),
    passwordsChecked: Object.fromEntries(a.passwordsChecked),
    guessEndings: Object.fromEntries(a.guessEndings),
    lookAlikes: [...lookAlikes],
    forged: speakers.flatMap((s) => s.receipts.forged.map((t) => `${s.name}: ${JSON.stringify(t)}`)).slice(0, 20),
    misdelivered: speakers.flatMap((s) => s.receipts.misdelivered.map((t) => `${s.name}: ${t}`)).slice(0, 20),
    bombs: speakers.reduce((n, s) => n + s.receipts.bombs, 0),
  };
}

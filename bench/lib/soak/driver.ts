// The soak: a password-protected room (a real ChatServer on 127.0.0.1, its host logging to a temp folder through
// ChatSession + Transcript, all in this process) where honest members chat and exchange pictures while the
// attackers in attackers.ts mix everything at once. Used by the unit test (≤ 60 s) and the bench (10 minutes by
// default). It measures and records; soakChecks() in checks.ts turns the result into verdicts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ChatServer, ChatSession, errorMessage, Transcript } from '../../../src/chat';
import { sleep } from '../children';
import { Attackers, type AttackPlan } from './attackers';
import { SOAK_BOUNDS } from './checks';
import { HonestMember } from './honest';
import { noisePng } from './images';
import { summarise, type SoakResult } from './result';

export interface SoakOptions {
  /** How long honest members chat under attack. */
  seconds: number;
  /** Seeds the honest members' timing and pictures (the attackers are deterministic loops). */
  seed: number;
  /** Attack sizes; the defaults are the unit test's. */
  attacks?: Partial<Omit<AttackPlan, 'until' | 'port' | 'password'>>;
  /** A line now and then about progress (the bench prints them). */
  progress?: (line: string) => void;
}

const PASSWORD = 'correct horse battery staple';
const SERVER_MAX_IMAGE_BYTES = 25 * 1024 * 1024;
const MAX_TEXT_CHARS = 16 * 1024;
/** Carol accepts pictures up to 256 KiB only (lower than the server's limit). */
const CAROL_MAX_IMAGE_BYTES = 256 * 1024;
const MEMBERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
/** Honest members keep a short history: the process's memory is then mostly the server and its host. */
const MEMBER_HISTORY = 50;
const TEXT_EVERY_MS = 500;
const IMAGE_EVERY_MS = 5000;
const LATE_JOIN_EVERY_MS = 5000;
/** The server holds at most this many bytes of unfinished images for its host (256 MiB at these settings). */
const UNFINISHED_IMAGES_ALLOWANCE = 256 * 1024 * 1024;
const TRICKLERS = 11;
/** Into the run, the share after which images trickle: pictures before and after are judged apart. */
const TRICKLE_FROM = 0.4;
const MEMORY_EVERY_MS = 5000;
/** After the attack: time for the last honest messages and pictures to arrive. */
const DRAIN_MS = 15_000;

let gcFunction: (() => void) | undefined;
/** A full GC: `gc` when node runs with --expose-gc (the bench), else the flag is set now (the test runner). */
function fullGc(): void {
  if (!gcFunction) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (!exposed) setFlagsFromString('--expose-gc');
    gcFunction = exposed ?? (runInNewContext('gc') as () => void);
  }
  gcFunction();
}

export interface MemorySample {
  at: number;
  rss: number;
  heap: number;
}

function sampleMemory(): MemorySample {
  fullGc();
  const { rss, heapUsed } = process.memoryUsage();
  return { at: Date.now(), rss, heap: heapUsed };
}

/** mulberry32: the same seed gives the same timings and pictures. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const say = options.progress ?? (() => undefined);
  const rnd = random(options.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-soak-'));
  const server = new ChatServer({
    host: '127.0.0.1',
    port: 0,
    name: 'Host',
    password: PASSWORD,
    maxImageBytes: SERVER_MAX_IMAGE_BYTES,
    maxTextChars: MAX_TEXT_CHARS,
  });
  // The host caps its log as a teacher would on a small disk; the soak checks the cap holds under a flood.
  const hostSession = new ChatSession(server, {
    transcript: Transcript.open(dir, { maxLogBytes: SOAK_BOUNDS.logCapBytes }),
  });
  const members: HonestMember[] = [];
  const extras = new Set<HonestMember>();
  const timers: NodeJS.Timeout[] = [];
  let attackers: Attackers | undefined;
  try {
    const { port } = await server.listen();
    const host = HonestMember.host(hostSession, SERVER_MAX_IMAGE_BYTES);
    for (const tag of MEMBERS) {
      const limit = tag === 'carol' ? CAROL_MAX_IMAGE_BYTES : SERVER_MAX_IMAGE_BYTES;
      members.push(await HonestMember.join(port, tag, PASSWORD, limit, MEMBER_HISTORY));
    }
    const speakers = [host, ...members];
    await sleep(1000);
    const memory: MemorySample[] = [sampleMemory()];
    const started = Date.now();
    const until = started + options.seconds * 1000;
    const trickleAt = started + TRICKLE_FROM * options.seconds * 1000;
    say(`soak: ${members.length} members and the host in the room; attacks start for ${options.seconds} s`);

    attackers = new Attackers({
      until,
      port,
      password: PASSWORD,
      idleSockets: 500,
      idleRampMs: (options.seconds * 1000) / 2,
      slowloris: 20,
      churners: 4,
      guessers: 2,
      flooders: 6,
      tricklers: TRICKLERS,
      trickleAt,
      trickleImageBytes: Math.floor(UNFINISHED_IMAGES_ALLOWANCE / TRICKLERS),
      floodChars: MAX_TEXT_CHARS,
      ...options.attacks,
    });
    const attacking = attackers.run();

    // Each speaker types a numbered line every ~0.5 s; every 8th goes privately to another honest member.
    for (const speaker of speakers) {
      const next = () => {
        if (Date.now() >= until) return;
        const others = members.filter((m) => m !== speaker && m.connected);
        const to = rnd() < 1 / 8 && others.length ? others[Math.floor(rnd() * others.length)].name : undefined;
        if (speaker.connected) void speaker.say(to);
        timers.push(setTimeout(next, TEXT_EVERY_MS * (0.5 + rnd())));
      };
      timers.push(setTimeout(next, rnd() * TEXT_EVERY_MS));
    }
    // Every member shows a small picture every ~5 s (30–50 KB, each one different).
    for (const member of members) {
      const next = () => {
        if (Date.now() >= until) return;
        if (member.connected) void member.show(noisePng(100 + Math.floor(rnd() * 30), Math.floor(rnd() * 2 ** 31)));
        timers.push(setTimeout(next, IMAGE_EVERY_MS * (0.75 + rnd() / 2)));
      };
      timers.push(setTimeout(next, rnd() * IMAGE_EVERY_MS));
    }
    const [alice, bob, , dave] = members;
    const lateJoins: SoakResult['lateJoins'] = [];
    const scenes: Array<[at: number, scene: () => Promise<void>]> = [
      // Pat passes by; Alice shows everyone a 2 MB photo and, right behind it, a 1.2 MB one to Pat only — but Pat
      // has just left, so the server refuses that one. Alice's later pictures must still go through.
      [0.15, () => passerBy(port, alice, extras)],
      // Dave shows a 400 KB photo: above Carol's own limit (she refuses it), below everyone else's.
      [0.2, () => dave.show(noisePng(370, 7))],
    ];
    for (const [at, scene] of scenes) timers.push(setTimeout(() => void scene(), at * options.seconds * 1000));
    // Alice writes privately to "bob-2" (the name a look-alike of Bob is given): it must not reach Bob.
    timers.push(setInterval(() => void alice.sayTo(`${bob.name}-2`), 5000));
    // Newcomers keep arriving: each must get in at the first try, see the chat, and leave.
    for (let k = 1; started + k * LATE_JOIN_EVERY_MS < until - 2000; k++) {
      timers.push(setTimeout(() => void lateJoiner(port, `late${k}`, lateJoins, extras), k * LATE_JOIN_EVERY_MS));
    }
    const sampler = setInterval(() => memory.push(sampleMemory()), MEMORY_EVERY_MS);
    timers.push(sampler);
    const progress = setInterval(() => say(`soak: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
    timers.push(progress);

    await sleep(until - Date.now());
    for (const t of timers) clearTimeout(t);
    await Promise.race([attacking, sleep(15_000)]);
    attackers.stop();
    say('soak: attacks over; waiting for the last honest deliveries');
    await drain(speakers);
    memory.push(sampleMemory());
    return summarise({
      seconds: (Date.now() - started) / 1000,
      seed: options.seed,
      speakers,
      lateJoins,
      trickleAt,
      memory,
      attackers,
      logDir: dir,
      logFile: hostSession.transcript!.logFile,
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    attackers?.stop();
    await Promise.all([...members, ...extras].map((m) => m.leave().catch(() => undefined)));
    await hostSession.close('soak over').catch((e) => say(`soak: close failed: ${errorMessage(e)}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until every speaker's received lists stop growing for 2 s (or DRAIN_MS in all). */
async function drain(speakers: HonestMember[]): Promise<void> {
  const total = () =>
    speakers.reduce((n, s) => n + s.receipts.textLatencies.length + s.receipts.imageLatencies.length, 0);
  let last = total();
  let quietSince = Date.now();
  for (const end = Date.now() + DRAIN_MS; Date.now() < end && Date.now() - quietSince < 2000;) {
    await sleep(200);
    const now = total();
    if (now !== last) quietSince = Date.now();
    last = now;
  }
}

async function passerBy(port: number, alice: HonestMember, extras: Set<HonestMember>): Promise<void> {
  const pat = await HonestMember.join(port, 'pat', PASSWORD, SERVER_MAX_IMAGE_BYTES, MEMBER_HISTORY).catch(
    () => undefined,
  );
  if (!pat) return;
  extras.add(pat);
  await sleep(500);
  const patName = pat.name;
  await alice.show(noisePng(840, 11));
  await alice.show(noisePng(640, 12), patName); // 1.2 MB: more than the sender's unacknowledged-bytes window
  await pat.leave();
}

async function lateJoiner(
  port: number,
  tag: string,
  joins: SoakResult['lateJoins'],
  extras: Set<HonestMember>,
): Promise<void> {
  const started = Date.now();
  try {
    const member = await HonestMember.join(port, tag, PASSWORD, SERVER_MAX_IMAGE_BYTES, MEMBER_HISTORY);
    extras.add(member);
    const joinedMs = Date.now() - started;
    for (const end = Date.now() + 10_000; Date.now() < end && member.receipts.texts.size === 0;) await sleep(100);
    joins.push({ name: tag, joinedMs, sawChat: member.receipts.texts.size > 0 });
    await member.leave();
  } catch (error) {
    joins.push({ name: tag, error: `${(error as { code?: string }).code ?? ''} ${errorMessage(error)}`.trim() });
  }
}

// Shared by the adversarial suites: a seeded random generator (FUZZ_SEED replays a run), a recorder of uncaught
// errors, honest ChatClients that record what they receive, garbage collection on demand for memory bounds, and a
// file-tree scan for "nothing written where it should not be".
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TestContext } from 'node:test';
import { ChatClient, type ChatClientOptions } from '../../../src/chat/client/chatClient';
import { EventRecorder } from './clientHelpers';

export interface Random {
  seed: number;
  /** [0, 1) */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
  chance(p: number): boolean;
}

/** mulberry32, seeded from FUZZ_SEED or the clock; the seed is printed so a failure can be replayed. */
export function seededRandom(t: TestContext, suite: string): Random {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0xffffffff)) >>> 0;
  t.diagnostic(`${suite}: seed ${seed} (replay with FUZZ_SEED=${seed})`);
  console.log(`${suite}: seed ${seed} (replay with FUZZ_SEED=${seed})`);
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(items.length)],
    bytes: (n) => {
      const out = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    },
    chance: (p) => next() < p,
  };
}

/**
 * Collects every uncaught exception and unhandled rejection until the test ends, so a test can assert there were
 * none (instead of the process dying, or the error being pinned on whichever test runs next).
 */
export function recordCrashes(t: TestContext): unknown[] {
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  t.after(() => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });
  return crashes;
}

let gcFunction: (() => void) | undefined;
/**
 * Full garbage collection without starting node with --expose-gc (the unit-test command line is shared):
 * V8 lets the flag be set at runtime, and a fresh context then sees `gc`.
 */
export function collectGarbage(): void {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

export function heapUsedAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** An honest native client, recording every event from before it connects. */
export async function honestClient(
  port: number,
  name: string,
  extra: Partial<ChatClientOptions> = {},
): Promise<{ client: ChatClient; seen: EventRecorder }> {
  const client = new ChatClient({ host: '127.0.0.1', port, name, ...extra });
  const seen = new EventRecorder(client);
  await client.connect();
  return { client, seen };
}

export function tempDir(t: TestContext, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tcp-chat-${prefix}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir` (relative paths), for checking where things were written. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** Texts of the messages `seen` received from `name`, in arrival order. */
export function textsFrom(seen: EventRecorder, name: string): string[] {
  return seen.messages.filter((m) => !m.own && m.from.name === name).map((m) => m.text);
}

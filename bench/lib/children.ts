// Servers under test run in their own process (never in the load generator's): started detached as a process
// group, tracked by PID, and killed by PID when the run ends or the bench exits for any reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';

const live = new Set<number>();
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;
let handlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
      process.exit(130);
    });
  }
}

export interface ServerChild {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** Resident set size of the server process, from /proc (works for ncat and node alike). */
  rssBytes(): number;
  /** CPU seconds (user + system) the server process has used so far, from /proc. */
  cpuSeconds(): number;
  /** Everything the child printed (bounded tail), for error messages. */
  output(): string;
  /** Writes a line to the child's stdin and resolves with the first new output line matching `answer`. */
  ask(line: string, answer: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

/**
 * CPU seconds a process has used: the sum of its threads' time on a CPU in nanoseconds (/proc/PID/task/N/schedstat),
 * which a 20 MiB image relayed in a tenth of a second needs; the clock ticks of /proc/PID/stat (10 ms) are the
 * fallback.
 */
export function cpuSecondsOf(pid: number): number {
  try {
    let nanoseconds = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    }
    if (Number.isFinite(nanoseconds) && nanoseconds > 0) return nanoseconds / 1e9;
  } catch {
    // a thread ended between the listing and the read, or no schedstat: the coarse figure below
  }
  // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks; the name field may hold spaces, so cut after ')'.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Spawns `command` and resolves once `ready(output)` is true or the port accepts connections
 * (whichever the caller asks for), within `timeoutMs`.
 */
export async function startServer(
  name: string,
  command: string,
  args: string[],
  port: number,
  { timeoutMs = 10_000, waitForLine }: { timeoutMs?: number; waitForLine?: RegExp } = {},
): Promise<ServerChild> {
  installHandlers();
  const child: ChildProcess = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (!pid) throw new Error(`${name}: could not start ${command}`);
  live.add(pid);
  let output = '';
  // Complete lines, numbered, so ask() can wait for an answer that came after its question.
  let partial = '';
  let linesSeen = 0;
  const recent: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (output.length > 64_000) output = output.slice(-32_000);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      recent.push(line);
      linesSeen++;
      if (recent.length > 200) recent.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });

  const stop = async () => {
    if (!live.has(pid)) return;
    killGroup(pid, 'SIGTERM');
    for (let i = 0; i < 40 && !exited; i++) await sleep(50);
    if (!exited) killGroup(pid, 'SIGKILL');
    live.delete(pid);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start:\n${output}`);
    const ready = waitForLine ? waitForLine.test(output) : await portOpen(port);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not become ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
  return {
    name,
    port,
    pid,
    rssBytes: () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : NaN;
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    output: () => output,
    ask: async (line, answer, askTimeoutMs = 10_000) => {
      const from = linesSeen;
      child.stdin?.write(`${line}\n`);
      const until = Date.now() + askTimeoutMs;
      for (;;) {
        const fresh = recent.slice(Math.max(0, recent.length - (linesSeen - from)));
        for (const candidate of fresh) {
          const match = answer.exec(candidate);
          if (match) return match;
        }
        if (Date.now() > until) throw new Error(`${name} did not answer "${line}" within ${askTimeoutMs} ms`);
        await sleep(20);
      }
    },
    stop,
  };
}

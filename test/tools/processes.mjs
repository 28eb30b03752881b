// Child processes the test tooling starts (code-server, chromium, CLI peers): every one is tracked by PID and its
// whole process group is killed when we stop it, when the tooling fails, and when this Node process exits —
// so no editor or browser outlives a test run, whatever happens.
import { spawn } from 'node:child_process';

/** PIDs of process groups we started and have not stopped yet. */
const liveGroups = new Set();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // negative PID = the whole group (the child was spawned detached = group leader)
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' runs synchronously: SIGKILL is the only thing that certainly works from there.
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
      process.exit(130);
    });
  }
}

/** Registers a process group started elsewhere (e.g. chromium started by playwright) for the exit handlers. */
export function trackGroup(pid) {
  installExitHandlers();
  liveGroups.add(pid);
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs`. Resolves once the group is gone (bounded wait).
 * Safe to call twice.
 */
export async function stopGroup(pid, { graceMs = 3000 } = {}) {
  if (!pid) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) {
    killGroup(pid, 'SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
  }
  liveGroups.delete(pid);
}

/**
 * Spawns a command as the leader of its own process group and tracks it.
 * Returns the ChildProcess plus `stop()` which kills the whole group by PID.
 */
export function spawnTracked(command, args, options = {}) {
  installExitHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid) liveGroups.add(child.pid);
  child.on('exit', () => {
    if (!groupAlive(child.pid)) liveGroups.delete(child.pid);
  });
  return Object.assign(child, { stop: (opts) => stopGroup(child.pid, opts) });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` (sync or async; truthy = done) every `intervalMs` until it passes or `timeoutMs` runs out. */
export async function waitFor(check, { timeoutMs, intervalMs = 200, what = 'condition' }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** Rejects with a clear message when `promise` does not settle within `timeoutMs`. */
export function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs a command to completion (inherits nothing unless asked), rejecting on a non-zero exit or timeout. */
export function run(command, args, { timeoutMs, env, cwd, quiet = false, what } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (output.length > 200_000) output = output.slice(-100_000); // keep the tail for the error message
      if (!quiet) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = timeoutMs
      ? setTimeout(() => {
          child.stop();
          reject(new Error(`${what ?? command} did not finish within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs)
      : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      stopGroup(child.pid, { graceMs: 500 }).catch(() => {});
      if (code === 0) resolve(output);
      else reject(new Error(`${what ?? command} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

// Runs `node dist/cli.js` as a child process for the end-to-end CLI tests: waits on its output with timeouts,
// and kills it (by its own process) when the test ends.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { within } from '../support/clientHelpers';

/** What a test registers clean-ups on (node:test's TestContext). */
export interface Cleanup {
  after(fn: () => unknown): void;
}

const CLI = path.resolve(__dirname, '../../../../dist/cli.js');

export interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout matches; returns the match. */
  until(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
  exited(ms?: number): Promise<number | null>;
}

export function run(t: Cleanup, given: string[], cwd: string): Running {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: build it first (node esbuild.mjs)`);
  // No mDNS socket outside a private network namespace: there a room is never advertised (support/privateNetwork.ts).
  const unlisted = given[0] === 'serve' && process.env.TCPCHAT_NETNS !== '1' && !given.includes('--no-advertise');
  const args = unlisted ? [...given, '--no-advertise'] : given;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', TCP_CHAT_PASSWORD: '', XDG_CONFIG_HOME: configHome(t, cwd) },
  });
  let out = '';
  let err = '';
  const wake = new Set<() => void>();
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of [...wake]) w();
  });
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    until: (pattern, what, ms = 8000) =>
      within(
        new Promise<RegExpExecArray>((resolve) => {
          const check = () => {
            const match = pattern.exec(out);
            if (!match) return;
            wake.delete(check);
            resolve(match);
          };
          wake.add(check);
          check();
        }),
        ms,
        () => `${what} in the output of tcp-chat ${args.join(' ')}; stdout so far:\n${out}\nstderr:\n${err}`,
      ).finally(() => wake.clear()),
    exited: (ms = 8000) =>
      within(exit, ms, () => `tcp-chat ${args.join(' ')} to exit; stdout:\n${out}\nstderr:\n${err}`),
  };
}

/**
 * The room's certificate and the trusted rooms of the processes run in `cwd` (so a restarted server keeps its
 * fingerprint), outside `cwd` (tests check what is written there) and not in the user's own config.
 */
function configHome(t: Cleanup, cwd: string): string {
  const dir = path.join(
    os.tmpdir(),
    'tcp-chat-test-config',
    createHash('sha256').update(cwd).digest('hex').slice(0, 16),
  );
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tempDir(t: Cleanup): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcp-chat-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `tcp-chat serve --port 0` (logs in cwd/server-logs unless --no-log); resolves once it listens. */
export async function serve(t: Cleanup, cwd: string, extra: string[] = []): Promise<{ server: Running; port: number }> {
  const logging = extra.includes('--no-log') ? [] : ['--log-dir', 'server-logs'];
  const server = run(t, ['serve', '--port', '0', ...logging, ...extra], cwd);
  const listening = await server.until(/Listening on 127\.0\.0\.1:(\d+)/, 'the listening line');
  return { server, port: Number(listening[1]) };
}

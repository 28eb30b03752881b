// Multicast DNS in tests never leaves this machine: a test file that opens mDNS sockets calls
// `inPrivateNetwork(__filename)` first. Outside the namespace that registers ONE test, which re-runs the same file
// under test/tools/netns.mjs (a private network namespace with only its loopback) and fails with the child's
// output — or with why the namespace could not be made; never a silent skip. Inside, it checks that the
// namespace really has nothing but loopback, then lets the file's own tests run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const NETNS_TOOL = path.resolve('test/tools/netns.mjs');

export interface PrivateNetworkOptions {
  /** A private mount namespace too (avahi's run directory). */
  mount?: boolean;
  /** The whole child run, in ms. */
  timeoutMs?: number;
}

/** True inside the namespace (run the mDNS tests); false outside (the one re-running test is registered). */
export function inPrivateNetwork(testFile: string, options: PrivateNetworkOptions = {}): boolean {
  if (process.env.TCPCHAT_NETNS === '1') {
    const names = Object.keys(os.networkInterfaces());
    assert.deepEqual(names, ['lo'], `refusing to send multicast: this is not a private namespace (${names})`);
    return true;
  }
  test(`${path.basename(testFile)}: its mDNS cases, in a private network namespace`, async (t) => {
    assert.ok(fs.existsSync(NETNS_TOOL), `${NETNS_TOOL} is missing: run the tests from the repository root`);
    const flags = options.mount ? ['--mount'] : [];
    const args = [NETNS_TOOL, ...flags, '--', process.execPath, '--test', '--test-reporter=spec', testFile];
    // Without the runner's NODE_TEST_CONTEXT the child reports like a top-level run, so its output is readable.
    const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
    const child = spawn(process.execPath, args, { env: { ...env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    const summary = /ℹ tests \d+[\s\S]*?ℹ fail \d+/.exec(output)?.[0] ?? '';
    t.diagnostic(`inside the namespace: ${summary.replace(/\s*ℹ\s*/g, ' ').trim()}`);
    assert.equal(code, 0, `the mDNS cases failed inside the private network namespace:\n${output}`);
  });
  return false;
}

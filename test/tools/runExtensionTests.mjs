// Runs the extension-host mocha suite (out/test/integration/index.js) inside a real VS Code offline: code-server
// loads the extension via the workbench URL payload (extensionDevelopmentPath + extensionTestsPath) and headless
// chromium opens that workbench. The suite's output arrives through codeAutomationLog and its result through
// codeAutomationExit (the smoke-test driver hooks). Exit code = the suite's. Build first: node esbuild.mjs --tests.
//   --private-network  the whole run (editor, browser, suite) inside a private network namespace with only its
//                      loopback (netns.mjs), for the room-discovery suite: multicast DNS never leaves it. The
//                      editor is installed first, outside (its first install needs the network).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { inNamespace, namespaceProblem } from './netns.mjs';
import { launchCodeServer, makeScratch } from './offlineEditor.mjs';
import { ensureCodeServer } from './offlineEditorInstall.mjs';
import { repoRoot } from './paths.mjs';
import { withTimeout } from './processes.mjs';

// The workbench's own routine console lines arrive through the same hook as the suite's output; these known,
// harmless ones are dropped (TCP_CHAT_EDITOR_LOG=1 shows everything).
const WORKBENCH_CHATTER =
  /^(Ignoring fetching additional builtin|Updating additional builtin|\[AccountPolicyGate\]|Creating a socket|Resolv(ing|ed) connection token|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost)/;
const SUITE_TIMEOUT_MS = Number(process.env.TCP_CHAT_SUITE_TIMEOUT_MS ?? 10 * 60_000);

/** The variables the suite reads, passed to the extension host (undefined: none set). */
function extensionEnv() {
  const keys = ['TCP_CHAT_TEST_GREP', 'TCPCHAT_NETNS'].filter((key) => process.env[key]);
  return keys.length ? Object.fromEntries(keys.map((key) => [key, process.env[key]])) : undefined;
}

async function main() {
  const suite = join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!existsSync(suite)) throw new Error(`${suite} is missing: run \`node esbuild.mjs --tests\` first.`);
  if (!existsSync(join(repoRoot, 'dist', 'extension.js')))
    throw new Error('dist/extension.js is missing: run `npm run build` first.');
  const started = Date.now();
  const scratch = makeScratch('integration');
  let editor;
  let chromium;
  try {
    editor = await launchCodeServer({
      scratch,
      folder: scratch.workspace, // a fresh, empty workspace folder: the chat logs land here
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      extensionEnv: extensionEnv(),
    });
    console.error(
      `[integration] code-server ready (pid ${editor.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s; workspace ${scratch.workspace}`,
    );
    chromium = await launchBrowser(scratch);
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    let finish;
    const result = new Promise((resolve) => {
      finish = resolve;
    });
    // Must exist before the workbench loads: it looks them up when the test run starts and ends.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      if (WORKBENCH_CHATTER.test(line) && !process.env.TCP_CHAT_EDITOR_LOG) return;
      (type === 'error' ? process.stderr : process.stdout).write(line.endsWith('\n') ? line : `${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('pageerror', (error) => console.error(`[integration] page error: ${error.message}`));
    await page.goto(editor.url, { timeout: 60_000 });
    const code = await withTimeout(
      result,
      SUITE_TIMEOUT_MS,
      `the extension-host suite to finish (log: ${editor.logFile})`,
    );
    console.error(`[integration] suite exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    await chromium?.stop();
    await editor?.stop();
  }
}

/** --private-network: re-runs this runner inside the namespace; resolves to its exit code. */
async function inPrivateNetwork() {
  await ensureCodeServer();
  const problem = namespaceProblem();
  if (problem) throw new Error(`the discovery suite needs a private network namespace: ${problem}`);
  const argv = inNamespace([process.execPath, fileURLToPath(import.meta.url)]);
  return spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' }).status ?? 1;
}

const privateRun = process.argv.includes('--private-network') && process.env.TCPCHAT_NETNS !== '1';
(privateRun ? inPrivateNetwork() : main()).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[integration] ${error.stack ?? error}`);
    process.exit(1);
  },
);

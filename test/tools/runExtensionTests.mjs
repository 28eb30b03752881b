// Runs the extension-host mocha suite (out/test/integration/index.js) inside a real VS Code offline: code-server
// loads the extension via the workbench URL payload (extensionDevelopmentPath + extensionTestsPath) and headless
// chromium opens that workbench. The suite's output arrives through codeAutomationLog and its result through
// codeAutomationExit (the smoke-test driver hooks). Exit code = the suite's. Build first: node esbuild.mjs --tests.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { launchCodeServer, makeScratch } from './offlineEditor.mjs';
import { repoRoot } from './paths.mjs';
import { withTimeout } from './processes.mjs';

// The workbench's own routine console lines arrive through the same hook as the suite's output; these known,
// harmless ones are dropped (TCP_CHAT_EDITOR_LOG=1 shows everything).
const WORKBENCH_CHATTER =
  /^(Ignoring fetching additional builtin|Updating additional builtin|\[AccountPolicyGate\]|Creating a socket|Resolv(ing|ed) connection token|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost)/;
const SUITE_TIMEOUT_MS = Number(process.env.TCP_CHAT_SUITE_TIMEOUT_MS ?? 10 * 60_000);

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
      extensionEnv: process.env.TCP_CHAT_TEST_GREP ? { TCP_CHAT_TEST_GREP: process.env.TCP_CHAT_TEST_GREP } : undefined,
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

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[integration] ${error.stack ?? error}`);
    process.exit(1);
  },
);

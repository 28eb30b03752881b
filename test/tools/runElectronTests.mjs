// The standard desktop path: @vscode/test-electron downloads VS Code (needs internet: update.code.visualstudio.com)
// into .vscode-test/, then runs the same extension-host suite (out/test/integration/index.js) in it. Offline
// machines and this project's CI use test/tools/runExtensionTests.mjs (code-server) instead.
// On a Linux machine without a display run it under xvfb-run.
import { runTests } from '@vscode/test-electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeScratch } from './offlineEditor.mjs';
import { repoRoot } from './paths.mjs';

const suite = join(repoRoot, 'out', 'test', 'integration', 'index.js');
if (!existsSync(suite)) {
  console.error(`${suite} is missing: run \`node esbuild.mjs --tests\` first.`);
  process.exit(1);
}
const scratch = makeScratch('electron');
try {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: suite,
    extensionTestsEnv: process.env.TCP_CHAT_TEST_GREP
      ? { TCP_CHAT_TEST_GREP: process.env.TCP_CHAT_TEST_GREP }
      : undefined,
    // A fresh workspace folder (the chat logs land there) and a throw-away profile: nothing in the home directory.
    launchArgs: [
      scratch.workspace,
      '--disable-extensions',
      '--user-data-dir',
      scratch['user-data'],
      '--extensions-dir',
      scratch.extensions,
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-workspace-trust',
    ],
  });
} catch (error) {
  console.error(`[electron] ${error?.message ?? error}`);
  if (/ENOTFOUND|getaddrinfo|ECONNREFUSED|ETIMEDOUT/.test(String(error))) {
    console.error(
      '[electron] VS Code could not be downloaded (no internet?). Offline, use `npm run test:integration` (code-server).',
    );
  }
  process.exit(1);
}

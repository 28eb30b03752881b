// Entry point of the extension-host suite (the `extensionTestsPath` module): VS Code calls run() inside the
// extension host — desktop VS Code via @vscode/test-electron, or code-server offline (test/tools/runExtensionTests.mjs).
// esbuild bundles each *.test.ts separately next to this file in out/test/integration/, so load those.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, slow: 5000 });
  const grep = process.env.TCP_CHAT_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  if (!files.length) return Promise.reject(new Error(`No compiled *.test.js files next to ${__filename}`));
  for (const name of files) mocha.addFile(join(__dirname, name));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed.`));
        else resolve();
      });
    } catch (error) {
      reject(error);
    }
  });
}

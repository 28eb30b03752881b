// `npm start`: builds, then opens VS Code with this extension loaded.
//   - desktop VS Code when `code` is on PATH: `code --extensionDevelopmentPath=<repo> <folder>`;
//   - otherwise the offline editor (code-server, installed on first use into .vscode-test/), printing the URL to
//     open in a browser, and running until Ctrl+C.
// Folder: the first argument (`npm start -- ~/my-project`), else .vscode-test/playground/ (chat logs land there).
// Port of the offline editor: TCP_CHAT_EDITOR_PORT, else a free one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { launchCodeServer } from './offlineEditor.mjs';
import { cacheDir, repoRoot } from './paths.mjs';

const build = spawnSync(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const folder = resolve(process.argv[2] ?? join(cacheDir, 'playground'));
mkdirSync(folder, { recursive: true });

const codeOnPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'code')));
if (codeOnPath && !process.env.TCP_CHAT_OFFLINE_EDITOR) {
  console.log(`Opening VS Code with the extension loaded (folder ${folder})…`);
  const result = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, folder], { stdio: 'inherit' });
  process.exit(result.status ?? 0);
}

const port = process.env.TCP_CHAT_EDITOR_PORT ? Number(process.env.TCP_CHAT_EDITOR_PORT) : undefined;
const editor = await launchCodeServer({ folder, port, extensionDevelopmentPath: repoRoot, readyTimeoutMs: 120_000 });
console.log(
  `\nVS Code (code-server) is running with TCP Chat loaded. Open this URL in a browser on this machine:\n\n  ${editor.url}\n`,
);
console.log('Then press F1 and type "TCP Chat". Press Ctrl+C here to stop the editor.');
// Ctrl+C / SIGTERM: processes.mjs kills the editor's process group by PID and exits.
setInterval(() => {}, 60_000); // keep running until a signal

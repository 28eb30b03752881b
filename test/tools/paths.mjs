// Where the test tools keep things: the repository root, and the ignored cache .vscode-test/ that holds
// everything they install or write (never the home directory).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = join(repoRoot, '.vscode-test');

/** Creates `path` (and its parents) if missing; returns it. */
export function ensureDir(path) {
  mkdirSync(path, { recursive: true });
  return path;
}

// Extension cost: bundle sizes as shipped (minified, like `npm run package`) and activation time of
// dist/extension.js in fresh Node processes with a stand-in 'vscode' (bench/activationProbe.cjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { build } from 'esbuild';
import { fmt, printTable, type Cell } from './lib/table';

const RUNS = 10;
const PROD_DIR = 'out/bench/prod';

/** The three shipped bundles, minified as `node esbuild.mjs --production` does (same entry points, into out/). */
async function productionBundles(): Promise<Record<string, number>> {
  mkdirSync(PROD_DIR, { recursive: true });
  const common = { bundle: true, minify: true, sourcemap: false, logLevel: 'warning' as const };
  await Promise.all([
    build({
      ...common,
      entryPoints: ['src/vscode/extension.ts'],
      outfile: `${PROD_DIR}/extension.js`,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    }),
    build({
      ...common,
      entryPoints: ['src/cli/main.ts'],
      outfile: `${PROD_DIR}/cli.js`,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    }),
    build({
      ...common,
      entryPoints: { webview: 'webview/main.ts', webviewHighlight: 'webview/highlightBundle.ts' },
      outdir: PROD_DIR,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      loader: { '.css': 'css' },
    }),
  ]);
  const size = (name: string) => statSync(`${PROD_DIR}/${name}`).size;
  return {
    'extension.js': size('extension.js'),
    'cli.js': size('cli.js'),
    'webview.js': size('webview.js'),
    'webview.css': size('webview.css'),
    // Code highlighting, loaded by the panel when the first code block shows.
    'webviewHighlight.js': size('webviewHighlight.js'),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function extensionBench(): Promise<string> {
  const sizes = await productionBundles();
  const requires: number[] = [];
  const activates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ['bench/activationProbe.cjs', `${PROD_DIR}/extension.js`], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      requireMs?: number;
      activateMs?: number;
      error?: string;
    };
    if (result.error || result.requireMs === undefined || result.activateMs === undefined)
      throw new Error(`activation probe failed: ${result.error ?? run.stderr}`);
    requires.push(result.requireMs);
    activates.push(result.activateMs);
  }
  const rows: Cell[][] = [
    ['activation: load dist/extension.js (median of 10 fresh processes)', `${fmt(median(requires), 1)} ms`],
    ['activation: activate() (stand-in vscode API)', `${fmt(median(activates), 2)} ms`],
    ['activation total (goal < 30 ms)', `${fmt(median(requires.map((r, i) => r + activates[i])), 1)} ms`],
    ...Object.entries(sizes).map(([name, bytes]): Cell[] => [
      `bundle ${name} (minified${name === 'extension.js' ? ', goal < 150 KB' : ''})`,
      `${fmt(bytes / 1024, 1)} KB`,
    ]),
  ];
  return printTable('Extension: activation and shipped bundle sizes', ['what', 'value'], rows);
}

// `npm run bench`: builds the product (dist/) and the bench (out/bench/), then runs the bench runner.
//   npm run bench                       every section
//   npm run bench -- --only plain,image  some sections (plain, native, client, image, tls, idle, scale, webview, extension, soak)
//   npm run bench -- --write            also rewrite the figures block in docs/BENCHMARKS.md
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';

// The same build as `npm run build` (dist/ is what the CLI and the webview bench load); the extension section
// makes its own minified copies under out/bench/prod for the shipped sizes.
const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

await esbuild.build({
  entryPoints: { main: 'bench/main.ts', serverProcess: 'bench/serverProcess.ts' },
  outdir: 'out/bench',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['playwright-core', 'esbuild', 'vscode'],
  logLevel: 'warning',
});

const run = spawnSync(process.execPath, ['--expose-gc', 'out/bench/main.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);

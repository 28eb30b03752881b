// The one build script (pattern: vscode-eslint esbuild.js / yo code template): every bundle in parallel.
//   node esbuild.mjs              dist/extension.js, dist/cli.js, dist/webview.js (+ dist/webview.css, codicon.ttf),
//                                 dist/webviewHighlight.js (code highlighting, loaded by the panel on demand)
//   node esbuild.mjs --production minified, no source maps
//   node esbuild.mjs --watch      rebuild on change
//   node esbuild.mjs --tests      also bundle test/**/*.test.ts (and the extension-host suite) into out/
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints errors in the `$esbuild-watch` problem-matcher format so VS Code tasks can pick them up. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

function testEntries(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testEntries(path);
    return /\.test\.ts$|^index\.ts$/.test(name) ? [path] : [];
  });
}

const configs = [
  {
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts', webviewHighlight: 'webview/highlightBundle.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // VS Code's icon font (@vscode/codicons, imported by webview/main.ts) lands beside the stylesheet as
    // dist/codicon.ttf; webview.css points at it relatively, so the webview loads it from dist (font-src).
    loader: { '.css': 'css', '.ttf': 'file' },
    assetNames: '[name]',
  },
];
if (tests) {
  const entryPoints = [...testEntries('test/unit'), ...testEntries('test/integration')];
  if (entryPoints.length) {
    configs.push({
      ...common,
      minify: false,
      sourcemap: true,
      entryPoints,
      outbase: 'test',
      outdir: 'out/test',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha', 'playwright-core', 'eslint'],
    });
  }
}

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}

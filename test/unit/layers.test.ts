// The layer rules in eslint.config.mjs (which folder may import what, docs/ARCHITECTURE.md) really refuse a
// wrong-way import: each case lints one line of code as if it stood in a file of that folder, through ESLint's
// Node API with the repository's own config. Run from the repository root (as `npm run test:unit` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
// ESLint is CommonJS and stays outside the test bundle (esbuild.mjs lists it as external).
import { ESLint } from 'eslint';

const repoRoot = process.cwd();
assert.ok(
  fs.existsSync(path.join(repoRoot, 'eslint.config.mjs')),
  `run the tests from the repository root (no eslint.config.mjs in ${repoRoot})`,
);
const eslint = new ESLint({ cwd: repoRoot });

/** The problems ESLint reports for `import … from specifier` in a file at `filePath` (relative to the root). */
async function lintImport(filePath: string, specifier: string): Promise<ESLint.LintResult['messages']> {
  const code = `import * as imported from '${specifier}';\nexport default imported;\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return result.messages;
}

const refused: Array<[file: string, specifier: string, why: string]> = [
  ['src/chat/server/x.ts', 'vscode', 'the engine is pure Node'],
  ['src/chat/server/x.ts', '../client/chatClient', 'server/ never imports client/'],
  ['src/chat/client/x.ts', '../server/chatServer', 'client/ never imports server/'],
  ['src/chat/core/x.ts', '../wire/frameWriter', 'core/ imports nothing else of the engine'],
  ['src/chat/wire/x.ts', '../server/room', 'wire/ imports only core/'],
  ['src/chat/discovery/x.ts', '../server/chatServer', 'discovery/ imports only core/ and wire/'],
  ['src/chat/discovery/x.ts', '../client/chatClient', 'discovery/ imports only core/ and wire/'],
  ['src/cli/x.ts', '../chat/discovery/advertiser', 'the CLI uses the engine only through src/chat/index.ts'],
  ['src/chat/wire/x.ts', '../tls/tunnel', 'wire/ imports only core/'],
  ['src/chat/files/x.ts', '../server/room', 'files/ imports only core/ and wire/'],
  ['src/chat/files/x.ts', '../client/chatClient', 'files/ imports only core/ and wire/'],
  ['src/chat/core/x.ts', '../tls/certificate', 'core/ imports nothing else of the engine'],
  ['src/chat/tls/x.ts', '../client/chatClient', 'tls/ imports only core/ and wire/'],
  ['src/chat/tls/x.ts', '../server/room', 'tls/ imports only core/ and wire/'],
  ['src/chat/tls/x.ts', 'vscode', 'the engine is pure Node'],
  ['src/cli/x.ts', '../chat/tls/knownHosts', 'the CLI uses the engine only through src/chat/index.ts'],
  ['src/vscode/x.ts', '../chat/server/chatServer', 'the extension uses the engine only through src/chat/index.ts'],
  ['webview/x.ts', 'node:fs', 'the webview runs in a browser'],
  ['webview/x.ts', '../src/chat', 'the webview talks to the host only through src/webviewApi.ts'],
  ['webview/x.ts', '../src/webviewApi/guard', 'the webview imports the contract through src/webviewApi.ts'],
  ['src/vscode/x.ts', '../webviewApi/views', 'the extension imports the contract through src/webviewApi.ts'],
  ['src/webviewApi.ts', './chat', 'the contract imports only its own files'],
  ['src/webviewApi/guard.ts', '../chat/core/errors', 'the contract imports only its own files'],
];

for (const [file, specifier, why] of refused) {
  test(`layers: ${file} importing '${specifier}' is refused (${why})`, async () => {
    const messages = await lintImport(file, specifier);
    const summary = JSON.stringify(messages.map((m) => `${m.ruleId}: ${m.message}`));
    assert.ok(
      messages.some((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2),
      `expected a no-restricted-imports error, got ${summary}`,
    );
    assert.ok(
      messages.every((m) => m.ruleId === 'no-restricted-imports'),
      `only the layer rule should complain, got ${summary}`,
    );
  });
}

const allowed: Array<[file: string, specifier: string, why: string]> = [
  ['src/vscode/x.ts', '../chat', 'the engine’s public surface'],
  ['src/chat/discovery/x.ts', '../core/errors', 'discovery/ may use core/'],
  ['src/chat/discovery/x.ts', '../wire/handshake', 'discovery/ may use wire/ (the protocol version)'],
  ['src/chat/tls/x.ts', '../wire/handshake', 'tls/ builds on the codec'],
  ['src/chat/server/x.ts', '../tls/tunnel', 'the server wraps sockets in TLS'],
  ['src/chat/client/x.ts', '../tls/trust', 'the client checks fingerprints'],
  ['webview/x.ts', '../src/webviewApi', 'the host↔webview contract'],
  ['src/webviewApi.ts', './webviewApi/views', 'the contract is one entry and its own files'],
  ['src/webviewApi/guard.ts', '../webviewApi', 'the guard names the messages it checks'],
];

for (const [file, specifier, why] of allowed) {
  test(`layers: ${file} importing '${specifier}' passes (${why})`, async () => {
    assert.deepEqual(
      (await lintImport(file, specifier)).map((m) => `${m.ruleId}: ${m.message}`),
      [],
    );
  });
}

// Lint: typescript-eslint's recommended rules plus the house's layer rules (docs/ARCHITECTURE.md), so a wrong-way
// import fails `npm test`. Formatting is Prettier's job (`npm run format:check`), not ESLint's.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** One layer rule: imports whose specifier matches `regex` are refused in `files`, with `message`. */
function layer(files, rules) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }],
    },
  };
}

const noVscode = ['^vscode$|(^|/)vscode(/|$)', 'The engine is pure Node: only src/vscode/ imports vscode.'];
const noUpwards = ['(^|/)(cli|webview|webviewApi)(/|$)', 'The engine never imports its hosts (cli, webview).'];
const noIndexInside = [
  '^\\.\\.(/\\.\\.)*(/index)?$',
  'Inside the engine import the module itself; index.ts is for outside.',
];
const engineOnlyByIndex = [
  '(^|/)chat/(core|wire|tls|files|server|client|session|discovery)(/|$)',
  'Outside src/chat import the engine only through its public surface, src/chat/index.ts.',
];
const nodeBuiltins = [
  `^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?$`,
  'The webview runs in a browser: no Node built-ins.',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-control-regex': 'off', // escaping control characters is what the format helpers are for
    },
  },
  {
    // page.evaluate() callbacks in the e2e and bench run inside the browser.
    files: ['webview/**/*.ts', 'test/e2e/**', 'test/tools/**', 'bench/**'],
    languageOptions: { globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The layers. Each folder lists what it must never import.
  layer(['src/chat/**/*.ts'], [noVscode, noUpwards]),
  layer(
    ['src/chat/core/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      ['^(\\.\\./)+(wire|tls|server|client|session)(/|$)', 'core/ imports nothing else of the engine.'],
    ],
  ),
  layer(
    ['src/chat/wire/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      ['^(\\.\\./)+(tls|server|client|session)(/|$)', 'wire/ is the codec: it imports only core/.'],
    ],
  ),
  layer(
    ['src/chat/tls/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      ['^(\\.\\./)+(server|client|session)(/|$)', 'tls/ (certificates, trust, tunnels) imports only core/ and wire/.'],
    ],
  ),
  layer(
    ['src/chat/files/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      [
        '^(\\.\\./)+(tls|server|client|session|discovery)(/|$)',
        'files/ (reading and writing transferred files) imports only core/ and wire/.',
      ],
    ],
  ),
  layer(
    ['src/chat/server/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      ['^(\\.\\./)+(client|session)(/|$)', 'server/ never imports client/ or session/.'],
    ],
  ),
  layer(
    ['src/chat/client/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      ['^(\\.\\./)+(server|session)(/|$)', 'client/ never imports server/ or session/.'],
    ],
  ),
  layer(
    ['src/chat/session/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      [
        '^(\\.\\./)+(server|client|tls)(/|$)',
        'session/ works on any ChatEndpoint: it never imports server/, client/ or tls/.',
      ],
    ],
  ),
  layer(
    ['src/chat/discovery/**/*.ts'],
    [
      noVscode,
      noUpwards,
      noIndexInside,
      [
        '^(\\.\\./)+(server|client|session)(/|$)',
        'discovery/ takes a plain description of the room: it imports only core/ and wire/.',
      ],
    ],
  ),
  layer(
    ['src/vscode/**/*.ts', 'bench/**/*.ts'],
    [engineOnlyByIndex, ['(^|/)webviewApi/', 'Import the host↔webview contract through src/webviewApi.ts.']],
  ),
  layer(['src/cli/**/*.ts'], [engineOnlyByIndex, noVscode]),
  layer(
    ['src/webviewApi.ts'],
    [
      [
        '^(?!\\./webviewApi/[A-Za-z]+$)',
        'The contract is self-contained: it imports only its files in src/webviewApi/.',
      ],
    ],
  ),
  layer(
    ['src/webviewApi/**/*.ts'],
    [['^(?!\\.\\./webviewApi$|\\./[A-Za-z]+$)', 'The contract is self-contained: it imports only its own files.']],
  ),
  layer(
    ['webview/**/*.ts'],
    [
      nodeBuiltins,
      ['(^|/)src/(?!webviewApi$)', 'The webview talks to the host only through src/webviewApi.ts.'],
      ['^vscode$', 'The webview cannot import vscode; it talks to the host through src/webviewApi.ts.'],
    ],
  ),
);

// Runs in a fresh Node process: loads a built dist/extension.js with a stand-in 'vscode' module and times
// require() + activate(). Prints one JSON line. The stand-in answers every API call with another stand-in,
// so this measures our own module evaluation and activation work, not VS Code's.
//   node bench/activationProbe.cjs path/to/extension.js
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

function standIn(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_, key) {
      if (key === 'then') return undefined; // not a promise
      if (key === Symbol.toPrimitive) return () => name;
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => undefined;
      return standIn(`${name}.${String(key)}`);
    },
    set() {
      return true; // item.text = …, item.name = …: accepted and forgotten
    },
    apply() {
      return standIn(`${name}()`);
    },
    construct() {
      return standIn(`new ${name}`);
    },
  });
}

// A plain object (esbuild's interop copies own properties), every namespace a stand-in.
const NAMESPACES = [
  'window',
  'commands',
  'workspace',
  'env',
  'extensions',
  'languages',
  'l10n',
  'Uri',
  'Disposable',
  'EventEmitter',
  'StatusBarAlignment',
  'ThemeColor',
  'ThemeIcon',
  'ViewColumn',
  'ConfigurationTarget',
  'FileType',
  'ProgressLocation',
  'MarkdownString',
  'Position',
  'Range',
  'Selection',
  'RelativePattern',
  'TreeItem',
  'CancellationTokenSource',
];
const vscode = Object.fromEntries(NAMESPACES.map((name) => [name, standIn(`vscode.${name}`)]));
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return load.call(this, request, parent, isMain);
};

const file = require('node:path').resolve(process.argv[2]);
const context = {
  subscriptions: [],
  extensionUri: standIn('extensionUri'),
  extensionPath: process.cwd(),
  globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  secrets: {
    get: async () => undefined,
    store: async () => undefined,
    delete: async () => undefined,
    onDidChange: () => ({ dispose() {} }),
  },
  globalStorageUri: standIn('globalStorageUri'),
  storageUri: undefined,
  logUri: standIn('logUri'),
  extensionMode: 1,
  asAbsolutePath: (p) => p,
};

(async () => {
  const t0 = performance.now();
  const extension = require(file);
  const t1 = performance.now();
  await extension.activate(context);
  const t2 = performance.now();
  await extension.deactivate?.();
  process.stdout.write(
    `${JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, subscriptions: context.subscriptions.length })}\n`,
  );
})().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: String((error && error.stack) || error) })}\n`);
  process.exitCode = 1;
});

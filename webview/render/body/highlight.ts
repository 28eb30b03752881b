// Syntax highlighting with highlight.js: its core and only the common languages below (all of them would add
// ~900 KB). Built as its own script, dist/webviewHighlight.js (webview/highlightBundle.ts), which the panel
// loads when the first code block shows (highlighter.ts), so opening the chat does not parse it.
// highlight.js returns HTML; the panel never uses it: it takes the token tree highlight.js builds and
// highlighter.ts makes DOM nodes from it (text nodes, spans with our own class names), so a peer's code can
// never become markup, whatever the library does with it. No DOM here (unit-tested in Node).
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// prettier-ignore
const LANGUAGES = {
  bash, c, cpp, csharp, css, diff, go, java, javascript, json, markdown, python, rust, shell, sql, typescript, xml, yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

/** VS Code language ids (what Send Selection sends) that highlight.js knows under another name. */
const FROM_VSCODE: Record<string, string> = {
  typescriptreact: 'typescript',
  javascriptreact: 'javascript',
  shellscript: 'bash',
  html: 'xml',
  jsonc: 'json',
};
/** highlight.js names (of the registered languages) whose VS Code id differs, for Open in Editor. */
const TO_VSCODE: Record<string, string> = { bash: 'shellscript', shell: 'shellscript' };

/** The highlight.js language for a VS Code id or a fence word (`ts`, `py`, `sh` …); undefined when not bundled. */
export function highlightLanguage(language: string): string | undefined {
  const id = language.toLowerCase();
  const name = FROM_VSCODE[id] ?? id;
  const grammar = hljs.getLanguage(name);
  // The registered name the alias belongs to (`ts` → `typescript`).
  return grammar ? Object.keys(LANGUAGES).find((known) => hljs.getLanguage(known) === grammar) : undefined;
}

/** The VS Code language id for an untitled document (the host falls back to plain text for an unknown id). */
export function vscodeLanguage(language: string): string {
  const id = language.toLowerCase();
  if (id === '' || id in FROM_VSCODE) return id || 'plaintext';
  if (id === 'htm' || id === 'xhtml') return 'html';
  const name = highlightLanguage(id);
  return name ? (TO_VSCODE[name] ?? name) : id;
}

/** One node of highlight.js's token tree (its default emitter's `rootNode`). */
export interface TokenNode {
  scope?: string;
  children: (string | TokenNode)[];
}

/** Longer code is shown plain: highlighting is linear but not free, and a block this long is read in an editor. */
const MAX_HIGHLIGHT_CHARS = 20_000;
/** Token trees of recently shown blocks: scrolling re-renders rows, and highlighting once is enough. */
const cache = new Map<string, TokenNode | null>();
const CACHE_SIZE = 200;

/** highlight.js's token tree for the code, or null when the language is not bundled (shown plain). */
export function tokenTree(code: string, language: string): TokenNode | null {
  const name = highlightLanguage(language);
  if (!name || code.length > MAX_HIGHLIGHT_CHARS) return null;
  const key = `${name}\u0000${code}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let tree: TokenNode | null;
  try {
    const result = hljs.highlight(code, { language: name, ignoreIllegals: true });
    tree = (result._emitter as unknown as { rootNode?: TokenNode }).rootNode ?? null;
  } catch {
    tree = null; // shown plain
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, tree);
  return tree;
}

// Code blocks in the panel's main script: shows the code as plain text at once, loads the highlighting script
// (dist/webviewHighlight.js, see highlight.ts) the first time a block shows, then colours every block still on
// screen and every later one. The tokens become DOM nodes here: text nodes and spans whose class names are
// ours (code.css colours them), never HTML.
import type * as Highlight from './highlight';

type HighlightModule = typeof Highlight;

/** Where the highlighting script puts itself (webview/highlightBundle.ts). */
export const HIGHLIGHT_GLOBAL = 'tcpChatHighlight';

const globals = globalThis as unknown as Record<string, HighlightModule | undefined>;
/** The script tag that loaded us: its nonce lets the page's CSP run the second script, its address locates it. */
const ownScript = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null);
let loading = false;
/** Blocks shown before the script arrived, coloured when it does. */
const waiting = new Map<HTMLElement, { code: string; language: string }>();

/** Fills `target` with the code: tokens when the highlighter is here and knows the language, else plain text. */
export function fillCode(target: HTMLElement, code: string, language: string): void {
  const module = globals[HIGHLIGHT_GLOBAL];
  const tree = module?.tokenTree(code, language);
  if (tree) {
    target.replaceChildren(...tree.children.map(toNode));
    return;
  }
  target.textContent = code;
  if (!module && language) {
    waiting.set(target, { code, language });
    load();
  }
}

/** The VS Code language id for Open in Editor (the word as given until the highlighter has loaded). */
export function editorLanguage(language: string): string {
  return globals[HIGHLIGHT_GLOBAL]?.vscodeLanguage(language) ?? (language || 'plaintext');
}

function load(): void {
  if (loading || !ownScript?.src) return;
  loading = true;
  const script = document.createElement('script');
  script.nonce = ownScript.nonce;
  script.src = ownScript.src.replace(/webview\.js(?=$|[?#])/, 'webviewHighlight.js');
  script.addEventListener('load', () => {
    for (const [target, { code, language }] of waiting) if (target.isConnected) fillCode(target, code, language);
    waiting.clear();
  });
  document.head.append(script);
}

/** Token scopes we colour (content.css), by their first word: `title.function` → tok-title. Others get no class. */
const COLOURED = new Set([
  'keyword',
  'built_in',
  'type',
  'literal',
  'number',
  'string',
  'regexp',
  'symbol',
  'char',
  'comment',
  'quote',
  'doctag',
  'meta',
  'title',
  'attr',
  'attribute',
  'variable',
  'params',
  'property',
  'name',
  'selector-tag',
  'selector-class',
  'selector-id',
  'section',
  'bullet',
  'addition',
  'deletion',
  'emphasis',
  'strong',
]);

function toNode(part: string | Highlight.TokenNode): Node {
  if (typeof part === 'string') return document.createTextNode(part);
  const span = document.createElement('span');
  const scope = (part.scope ?? '').split(/[.\s]/)[0];
  if (COLOURED.has(scope)) span.className = `tok-${scope.replace('_', '-')}`;
  span.append(...part.children.map(toNode));
  return span;
}

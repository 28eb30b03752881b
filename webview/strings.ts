// The webview's UI text: every string a user sees or hears comes from the host's table (built with
// vscode.l10n.t, so it follows VS Code's display language). The webview never holds English of its own; it
// fills `{0}`-style placeholders, the same syntax vscode.l10n.t uses.
import type { WebviewStringKey, WebviewStrings } from '../src/webviewApi';

let table: WebviewStrings | undefined;

/** The host's table, from its first snapshot (the UI is built only once it is here). */
export function setStrings(strings: WebviewStrings): void {
  table = strings;
}

/** The text for `key` with `{0}`, `{1}`… replaced by `args`. */
export function t(key: WebviewStringKey, ...args: (string | number)[]): string {
  const template = table?.[key] ?? key;
  return fillPlaceholders(template, args);
}

/** `{N}` → args[N]; a placeholder with no argument stays as written. Pure, unit-tested. */
export function fillPlaceholders(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });
}

/** A count in a sentence: the host's message for one (`one`) or for any other count (`other`), `{0}` filled with
 *  `n` — the webview side of src/vscode/panel/l10n.ts `plural`, so the table carries both forms. */
export function plural(n: number, one: WebviewStringKey, other: WebviewStringKey): string {
  return t(n === 1 ? one : other, n);
}

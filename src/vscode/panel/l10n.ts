// The translator for the host's pure modules (viewModel.ts, webviewStrings.ts), which must not import 'vscode'
// so they are unit-tested in plain Node: they call `l10n.t(…)` from here, which is English with `{0}`
// placeholders filled until the extension hands in vscode.l10n (ChatController's constructor).

export interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** The source text with its placeholders filled, as vscode.l10n.t does when no translation is loaded. */
const english: L10n = {
  t: (message, ...args) =>
    message.replace(/\{(\d+)\}/g, (match, index: string) => {
      const value = args[Number(index)];
      return value === undefined ? match : String(value);
    }),
};

let current: L10n = english;

export const l10n: L10n = { t: (message, ...args) => current.t(message, ...args) };

/** Called once by the extension with vscode.l10n; none: back to English (tests). */
export function useL10n(translator?: L10n): void {
  current = translator ?? english;
}

/**
 * A count in a sentence: the whole message for one and the whole message for any other count, each written at
 * the call site as its own l10n.t call (so the bundle lists both and a translator words each), the way VS Code's
 * own code does: `n === 1 ? localize(…, "1 insertion") : localize(…, "{0} insertions", n)`.
 *   plural(n, l10n.t('1 seat'), l10n.t('{0} seats', n))
 */
export function plural(count: number, one: string, other: string): string {
  return count === 1 ? one : other;
}

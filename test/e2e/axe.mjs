// axe-core (Deque's accessibility rule engine) run inside the chat webview's own document, and the workbench's
// colour theme switched through the user settings, so the same audit covers light, dark and high-contrast looks.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runCommand, webviewDocument } from '../tools/browser.mjs';
import { waitFor } from '../tools/processes.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0/2.1 levels A and AA plus Deque's best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** The four built-in themes the audit covers: the workbench.colorTheme value, its label in the theme picker,
 *  and the theme's kind class on the webview's <body> (VS Code sets it). */
export const THEMES = [
  { name: 'Default Light Modern', label: 'Light Modern', bodyClass: 'vscode-light' },
  { name: 'Default Dark Modern', label: 'Dark Modern', bodyClass: 'vscode-dark' },
  { name: 'Default High Contrast', label: 'Dark High Contrast', bodyClass: 'vscode-high-contrast' },
  { name: 'Default High Contrast Light', label: 'Light High Contrast', bodyClass: 'vscode-high-contrast-light' },
];

/** Switches the workbench theme like a user (Preferences: Color Theme) and waits until the webview wears it. */
export async function useTheme(editor, theme, iframe) {
  const { page } = editor;
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget .quick-input-box input').fill(theme.label);
  const row = page.locator('.quick-input-widget .monaco-list-row', {
    has: page.getByText(theme.label, { exact: true }),
  });
  await row.first().click();
  await waitFor(
    async () => {
      const frame = await webviewDocument(editor.page, iframe);
      return frame.evaluate(
        ({ bodyClass }) =>
          document.body.classList.contains(bodyClass) &&
          (bodyClass !== 'vscode-high-contrast' || !document.body.classList.contains('vscode-high-contrast-light')),
        theme,
      );
    },
    { timeoutMs: 30_000, intervalMs: 500, what: `the chat webview to switch to ${theme.name}` },
  );
}

/** Runs axe in the webview document; returns the violations, each with its rule, impact and a few targets. */
export async function audit(page, iframe) {
  const frame = await webviewDocument(page, iframe);
  const loaded = await frame.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await frame.addScriptTag({ content: axeSource });
  const violations = await frame.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: [] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary.split('\n')[1] ?? ''}`),
    }));
  }, TAGS);
  return violations;
}

/** One readable block per violation, for the test output and the failure message. */
export function describeViolations(theme, violations) {
  if (violations.length === 0) return `${theme}: no violations`;
  const lines = [`${theme}: ${violations.length} violation(s)`];
  for (const v of violations) {
    lines.push(`  ${v.id} (${v.impact}, ${v.nodes} node(s)): ${v.help}`);
    for (const target of v.targets) lines.push(`    ${target.trim()}`);
  }
  return lines.join('\n');
}

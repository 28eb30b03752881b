// The ONE module that imports @vscode/webview-ui-toolkit (chosen for VS Code's look; archived upstream
// 2025-01-06). Everything else asks this file for buttons and badges, so swapping the toolkit
// for plain elements or another library is a change here only.
// The composer is a native <textarea> on purpose: vscode-text-area hides its <textarea> in a shadow root,
// which breaks image paste targets, Shift+Enter handling across IME composition and test selectors.
import { provideVSCodeDesignSystem, vsCodeButton } from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton());
}

export interface ButtonOptions {
  appearance?: 'primary' | 'secondary' | 'icon';
  testid?: string;
  /** The tooltip; screen readers read it as the button's description, after its name. */
  title?: string;
  /** The accessible name when the visible text is not enough ("Kick" → "Kick Ann", "✕" → "Remove the image"). It
   *  must start with the visible text (WCAG 2.5.3: speech users say what they see). */
  name?: string;
}

/** A toolkit button; the label is set as text. */
export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const node = document.createElement('vscode-button');
  node.textContent = label;
  node.setAttribute('appearance', options.appearance ?? 'primary');
  if (options.testid) node.dataset.testid = options.testid;
  if (options.title) node.title = options.title;
  if (options.name) node.setAttribute('aria-label', options.name);
  node.addEventListener('click', () => {
    if (!node.hasAttribute('disabled')) onClick();
  });
  return node;
}

export function setDisabled(node: HTMLElement, disabled: boolean): void {
  node.toggleAttribute('disabled', disabled);
}

/** A small count badge (e.g. people chatting / waiting). Not <vscode-badge>: its template carries an inline
 *  style attribute that our CSP (no 'unsafe-inline') blocks and reports; a span with the badge colours is
 *  what it draws anyway. */
export function badge(text: string, testid?: string): HTMLElement {
  const node = document.createElement('span');
  node.className = 'count-badge';
  node.textContent = text;
  if (testid) node.dataset.testid = testid;
  return node;
}

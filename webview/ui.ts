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

/** A codicon glyph (VS Code's icon font, shipped in dist/ by esbuild.mjs); decorative unless given a label. */
export function codicon(name: string): HTMLElement {
  const node = document.createElement('span');
  node.className = `codicon codicon-${name}`;
  node.setAttribute('aria-hidden', 'true');
  return node;
}

/** A small icon-only button (the roster's per-member actions). A native <button>: no shadow root, so focus can
 *  be found and put back after a re-render. `name` is the accessible name and the tooltip ("Kick Bob"). */
export function iconButton(
  icon: string,
  name: string,
  onClick: () => void,
  options: { testid?: string; action?: string } = {},
): HTMLButtonElement {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = 'icon-button';
  node.title = name;
  node.setAttribute('aria-label', name);
  if (options.testid) node.dataset.testid = options.testid;
  if (options.action) node.dataset.action = options.action;
  node.append(codicon(icon));
  node.addEventListener('click', onClick);
  return node;
}

/** A status icon with its text alternative (read by screen readers, shown as the tooltip). */
export function statusIcon(icon: string, label: string, testid?: string): HTMLElement {
  const node = codicon(icon);
  node.classList.add('status-icon');
  node.removeAttribute('aria-hidden');
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', label);
  node.title = label;
  if (testid) node.dataset.testid = testid;
  return node;
}

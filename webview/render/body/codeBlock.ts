// One code block in a message (Send Selection, or ``` fenced in a text message): a label (language, and the
// sender's `file:line` as a link that opens that file in this workspace), Copy and Open in Editor, and the code
// highlighted. Every peer string enters as text (highlighter.ts builds the tokens as DOM nodes).
import { workspaceRelativePath } from '../../../src/webviewApi';
import { button } from '../../ui';
import { el } from '../dom';
import { t } from '../../strings';
import { linkLike, postFromBody } from './actions';
import { editorLanguage, fillCode } from './highlighter';

export interface CodeBlockView {
  code: string;
  /** A VS Code language id or a fence word; '' when none was given. */
  language: string;
  file?: string;
  line?: number;
}

/** How long Copy says "Copied" before it reads Copy again. */
const COPIED_MS = 1500;

export function renderCodeBlock(view: CodeBlockView): HTMLElement {
  const block = el('div', 'code');
  block.dataset.testid = 'code-block';
  block.dataset.language = view.language || 'text';
  const head = el('div', 'code-head');
  const label = el('span', 'code-label', view.language || 'text');
  if (view.file) {
    const where = `${view.file}${view.line ? `:${view.line}` : ''}`;
    label.append(' · ', fileLabel(view.file, where, view.line));
  }
  const copy = button(t('codeCopy'), () => void copyCode(copy, view.code), {
    appearance: 'secondary',
    testid: 'code-copy',
    title: t('codeCopyTitle'),
  });
  const open = button(t('codeOpen'), () => openInEditor(view), {
    appearance: 'secondary',
    testid: 'code-open',
    title: t('codeOpenTitle'),
  });
  const actions = el('span', 'code-actions');
  actions.append(copy, open);
  head.append(label, actions);
  const pre = el('pre');
  const code = el('code', 'searchable');
  fillCode(code, view.code, view.language);
  pre.append(code);
  block.append(head, pre);
  return block;
}

/** The sender's file:line: a link when it can name a file in a workspace (a relative path), else plain text. */
function fileLabel(file: string, where: string, line: number | undefined): HTMLElement {
  const path = workspaceRelativePath(file);
  if (!path) return el('span', 'code-file-text', where);
  const link = linkLike(el('a', 'code-file', where), () =>
    postFromBody(line ? { type: 'openFile', path, line } : { type: 'openFile', path }),
  );
  link.dataset.testid = 'code-file';
  link.title = t('codeFileTitle', where);
  return link;
}

function openInEditor(view: CodeBlockView): void {
  postFromBody({ type: 'openCode', language: editorLanguage(view.language), content: view.code });
}

async function copyCode(copy: HTMLElement, code: string): Promise<void> {
  const done = (label: string): void => {
    copy.textContent = label;
    setTimeout(() => (copy.textContent = t('codeCopy')), COPIED_MS);
  };
  try {
    await navigator.clipboard.writeText(code);
    done(t('codeCopied'));
  } catch {
    // No clipboard permission in this frame: the older selection-based copy still works in webviews.
    if (copyBySelection(code)) return done(t('codeCopied'));
    done(t('codeCopyFailed'));
    postFromBody({ type: 'error', text: t('codeCopyUnavailable') });
  }
}

function copyBySelection(code: string): boolean {
  const area = el('textarea', 'visually-hidden');
  area.value = code;
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

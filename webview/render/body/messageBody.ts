// What a message says, as DOM: a code message is one highlighted block; a text message is its text with web
// links made clickable and ``` fenced blocks highlighted. Nothing else a peer writes is interpreted. Each
// searchable piece (a text part, a block's code) is one `.searchable` element whose text is exactly that piece,
// in the order search.ts lists them, so search can find its matches in the DOM.
import type { MessageView } from '../../../src/webviewApi';
import { el } from '../dom';
import { t } from '../../strings';
import { linkLike, postFromBody } from './actions';
import { renderCodeBlock } from './codeBlock';
import { splitFences } from './fences';
import { splitLinks } from './linkify';

export function renderBody(msg: MessageView): HTMLElement | undefined {
  if (msg.code) return renderCodeBlock({ code: msg.text, ...msg.code });
  if (!msg.text) return undefined;
  const body = el('div', 'text');
  for (const part of splitFences(msg.text)) {
    body.append(
      part.kind === 'code' ? renderCodeBlock({ code: part.code, language: part.language }) : linked(part.text),
    );
  }
  return body;
}

/** Text with its http(s) links as link elements (the host opens them through VS Code, which asks first). */
function linked(text: string): HTMLElement {
  const piece = el('span', 'searchable');
  for (const part of splitLinks(text)) {
    if (part.kind === 'text') {
      piece.append(part.text);
      continue;
    }
    const link = linkLike(el('a', 'link', part.text), () => postFromBody({ type: 'openLink', url: part.url }));
    link.dataset.testid = 'link';
    link.title = t('linkTitle', new URL(part.url).href);
    piece.append(link);
  }
  return piece;
}

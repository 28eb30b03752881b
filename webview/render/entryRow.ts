// One chat row in the DOM. Every string from a peer goes in through textContent (el()), never as HTML.
import type { EntryView, MessageView, NoticeView, PeerView } from '../../src/webviewApi';
import { nameColorClass } from './nameColor';

/** Creates an element with classes and (text-only) content. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface RowOptions {
  /** The host sees peers' ip:port next to their names. */
  showAddresses: boolean;
}

export function renderEntry(entry: EntryView, options: RowOptions): HTMLElement {
  return entry.entry === 'message' ? renderMessage(entry, options) : renderNotice(entry);
}

function renderNotice(notice: NoticeView): HTMLElement {
  const row = el('div', `row notice notice-${notice.level}`);
  row.dataset.testid = 'message';
  row.dataset.kind = notice.level;
  row.dataset.id = notice.id;
  row.append(el('span', 'time', `[${notice.time}] `), el('span', 'notice-text', notice.text));
  return row;
}

function peerLabel(peer: PeerView): HTMLElement {
  const name = el('span', `name ${nameColorClass(peer.name)}`, peer.name);
  name.title = peer.address === 'host' ? `${peer.name} (host)` : `${peer.name} (${peer.address})`;
  return name;
}

function renderMessage(msg: MessageView, options: RowOptions): HTMLElement {
  const row = el('div', msg.own ? 'row message own' : 'row message');
  row.dataset.testid = 'message';
  row.dataset.kind = msg.kind;
  row.dataset.id = msg.id;
  if (msg.own) row.dataset.own = 'true';

  const meta = el('div', 'meta');
  meta.append(el('span', 'time', `[${msg.time}]`), document.createTextNode(' '), peerLabel(msg.from));
  if (options.showAddresses && msg.from.address !== 'host')
    meta.append(el('span', 'address', ` (${msg.from.address})`));
  if (msg.from.kind === 'plain' && !msg.own) meta.append(el('span', 'tag', 'plain text'));
  if (msg.own) meta.append(el('span', 'tag', 'you'));
  if (msg.to) {
    meta.append(el('span', 'private', ' → '), peerLabel(msg.to), el('span', 'tag', 'private'));
  }
  row.append(meta);

  if (msg.code) {
    const where = msg.code.file ? `${msg.code.file}${msg.code.line ? `:${msg.code.line}` : ''}` : '';
    const block = el('div', 'code');
    block.append(el('div', 'code-label', [msg.code.language, where].filter(Boolean).join(' · ')));
    const pre = el('pre');
    pre.append(el('code', undefined, msg.text));
    block.append(pre);
    row.append(block);
  } else if (msg.text) {
    row.append(el('div', 'text', msg.text));
  }

  if (msg.image) {
    if (msg.image.uri) {
      const img = el('img', 'thumbnail');
      img.dataset.testid = 'thumbnail';
      img.dataset.id = msg.id;
      img.alt = `image from ${msg.from.name} (${msg.image.sizeText}) — click to open`;
      img.title = 'Open the full image in an editor tab';
      img.tabIndex = 0;
      img.setAttribute('role', 'button');
      img.loading = 'lazy';
      img.decoding = 'async';
      img.src = msg.image.uri;
      row.append(img);
    } else {
      row.append(
        el('div', 'image-missing', `[image ${msg.image.mime}, ${msg.image.sizeText} — not saved, see the log]`),
      );
    }
  }
  return row;
}

// One chat row in the DOM. Every string from a peer goes in through textContent (dom.ts's el()), never as HTML.
import type { EntryView, ImageView, MessageView, NoticeView, PeerView } from '../../../src/webviewApi';
import { t } from '../../strings';
import { el } from '../dom';
import { nameColorClass } from '../nameColor';
import { thumbnailSize } from './thumbnail';
import { renderBody } from '../body/messageBody';
import { renderFileCard, renderImageTransfers } from '../body/fileCard';

export interface RowOptions {
  /** The host sees peers' ip:port next to their names. */
  showAddresses: boolean;
}

/** `continues`: the row follows a message from the same sender (chatFlow.ts) and shows no header of its own. */
export function renderEntry(entry: EntryView, options: RowOptions, continues = false): HTMLElement {
  const row = entry.entry === 'message' ? renderMessage(entry, options, continues) : renderNotice(entry);
  if (entry.history) row.classList.add('history');
  return row;
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
  name.title = peer.address === 'host' ? t('rowPeerHost', peer.name) : t('rowPeerAddress', peer.name, peer.address);
  return name;
}

/** Time, sender, tags and the private recipient. A continuing row keeps it for screen readers only (the time
 *  shows on hover); an action reads "* alice waves", its text following on the same line. */
function messageHeader(msg: MessageView, options: RowOptions, continues: boolean): HTMLElement {
  const meta = el('div', continues ? 'meta visually-hidden' : 'meta');
  meta.append(el('span', 'time', `[${msg.time}]`), document.createTextNode(' '));
  if (msg.action) meta.append(el('span', 'action-star', '*'), document.createTextNode(' '));
  meta.append(peerLabel(msg.from));
  if (options.showAddresses && msg.from.address !== 'host')
    meta.append(el('span', 'address', ` (${msg.from.address})`));
  if (msg.from.kind === 'plain' && !msg.own) meta.append(el('span', 'tag', t('rowPlainText')));
  if (msg.own) meta.append(el('span', 'tag', t('rosterYou')));
  if (msg.to) {
    meta.append(el('span', 'private', ' → '), peerLabel(msg.to), el('span', 'tag', t('rowPrivate')));
  }
  return meta;
}

function renderMessage(msg: MessageView, options: RowOptions, continues: boolean): HTMLElement {
  const row = el('div', msg.own ? 'row message own' : 'row message');
  row.dataset.testid = 'message';
  row.dataset.kind = msg.kind;
  row.dataset.id = msg.id;
  if (msg.own) row.dataset.own = 'true';
  if (msg.action) row.classList.add('action');
  if (continues) {
    row.classList.add('continued');
    row.title = msg.time;
  }
  row.append(messageHeader(msg, options, continues));

  const body = renderBody(msg); // text with links and fenced code, or a code block (body/messageBody.ts)
  if (body) row.append(body);

  if (msg.file) row.append(renderFileCard(msg, msg.file));
  if (msg.image) {
    if (msg.image.uri) {
      row.append(renderImage(msg, msg.image, msg.image.uri));
    } else {
      row.append(el('div', 'image-missing', t('rowImageNotSaved', msg.image.mime, msg.image.sizeText)));
    }
  }
  const travel = renderImageTransfers(msg); // a received image still arriving, or mine being sent
  if (travel) row.append(travel);
  return row;
}

/** A saved image: a thumbnail at its declared size, or an "Open image" button when too large to decode inline. */
function renderImage(msg: MessageView, image: ImageView, uri: string): HTMLElement {
  const size = thumbnailSize(image);
  if (!size) {
    const pixels =
      image.width && image.height ? t('rowImagePixels', image.width, image.height) : t('rowImageSizeUnknown');
    const placeholder = el('div', 'image-missing', `${t('rowImageTooLarge', image.mime, image.sizeText, pixels)} `);
    placeholder.append(openButton(el('span', 'open-image', t('rowOpenImage')), msg.id, 'open-image'));
    return placeholder;
  }
  const img = openButton(el('img', 'thumbnail'), msg.id, 'thumbnail');
  img.alt = t('rowImageAlt', msg.from.name, image.sizeText);
  // The declared size scaled to the box, so the row has its height before the image loads.
  img.width = size.width;
  img.height = size.height;
  img.loading = 'lazy';
  img.decoding = 'async';
  img.src = uri;
  return img;
}

/** Makes `node` open image `id` on click, Enter or Space (the list listens for its data-testid). */
function openButton<T extends HTMLElement>(node: T, id: string, testid: 'thumbnail' | 'open-image'): T {
  node.dataset.testid = testid;
  node.dataset.id = id;
  node.title = t('rowOpenImageTitle');
  node.tabIndex = 0;
  node.setAttribute('role', 'button');
  return node;
}

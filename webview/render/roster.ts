// Who is chatting and the waiting queue (in order, with positions). The host sees each peer's ip:port
// and gets Admit/Kick buttons; a waiting client sees its own place in line in a banner.
import type { HeaderView, PeerView, RosterView, WebviewToHost } from '../../src/webviewApi';
import { badge, button } from '../ui';
import { el } from './entryRow';
import { nameColorClass } from './nameColor';

type Post = (message: WebviewToHost) => void;

function actions(...buttons: HTMLElement[]): HTMLElement {
  const box = el('span', 'peer-actions');
  box.append(...buttons);
  return box;
}

export class RosterPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly banner: HTMLElement,
    private readonly post: Post,
  ) {
    root.dataset.testid = 'roster';
    root.id = 'roster';
    root.setAttribute('aria-label', 'People');
    banner.dataset.testid = 'queue-position';
  }

  update(header: HeaderView, roster: RosterView): void {
    const isHost = header.role === 'server' && header.state !== 'closed';
    const selfId = header.self?.id;

    const waitingMe = header.role === 'client' && header.queuePosition !== null;
    this.banner.hidden = !waitingMe;
    this.banner.textContent = waitingMe
      ? `You are #${header.queuePosition} in line — you can chat once a seat frees up.`
      : '';

    if (header.role === 'none') {
      this.root.replaceChildren(el('div', 'roster-empty', 'Nobody here yet.'));
      return;
    }
    const seats = roster.seats === 0 ? 'room' : `${roster.seats} seat${roster.seats === 1 ? '' : 's'}`;
    const activeTitle = el('h2', 'roster-title', 'Chatting ');
    activeTitle.append(badge(String(roster.counts.chatting)), el('span', 'roster-seats', ` ${seats}`));
    const active = el('ul', 'roster-list');
    for (const peer of roster.active) {
      const item = this.peerItem(peer, isHost, selfId);
      if (isHost && peer.address !== 'host') {
        item.append(
          actions(
            button('Kick', () => this.post({ type: 'kick', peerId: peer.id }), {
              appearance: 'secondary',
              testid: 'kick',
              title: `Disconnect ${peer.name}`,
              name: `Kick ${peer.name}`,
            }),
          ),
        );
      }
      active.append(item);
    }

    const waitingTitle = el('h2', 'roster-title', 'Waiting ');
    waitingTitle.append(badge(String(roster.counts.waiting)));
    const waiting = el('ol', 'roster-list queue');
    roster.waiting.forEach((peer, index) => {
      const item = this.peerItem(peer, isHost, selfId, index + 1);
      item.dataset.testid = 'queue-entry';
      if (isHost) {
        item.append(
          actions(
            button('Admit', () => this.post({ type: 'admit', peerId: peer.id }), {
              appearance: 'secondary',
              testid: 'admit',
              title: `Give ${peer.name} a seat now`,
              name: `Admit ${peer.name}`,
            }),
            button('Kick', () => this.post({ type: 'kick', peerId: peer.id }), {
              appearance: 'secondary',
              testid: 'kick',
              title: `Disconnect ${peer.name}`,
              name: `Kick ${peer.name}`,
            }),
          ),
        );
      }
      waiting.append(item);
    });
    if (roster.waiting.length === 0) waiting.append(el('li', 'roster-none', 'nobody waiting'));

    const footer = isHost
      ? el('div', 'roster-connections', `${roster.connections} connection${roster.connections === 1 ? '' : 's'}`)
      : el('div');
    this.root.replaceChildren(activeTitle, active, waitingTitle, waiting, footer);
  }

  private peerItem(peer: PeerView, isHost: boolean, selfId: number | undefined, position?: number): HTMLLIElement {
    const item = el('li', 'peer');
    item.dataset.peerId = String(peer.id);
    if (position !== undefined) item.append(el('span', 'position', `#${position} `));
    item.append(el('span', `name ${nameColorClass(peer.name)}`, peer.name));
    if (peer.id === selfId) item.append(el('span', 'tag', 'you'));
    if (peer.kind === 'plain') item.append(el('span', 'tag', 'plain text'));
    if (isHost && peer.address !== 'host') item.append(el('span', 'address', peer.address));
    return item;
  }
}

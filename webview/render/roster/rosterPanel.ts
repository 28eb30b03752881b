// Who is chatting and the waiting queue (in order, with positions). Each member's actions are icon buttons,
// shown on hover and on keyboard focus: Message privately (everyone), Admit / Kick / Ban (the host). Status
// icons say who is away, who is on a plain-text connection (nc) and whose link is encrypted. A waiting client
// sees its own place in line in a banner. Focus stays on the same member's button across roster updates.
import type { HeaderView, PeerView, RosterView, WebviewToHost } from '../../../src/webviewApi';
import { plural, t } from '../../strings';
import { badge, iconButton, statusIcon } from '../../ui';
import { el } from '../dom';
import { nameColorClass } from '../nameColor';
import { privateMessagePrefix } from '../draftText';

type Post = (message: WebviewToHost) => void;

/** Where keyboard focus was inside the roster: which member, which action. */
interface RosterFocus {
  peerId: string;
  action: string | undefined;
}

export class RosterPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly banner: HTMLElement,
    private readonly post: Post,
    /** Message privately: the composer gets `/msg name ` and focus. */
    private readonly onMessagePrivately: (prefix: string) => void,
  ) {
    root.dataset.testid = 'roster';
    root.id = 'roster';
    root.setAttribute('aria-label', t('rosterLabel'));
    banner.dataset.testid = 'queue-position';
  }

  update(header: HeaderView, roster: RosterView): void {
    const isHost = header.role === 'server' && header.state !== 'closed';
    // Private messages need a seat: not while waiting in line, nor once the session ended.
    const canMessage = header.role !== 'none' && header.state !== 'closed' && header.queuePosition === null;
    const selfId = header.self?.id;

    const waitingMe = header.role === 'client' && header.queuePosition !== null;
    this.banner.hidden = !waitingMe;
    this.banner.textContent = waitingMe ? t('rosterQueueBanner', header.queuePosition ?? 0) : '';

    const focus = this.focusInside();
    if (header.role === 'none') {
      this.root.replaceChildren(el('div', 'roster-empty', t('rosterNobodyYet')));
      return;
    }
    const seats = roster.seats === 0 ? t('rosterRoom') : plural(roster.seats, 'rosterSeat', 'rosterSeats');
    const activeTitle = el('h2', 'roster-title', `${t('rosterChatting')} `);
    activeTitle.append(badge(String(roster.counts.chatting)), el('span', 'roster-seats', ` ${seats}`));
    const active = el('ul', 'roster-list');
    for (const peer of roster.active) {
      const item = this.peerItem(peer, isHost, selfId);
      const buttons: HTMLElement[] = [];
      if (canMessage && peer.id !== selfId) {
        buttons.push(
          iconButton(
            'mail',
            t('actionMessage', peer.name),
            () => this.onMessagePrivately(privateMessagePrefix(peer.name)),
            {
              testid: 'message-privately',
              action: 'message',
            },
          ),
        );
      }
      if (isHost && peer.address !== 'host') buttons.push(...this.hostButtons(peer, false));
      if (buttons.length) item.append(actions(buttons));
      active.append(item);
    }

    const waitingTitle = el('h2', 'roster-title', `${t('rosterWaiting')} `);
    waitingTitle.append(badge(String(roster.counts.waiting)));
    const waiting = el('ol', 'roster-list queue');
    roster.waiting.forEach((peer, index) => {
      const item = this.peerItem(peer, isHost, selfId, index + 1);
      item.dataset.testid = 'queue-entry';
      if (isHost) item.append(actions(this.hostButtons(peer, true)));
      waiting.append(item);
    });
    if (roster.waiting.length === 0) waiting.append(el('li', 'roster-none', t('rosterNobodyWaiting')));

    const footer = isHost
      ? el('div', 'roster-connections', plural(roster.connections, 'rosterConnection', 'rosterConnections'))
      : el('div');
    this.root.replaceChildren(activeTitle, active, waitingTitle, waiting, footer);
    this.restoreFocus(focus);
  }

  /** Admit (waiters only), Kick and Ban: the host's buttons for one member. */
  private hostButtons(peer: PeerView, waiting: boolean): HTMLElement[] {
    const buttons: HTMLElement[] = [];
    if (waiting) {
      buttons.push(
        iconButton('pass', t('actionAdmit', peer.name), () => this.post({ type: 'admit', peerId: peer.id }), {
          testid: 'admit',
          action: 'admit',
        }),
      );
    }
    buttons.push(
      iconButton('close', t('actionKick', peer.name), () => this.post({ type: 'kick', peerId: peer.id }), {
        testid: 'kick',
        action: 'kick',
      }),
      iconButton('circle-slash', t('actionBan', peer.name), () => this.post({ type: 'ban', peerId: peer.id }), {
        testid: 'ban',
        action: 'ban',
      }),
    );
    return buttons;
  }

  private peerItem(peer: PeerView, isHost: boolean, selfId: number | undefined, position?: number): HTMLLIElement {
    const item = el('li', 'peer');
    item.dataset.peerId = String(peer.id);
    if (position !== undefined) item.append(el('span', 'position', `${t('rosterPosition', position)} `));
    item.append(el('span', `name ${nameColorClass(peer.name)}`, peer.name));
    if (peer.id === selfId) item.append(el('span', 'tag', t('rosterYou')));
    for (const icon of statusIcons(peer)) item.append(icon);
    if (isHost && peer.address !== 'host') item.append(el('span', 'address', peer.address));
    return item;
  }

  private focusInside(): RosterFocus | undefined {
    const active = document.activeElement as HTMLElement | null;
    if (!active || !this.root.contains(active)) return undefined;
    const peerId = active.closest<HTMLElement>('[data-peer-id]')?.dataset.peerId;
    return peerId === undefined ? undefined : { peerId, action: active.dataset.action };
  }

  /** Back on the same member's same button; else another of their buttons; else the roster itself (never lost
   *  to the page). */
  private restoreFocus(focus: RosterFocus | undefined): void {
    if (!focus) return;
    const item = this.root.querySelector<HTMLElement>(`[data-peer-id="${CSS.escape(focus.peerId)}"]`);
    const target =
      (focus.action && item?.querySelector<HTMLElement>(`[data-action="${CSS.escape(focus.action)}"]`)) ||
      item?.querySelector<HTMLElement>('button') ||
      this.root;
    target.focus();
  }
}

function actions(buttons: HTMLElement[]): HTMLElement {
  const box = el('span', 'peer-actions');
  box.append(...buttons);
  return box;
}

/** Away (with the reason), plain text, encrypted / not encrypted (absent: the host itself, or unknown). */
function statusIcons(peer: PeerView): HTMLElement[] {
  const icons: HTMLElement[] = [];
  if (peer.away !== undefined) {
    const label = peer.away ? t('statusAwayReason', peer.away) : t('statusAway');
    icons.push(statusIcon('clock', label, 'status-away'));
  }
  if (peer.kind === 'plain') icons.push(statusIcon('terminal', t('statusPlain'), 'status-plain'));
  if (peer.encrypted === true) icons.push(statusIcon('lock', t('statusEncrypted'), 'status-encrypted'));
  if (peer.encrypted === false) icons.push(statusIcon('unlock', t('statusNotEncrypted'), 'status-not-encrypted'));
  return icons;
}

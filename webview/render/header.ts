// The header bar: role (the page's one heading), address, state, the room's topic, whether the link is encrypted
// (a lock with the certificate's fingerprint in its tooltip, or a clear "not encrypted" badge), Disconnect/Stop
// and Open Logs; Start/Connect buttons when idle; at narrow widths the roster chip.
import type { HeaderView, WebviewToHost } from '../../src/webviewApi';
import { t } from '../strings';
import { button, codicon } from '../ui';
import { el } from './dom';

type Post = (message: WebviewToHost) => void;

export class Header {
  private readonly role = el('h1', 'role');
  private readonly address = el('span', 'address');
  private readonly state = el('span', 'state');
  private readonly security = el('span', 'security');
  private readonly topic = el('div', 'topic');
  private readonly logNote = el('div', 'log-note');
  private readonly actions = el('span', 'actions');

  constructor(
    root: HTMLElement,
    private readonly post: Post,
    chip: HTMLElement,
  ) {
    root.dataset.testid = 'header';
    this.security.dataset.testid = 'encryption';
    this.topic.dataset.testid = 'topic';
    const info = el('div', 'header-info');
    info.append(this.role, this.address, this.state, this.security, chip);
    root.append(info, this.actions, this.topic, this.logNote);
  }

  update(header: HeaderView): void {
    this.role.textContent =
      header.role === 'server' ? t('headerServer') : header.role === 'client' ? t('headerClient') : t('chatTitle');
    const me = header.self ? t('headerAs', header.self.name) : '';
    const lan =
      header.role === 'server' && header.lanAddresses.length ? t('headerLan', header.lanAddresses.join(', ')) : '';
    this.address.textContent = header.address ? `${header.address}${me}${lan}` : '';
    this.state.textContent = header.role === 'none' ? t('headerNotConnected') : header.status;
    this.state.dataset.state = header.state;
    this.logNote.textContent = header.logNote ?? '';
    this.logNote.hidden = !header.logNote;
    this.showTopic(header.topic);
    this.showSecurity(header.encrypted, header.fingerprint);

    const live = header.role !== 'none' && header.state !== 'closed';
    const buttons: HTMLElement[] = [];
    if (live) {
      const label = header.role === 'server' ? t('headerStopServer') : t('headerDisconnect');
      buttons.push(button(label, () => this.post({ type: 'stop' }), { appearance: 'secondary', testid: 'stop' }));
    } else {
      buttons.push(
        button(t('headerStartServer'), () => this.post({ type: 'run', command: 'startServer' }), {
          appearance: 'secondary',
          testid: 'start-server',
        }),
        button(t('headerConnect'), () => this.post({ type: 'run', command: 'connect' }), {
          appearance: 'secondary',
          testid: 'connect',
        }),
      );
    }
    buttons.push(
      button(t('headerOpenLogs'), () => this.post({ type: 'openLogs' }), {
        appearance: 'secondary',
        testid: 'open-logs',
        title: t('headerOpenLogsTitle'),
      }),
    );
    this.actions.replaceChildren(...buttons);
  }

  /** The topic on a line of its own (peer text: textContent only); hidden when none. */
  private showTopic(topic: string | undefined): void {
    this.topic.hidden = !topic;
    if (!topic) return this.topic.replaceChildren();
    this.topic.title = t('headerTopic', topic);
    this.topic.replaceChildren(el('span', 'visually-hidden', t('headerTopicLabel')), el('span', 'topic-text', topic));
  }

  /** A lock + "encrypted" (fingerprint in the tooltip and for screen readers), a "not encrypted" badge, or nothing
   *  when the host does not say (no session). */
  private showSecurity(encrypted: boolean | undefined, fingerprint: string | undefined): void {
    this.security.hidden = encrypted === undefined;
    this.security.classList.toggle('encrypted', encrypted === true);
    this.security.classList.toggle('not-encrypted', encrypted === false);
    this.security.dataset.encrypted = String(encrypted);
    if (encrypted === undefined) return this.security.replaceChildren();
    const words = encrypted ? t('headerEncrypted') : t('headerNotEncrypted');
    const detail = encrypted && fingerprint ? t('headerFingerprint', fingerprint) : '';
    this.security.title = detail ? `${words} — ${detail}` : words;
    const parts: Node[] = [codicon(encrypted ? 'lock' : 'unlock'), el('span', undefined, words)];
    if (detail) parts.push(el('span', 'visually-hidden', ` — ${detail}`));
    this.security.replaceChildren(...parts);
  }
}

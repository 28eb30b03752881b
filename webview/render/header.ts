// The header bar: role (the page's one heading), address, state, Disconnect/Stop and Open Logs; Start/Connect
// buttons when idle; at narrow widths the roster chip.
import type { HeaderView, WebviewToHost } from '../../src/webviewApi';
import { button } from '../ui';
import { el } from './entryRow';

type Post = (message: WebviewToHost) => void;

export class Header {
  private readonly role = el('h1', 'role');
  private readonly address = el('span', 'address');
  private readonly state = el('span', 'state');
  private readonly logNote = el('div', 'log-note');
  private readonly actions = el('span', 'actions');

  constructor(
    root: HTMLElement,
    private readonly post: Post,
    chip: HTMLElement,
  ) {
    root.dataset.testid = 'header';
    const info = el('div', 'header-info');
    info.append(this.role, this.address, this.state, chip);
    root.append(info, this.actions, this.logNote);
  }

  update(header: HeaderView): void {
    this.role.textContent = header.role === 'server' ? 'Server' : header.role === 'client' ? 'Client' : 'TCP Chat';
    const me = header.self ? ` as ${header.self.name}` : '';
    const lan =
      header.role === 'server' && header.lanAddresses.length ? ` — LAN: ${header.lanAddresses.join(', ')}` : '';
    this.address.textContent = header.address ? `${header.address}${me}${lan}` : '';
    this.state.textContent = header.role === 'none' ? 'not connected' : header.status;
    this.state.dataset.state = header.state;
    this.logNote.textContent = header.logNote ?? '';
    this.logNote.hidden = !header.logNote;

    const live = header.role !== 'none' && header.state !== 'closed';
    const buttons: HTMLElement[] = [];
    if (live) {
      const label = header.role === 'server' ? 'Stop Server' : 'Disconnect';
      buttons.push(button(label, () => this.post({ type: 'stop' }), { appearance: 'secondary', testid: 'stop' }));
    } else {
      buttons.push(
        button('Start Server', () => this.post({ type: 'run', command: 'startServer' }), {
          appearance: 'secondary',
          testid: 'start-server',
        }),
        button('Connect…', () => this.post({ type: 'run', command: 'connect' }), {
          appearance: 'secondary',
          testid: 'connect',
        }),
      );
    }
    buttons.push(
      button('Open Logs', () => this.post({ type: 'openLogs' }), {
        appearance: 'secondary',
        testid: 'open-logs',
        title: 'Reveal the log folder and open the current log',
      }),
    );
    this.actions.replaceChildren(...buttons);
  }
}

// Narrow widths (the side bar, ≤ 400 px): the roster column gives its room to the messages and folds into a
// header chip ("3 chatting · 2 waiting", the host's one count) that opens it as an overlay. Escape or a click
// elsewhere closes it and gives focus back to the chip. styles/layout.css decides when the chip shows; wide layouts
// ignore the open state.
import type { RosterCounts } from '../../../src/webviewApi';
import { el } from '../dom';
import { t } from '../../strings';

export class RosterChip {
  readonly button = el('button', 'roster-chip');
  private open = false;

  constructor(private readonly roster: HTMLElement) {
    this.button.type = 'button';
    this.button.dataset.testid = 'roster-chip';
    this.button.setAttribute('aria-controls', roster.id);
    this.button.setAttribute('aria-expanded', 'false');
    this.button.hidden = true;
    this.button.addEventListener('click', () => this.setOpen(!this.open));
    roster.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.open) {
        event.preventDefault();
        this.setOpen(false);
        this.button.focus();
      }
    });
    document.addEventListener('pointerdown', (event) => {
      const target = event.target as Node;
      if (this.open && !roster.contains(target) && !this.button.contains(target)) this.setOpen(false);
    });
  }

  /** `counts` undefined: no session, nobody to show. */
  update(counts: RosterCounts | undefined): void {
    this.button.hidden = !counts;
    this.button.textContent = counts?.text ?? '';
    this.button.title = t('chipTitle');
    if (!counts) this.setOpen(false);
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.button.setAttribute('aria-expanded', String(open));
    this.roster.classList.toggle('open', open);
    if (open) this.roster.focus();
  }
}

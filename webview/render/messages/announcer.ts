// What screen readers say as the chat goes on: a polite role="log" live region that gets one line per entry that
// arrives while the chat is open. The replayed history (the snapshot when a surface opens or reloads, and the
// room's earlier messages replayed when we join, flagged `history`) never enters it, so opening the chat does not
// read the whole history aloud, and your own messages are not read back to you.
// It is visually hidden: the message list beside it is what sighted users read.
import type { EntryView } from '../../../src/webviewApi';
import { el } from '../dom';
import { t } from '../../strings';

/** Lines kept: enough for a screen reader to catch up on a burst, bounded for a long session. */
const KEEP = 20;

export function spokenLine(entry: EntryView): string {
  if (entry.entry === 'notice') return entry.text;
  const what =
    entry.text ||
    (entry.image ? t('spokenImage', entry.image.sizeText) : '') ||
    (entry.file ? t('spokenFile', entry.file.name, entry.file.sizeText) : '');
  if (entry.action) return `* ${entry.from.name} ${what}`;
  return entry.to
    ? t('spokenPrivate', entry.from.name, entry.to.name, what)
    : t('spokenMessage', entry.from.name, what);
}

export class Announcer {
  readonly root = el('div', 'visually-hidden');

  constructor() {
    this.root.setAttribute('role', 'log');
    this.root.setAttribute('aria-live', 'polite');
    this.root.setAttribute('aria-label', t('announcerLabel'));
    this.root.dataset.testid = 'announcer';
  }

  /** Entries that just arrived (never a snapshot's history). */
  announce(entries: readonly EntryView[]): void {
    const lines = entries
      .filter((e) => !e.history && (e.entry === 'notice' || (!e.own && !e.arriving)))
      .map((e) => el('div', undefined, spokenLine(e)));
    if (lines.length === 0) return;
    this.root.append(...lines.slice(-KEEP));
    while (this.root.childElementCount > KEEP) this.root.firstElementChild?.remove();
  }
}

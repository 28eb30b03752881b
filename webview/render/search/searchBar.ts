// The search box over the whole chat (Ctrl+F / Cmd+F in the panel). Typing finds the newest match (a chat is
// read from the bottom); Enter / F3 go to the next older one, Shift+Enter / Shift+F3 back to newer ones, both
// wrapping around; Escape closes it and gives focus back. The count ("3 of 17") is a polite live region, so
// screen readers hear it as it changes.
import { button } from '../../ui';
import type { EntryView } from '../../../src/webviewApi';
import { el } from '../dom';
import { t } from '../../strings';
import { ChatSearch } from './search';
import { SearchMarks } from './searchMarks';

/** What search needs from the message list. */
export interface SearchableList {
  readonly allEntries: readonly EntryView[];
  reveal(id: string): HTMLElement | undefined;
  /** The rows in the DOM (each entry is a block: its row plus dividers, so not simply the children). */
  shownRows(): readonly HTMLElement[];
}

/** Typing pauses this long before the whole chat is searched again. */
const TYPING_MS = 120;

export class SearchBar {
  readonly root = el('div', 'search-bar');
  private readonly input = el('input', 'composer-input search-input');
  private readonly count = el('span', 'search-count');
  private readonly search = new ChatSearch();
  private readonly marks: SearchMarks;
  private returnFocus: HTMLElement | null = null;
  private typing: ReturnType<typeof setTimeout> | undefined;
  /** How many entries the list held when last searched. */
  private searched = 0;

  constructor(
    private readonly list: SearchableList,
    rows: HTMLElement,
    private readonly fallbackFocus: () => void,
  ) {
    this.marks = new SearchMarks(rows, () => list.shownRows());
    this.root.hidden = true;
    this.root.setAttribute('role', 'search');
    this.input.type = 'text';
    this.input.placeholder = t('searchPlaceholder');
    this.input.setAttribute('aria-label', t('searchLabel'));
    this.input.dataset.testid = 'search';
    this.count.setAttribute('role', 'status');
    this.count.dataset.testid = 'search-count';
    const older = button('↑', () => this.step(-1), {
      appearance: 'icon',
      testid: 'search-previous',
      name: t('searchOlder'),
      title: t('searchOlderTitle'),
    });
    const newer = button('↓', () => this.step(1), {
      appearance: 'icon',
      testid: 'search-next',
      name: t('searchNewer'),
      title: t('searchNewerTitle'),
    });
    const close = button('✕', () => this.close(), {
      appearance: 'icon',
      testid: 'search-close',
      name: t('searchClose'),
      title: t('searchCloseTitle'),
    });
    this.root.append(this.input, this.count, older, newer, close);
    this.input.addEventListener('input', () => {
      clearTimeout(this.typing);
      this.typing = setTimeout(() => this.run(), TYPING_MS);
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.step(event.shiftKey ? 1 : -1);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      }
    });
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  open(): void {
    if (!this.isOpen) {
      const active = document.activeElement;
      this.returnFocus = active instanceof HTMLElement && active !== document.body ? active : null;
      this.root.hidden = false;
    }
    this.input.focus();
    this.input.select();
  }

  close(): void {
    if (!this.isOpen) return;
    clearTimeout(this.typing);
    this.typing = undefined;
    this.root.hidden = true;
    this.search.clear();
    this.count.textContent = '';
    this.marks.show(undefined);
    if (this.returnFocus?.isConnected) this.returnFocus.focus();
    else this.fallbackFocus();
    this.returnFocus = null;
  }

  /** The newer (1) or older (-1) match, also from anywhere in the panel (F3); while a query is still being typed,
   *  the search for it runs first. */
  step(direction: 1 | -1): void {
    if (this.typing !== undefined) return this.run();
    const match = this.search.step(direction);
    this.update();
    if (match) this.list.reveal(match.id);
  }

  /** New entries arrived (or a snapshot replaced them all: `reset`). */
  entriesChanged(entries: readonly EntryView[], reset: boolean): void {
    if (!this.isOpen || this.input.value === '') return;
    // The list drops its oldest entries past its memory bound: then the matches are found again.
    const trimmed = this.list.allEntries.length !== this.searched + entries.length;
    if (reset || trimmed) this.search.run(this.list.allEntries, this.input.value);
    else this.search.appended(entries);
    this.searched = this.list.allEntries.length;
    this.update();
  }

  /** Searches the whole chat for what is typed and shows the newest match. */
  private run(): void {
    clearTimeout(this.typing);
    this.typing = undefined;
    this.search.run(this.list.allEntries, this.input.value);
    this.searched = this.list.allEntries.length;
    const match = this.search.currentMatch;
    this.update();
    if (match) this.list.reveal(match.id);
  }

  private update(): void {
    this.count.textContent = this.search.label;
    this.root.classList.toggle('no-results', this.search.matchCount === 0);
    this.marks.show(this.search);
  }
}

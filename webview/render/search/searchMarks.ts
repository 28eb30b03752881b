// Colours the search's matches in the rows that are in the DOM, with the CSS Custom Highlight API (ranges over
// the rows' text: no element is added to a row, so a peer's text is never re-parsed) and outlines the row of
// the current match. Repainted whenever the list changes its rows (scrolling, new messages, a code block
// coloured late), at most once a frame.
import type { ChatSearch, Match } from './search';

const ALL = 'chat-search';
const CURRENT = 'chat-search-current';
const CURRENT_ROW = 'searchCurrent';

/** The Custom Highlight API where the browser has it (VS Code's Chromium does); otherwise only the row outline. */
const highlights = (globalThis as { CSS?: { highlights?: Map<string, unknown> } }).CSS?.highlights;
const HighlightClass = (globalThis as { Highlight?: new (...ranges: Range[]) => unknown }).Highlight;

export class SearchMarks {
  private search: ChatSearch | undefined;
  private byId = new Map<string, Match[]>();
  private pending = false;

  /** `container`: where the list puts its rows (watched for changes); `shownRows`: the rows in it now. */
  constructor(
    container: HTMLElement,
    private readonly shownRows: () => readonly HTMLElement[],
  ) {
    new MutationObserver(() => this.schedule()).observe(container, { childList: true, subtree: true });
  }

  /** The matches changed (a new query, new messages, another current match): repaint. */
  show(search: ChatSearch | undefined): void {
    this.search = search;
    this.byId = new Map();
    for (const match of search?.matches ?? []) {
      const list = this.byId.get(match.id);
      if (list) list.push(match);
      else this.byId.set(match.id, [match]);
    }
    this.paint();
  }

  private schedule(): void {
    if (this.pending || !this.search) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.paint();
    });
  }

  private paint(): void {
    const current = this.search?.currentMatch;
    const all: Range[] = [];
    const now: Range[] = [];
    for (const row of this.shownRows()) {
      const id = row.dataset.id;
      const matches = id === undefined ? undefined : this.byId.get(id);
      if (current?.id === id) row.dataset[CURRENT_ROW] = 'true';
      else delete row.dataset[CURRENT_ROW];
      if (!matches || !highlights) continue;
      const pieces = row.querySelectorAll<HTMLElement>('.searchable, .notice-text');
      for (const match of matches) {
        const piece = pieces[match.piece];
        const range = piece ? rangeIn(piece, match.start, match.end) : undefined;
        if (!range) continue;
        (match === current ? now : all).push(range);
      }
    }
    if (!highlights || !HighlightClass) return;
    highlights.set(ALL, new HighlightClass(...all));
    highlights.set(CURRENT, new HighlightClass(...now));
  }
}

/** The DOM range of characters [start, end) of `element`'s text (which may be split over links and tokens). */
function rangeIn(element: HTMLElement, start: number, end: number): Range | undefined {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let offset = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = (node as Text).length;
    if (!started && start < offset + length) {
      range.setStart(node, start - offset);
      started = true;
    }
    if (started && end <= offset + length) {
      range.setEnd(node, end - offset);
      return range;
    }
    offset += length;
  }
  return undefined;
}

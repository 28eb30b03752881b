// The scrolling message list: keeps every entry in memory, puts only a window of rows in the DOM
// (ListWindow), loads earlier/later rows as the user scrolls, and sticks to the bottom unless the user
// scrolled up. Each entry is one block in the DOM: its row plus the dividers above it (a new day, "earlier
// messages", "new messages"), decided by chatFlow.ts from the store, so windowing keeps them right.
import type { EntryView, TransferView } from '../../../src/webviewApi';
import { plural, t } from '../../strings';
import { ListWindow, type WindowChange } from './listWindow';
import { el } from '../dom';
import { renderEntry, type RowOptions } from './entryRow';
import { rowFlow, UnreadMarker } from './chatFlow';
import { updateTransferLine } from '../body/fileCard';
import { QuietWork } from './quietWork';

/** Memory bound for the in-panel store (the host's history holds 10,000 too). */
const STORE_LIMIT = 12_000;
const STORE_TRIM = 2_000;
/** Pixels from an edge that count as "at" it. */
const EDGE = 48;

export class MessageList {
  private entries: EntryView[] = [];
  private readonly window = new ListWindow(300, 100);
  private readonly rows: HTMLElement;
  private readonly earlierButton: HTMLButtonElement;
  private readonly emptyHint: HTMLElement;
  private adjusting = false;
  private scrollPending = false;
  /** Builds the rows block() left empty once the list is quiet. */
  private readonly quiet = new QuietWork((more) => this.fill(more));
  private readonly unread = new UnreadMarker();
  /** Ids of received images' placeholder rows: their message replaces them in place when it arrives. */
  private readonly arriving = new Set<string>();
  private readonly dayFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: 'full',
  }); // <html lang> is VS Code's display language (chatSurface.ts)
  options: RowOptions = { showAddresses: false };

  constructor(
    private readonly scroller: HTMLElement,
    private readonly jumpButton: HTMLButtonElement,
    private readonly onOpenImage: (id: string) => void,
  ) {
    this.earlierButton = el('button', 'load-earlier', t('listLoadEarlier'));
    this.earlierButton.type = 'button';
    this.earlierButton.hidden = true;
    this.earlierButton.addEventListener('click', () => this.apply(this.window.earlier(), 'top'));
    this.emptyHint = el('div', 'empty-hint');
    this.rows = el('div', 'rows');
    scroller.append(this.earlierButton, this.rows, this.emptyHint);
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Always drawn: the newest rows a view at the bottom can show, at their smallest (one line), and a few more.
    new ResizeObserver(([seen]) => {
      this.window.drawnTail = Math.ceil(seen.contentRect.height / 20) + 10;
    }).observe(scroller);
    jumpButton.addEventListener('click', () => this.jumpToEnd());
    const openThumbnail = (target: HTMLElement): boolean => {
      const opens = target.dataset.testid === 'thumbnail' || target.dataset.testid === 'open-image';
      if (!opens || !target.dataset.id) return false;
      this.onOpenImage(target.dataset.id);
      return true;
    };
    this.rows.addEventListener('click', (event) => openThumbnail(event.target as HTMLElement));
    this.rows.addEventListener('keydown', (event) => {
      if ((event.key === 'Enter' || event.key === ' ') && openThumbnail(event.target as HTMLElement))
        event.preventDefault();
    });
    // A thumbnail finishing loading grows the list: stay pinned to the bottom when following.
    this.rows.addEventListener(
      'load',
      () => {
        if (this.window.following) this.scrollToBottom();
      },
      true,
    );
  }

  get size(): number {
    return this.entries.length;
  }

  setEmptyHint(text: string): void {
    this.emptyHint.textContent = text;
    this.updateChrome();
  }

  /** `lastSeenId`: the newest entry the user saw before (the "new messages" divider goes after it). */
  replaceAll(entries: EntryView[], lastSeenId?: string): void {
    this.entries = entries.slice(-STORE_LIMIT);
    this.arriving.clear();
    for (const entry of this.entries) if (entry.entry === 'message' && entry.arriving) this.arriving.add(entry.id);
    this.unread.resume(this.entries, lastSeenId);
    this.apply(this.window.reset(this.entries.length), 'bottom');
    this.scrollToBottom();
  }

  /** The id of the newest entry, if any. */
  get newestId(): string | undefined {
    return this.entries.at(-1)?.id;
  }

  /** The surface is hidden or not focused: what arrives now is unread (the "new messages" divider). */
  setAway(away: boolean): void {
    this.unread.setAway(away);
  }

  append(incoming: EntryView[]): void {
    const entries = this.arriving.size ? incoming.filter((entry) => !this.replaceArriving(entry)) : incoming;
    for (const entry of entries) if (entry.entry === 'message' && entry.arriving) this.arriving.add(entry.id);
    if (entries.length === 0) return;
    const moved = this.unread.arrived(entries);
    this.entries.push(...entries);
    const wasFollowing = this.window.following;
    this.apply(this.window.append(entries.length), 'bottom');
    if (this.entries.length > STORE_LIMIT) {
      this.entries.splice(0, STORE_TRIM);
      this.apply(this.window.dropFront(STORE_TRIM), 'bottom');
    }
    for (const id of moved) this.redraw(id);
    if (wasFollowing) this.scrollToBottom();
  }

  /** A transfer moved on: its message's row shows it (in place for a progress step, so focus stays put). */
  updateTransfer(transfer: TransferView): void {
    const index = this.indexOf(transfer.messageId);
    const entry = this.entries[index];
    if (entry?.entry !== 'message') return;
    const transfers = [...(entry.transfers ?? [])];
    const known = transfers.findIndex((x) => x.id === transfer.id);
    if (known >= 0) transfers[known] = transfer;
    else transfers.push(transfer);
    this.entries[index] = { ...entry, transfers };
    const block = this.blockAt(index);
    if (!block || updateTransferLine(block, transfer)) return;
    this.redrawKeepingFocus(index, block);
  }

  /** Re-renders the visible rows (e.g. when the role changes and addresses appear). */
  rerender(): void {
    this.apply({ reset: true, removeTop: 0, removeBottom: 0, addTop: 0, addBottom: 0 }, 'bottom');
  }

  jumpToEnd(): void {
    this.apply(this.window.toEnd(), 'bottom');
    this.scrollToBottom();
  }

  /** Search: every entry held, not only the rows in the DOM. */
  get allEntries(): readonly EntryView[] {
    return this.entries;
  }

  /** Search: brings entry `id` into the DOM window, scrolls it to the middle and returns its row. */
  reveal(id: string): HTMLElement | undefined {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index < 0) return undefined;
    if (index < this.window.start || index >= this.window.end) this.apply(this.window.around(index), 'bottom');
    this.fill();
    // Every row drawn at its real height: a skipped one's estimate would move the row away once drawn.
    for (const block of this.rows.children) block.classList.remove('skippable');
    const row = rowOf(this.blockAt(index));
    this.adjusting = true; // not a user scroll: no earlier/later rows loaded because of it
    row?.scrollIntoView({ block: 'center' });
    requestAnimationFrame(() => {
      this.adjusting = false;
      const { scrollTop, scrollHeight, clientHeight } = this.scroller;
      this.window.following = scrollHeight - scrollTop - clientHeight <= EDGE && !this.window.hasLater;
      this.updateChrome();
    });
    return row;
  }

  /** Search: the rows in the DOM, oldest first (without the dividers of their blocks). */
  shownRows(): HTMLElement[] {
    this.fill();
    return Array.from(this.rows.children, rowOf).filter((row): row is HTMLElement => row !== undefined);
  }

  private onScroll(): void {
    if (this.adjusting) return;
    const { scrollTop, scrollHeight, clientHeight } = this.scroller;
    const atBottom = scrollHeight - scrollTop - clientHeight <= EDGE;
    if (!atBottom) this.fill(); // the user reads older rows now
    if (scrollTop <= EDGE && this.window.hasEarlier) {
      this.apply(this.window.earlier(), 'top');
    } else if (atBottom && this.window.hasLater) {
      this.apply(this.window.later(), 'bottom');
    } else {
      this.window.following = atBottom && !this.window.hasLater;
      this.updateChrome();
    }
  }

  /** Applies a window change to the DOM, keeping the rows the user is looking at in place. */
  private apply(change: WindowChange, anchor: 'top' | 'bottom'): void {
    const oldStart = this.window.start + change.addTop - change.removeTop;
    const { start, end } = this.window;
    const keepRow = anchor === 'top' ? (this.rows.firstElementChild as HTMLElement | null) : null;
    const keepOffset = keepRow ? keepRow.offsetTop - this.scroller.scrollTop : 0;
    if (change.reset) {
      this.rows.replaceChildren(...this.blocks(start, end));
    } else {
      for (let i = 0; i < change.removeTop; i++) this.rows.firstElementChild?.remove();
      for (let i = 0; i < change.removeBottom; i++) this.rows.lastElementChild?.remove();
      if (change.addTop) this.rows.prepend(...this.blocks(start, start + change.addTop));
      if (change.addBottom) this.rows.append(...this.blocks(end - change.addBottom, end));
      // Rows pushed out of the newest ones by rows added below may go undrawn now; the newest never (ListWindow.drawnFrom).
      const drawnFrom = this.window.drawnFrom;
      for (let i = Math.max(start, drawnFrom - change.addBottom); i < end; i++) {
        const block = this.blockAt(i);
        if (i >= drawnFrom && block && !block.firstChild) block.replaceWith(this.block(i));
        else block?.classList.toggle('skippable', i < drawnFrom);
      }
      // The top row always shows its header and date; the row that used to be on top may now continue the
      // one above it.
      if (change.addTop) this.replaceBlock(start + change.addTop);
      if (change.addTop || change.removeTop) this.replaceBlock(start);
    }
    const kept = keepRow && (keepRow.isConnected ? keepRow : this.blockAt(oldStart));
    if (kept) {
      this.adjusting = true;
      this.scroller.scrollTop = kept.offsetTop - keepOffset;
      requestAnimationFrame(() => {
        this.adjusting = false;
      });
    }
    this.quiet.changed();
    this.updateChrome();
  }

  private blocks(from: number, to: number): HTMLElement[] {
    return Array.from({ length: to - from }, (_, k) => this.block(from + k));
  }

  /** Entry `index` as it reads in the window: its row, with the dividers that go above it. A row before the
   *  window's drawn tail starts as an empty block, built once the list is quiet or when it is needed (scrolled up
   *  to, searched): a busy room replaces those rows before anyone sees them. */
  private block(index: number, build = index >= this.window.drawnFrom): HTMLElement {
    if (!build) {
      this.quiet.schedule();
      return el('div', 'entry skippable');
    }
    const entry = this.entries[index];
    const flow = rowFlow(this.entries[index - 1], entry, index === this.window.start, this.unread.fromId);
    const block = el('div', index < this.window.drawnFrom ? 'entry skippable' : 'entry');
    if (flow.earlierStart) block.append(divider('divider-earlier', t('dividerEarlier')));
    if (flow.newDay) block.append(divider('divider-day', this.dayFormat.format(entry.at)));
    if (flow.unreadStart) block.append(divider('divider-unread', t('dividerNew')));
    block.append(renderEntry(entry, this.options, flow.continues));
    return block;
  }

  /** Builds the window's empty blocks, newest first, while `more()` says so; true when none is left. */
  private fill(more: () => boolean = () => true): boolean {
    const { start, drawnFrom } = this.window;
    for (let i = drawnFrom - 1; i >= start; i--) {
      const block = this.blockAt(i);
      if (!block || block.firstChild) continue;
      if (!more()) return false;
      block.replaceWith(this.block(i, true));
    }
    return true;
  }

  private blockAt(index: number): HTMLElement | null {
    const { start, end } = this.window;
    return index >= start && index < end
      ? ((this.rows.children[index - start] as HTMLElement | undefined) ?? null)
      : null;
  }

  /** Draws entry `index` again (an empty block stays empty until it is filled). */
  private replaceBlock(index: number): void {
    const old = this.blockAt(index);
    old?.replaceWith(this.block(index, index >= this.window.drawnFrom || old.firstChild !== null));
  }

  /** The message that replaces a placeholder row (same id), put in its place; false when there is none. */
  private replaceArriving(entry: EntryView): boolean {
    if (!this.arriving.has(entry.id) || (entry.entry === 'message' && entry.arriving)) return false;
    this.arriving.delete(entry.id);
    const index = this.indexOf(entry.id);
    if (index < 0) return false;
    this.entries[index] = entry;
    const block = this.blockAt(index);
    if (block) this.redrawKeepingFocus(index, block);
    return true;
  }

  /** Newest first: transfers and placeholders are about recent messages. */
  private indexOf(id: string): number {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i].id === id) return i;
    return -1;
  }

  /** Redraws entry `index`; focus that was inside it goes to the first control of the new row. */
  private redrawKeepingFocus(index: number, block: HTMLElement): void {
    const hadFocus = block.contains(document.activeElement);
    this.replaceBlock(index);
    if (hadFocus) this.blockAt(index)?.querySelector<HTMLElement>('vscode-button, button, [tabindex="0"]')?.focus();
  }

  /** Redraws the entry with this id when it is in the window (its dividers changed). */
  private redraw(id: string): void {
    const { start, end } = this.window;
    for (let i = start; i < end; i++) if (this.entries[i].id === id) return this.replaceBlock(i);
  }

  /** One scroll per animation frame: reading scrollHeight right after each append forced a layout of every
   *  row per message (77 % of the time in a burst, docs/BENCHMARKS.md). */
  private scrollToBottom(): void {
    if (this.scrollPending) return;
    this.scrollPending = true;
    requestAnimationFrame(() => {
      this.scrollPending = false;
      this.scroller.scrollTop = this.scroller.scrollHeight;
    });
  }

  private updateChrome(): void {
    this.earlierButton.hidden = !this.window.hasEarlier;
    this.emptyHint.hidden = this.entries.length > 0 || !this.emptyHint.textContent;
    const below = this.window.below;
    this.jumpButton.hidden = this.window.following && below === 0;
    this.jumpButton.textContent = below > 0 ? plural(below, 'listNewerOne', 'listNewer') : t('listLatest');
  }
}

/** The row of an entry's block (the dividers above it are its other children). */
function rowOf(block: Element | null): HTMLElement | undefined {
  return block?.querySelector<HTMLElement>(':scope > .row') ?? undefined;
}

/** A labelled line between rows (a date, "earlier messages", "new messages"). */
function divider(kind: string, text: string): HTMLElement {
  const line = el('div', `divider ${kind}`);
  line.dataset.testid = kind;
  line.append(el('span', 'divider-text', text));
  return line;
}

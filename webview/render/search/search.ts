// Search over the whole chat, not only the rows in the DOM (the list keeps at most 300 of them, so the browser's
// own find misses most of a long session). Plain text, case-insensitive, never a pattern language. Pure (no
// DOM), unit-tested; searchBar.ts is the box and searchMarks.ts colours the matches on screen.
import type { EntryView } from '../../../src/webviewApi';
import { splitFences } from '../body/fences';
import { t } from '../../strings';

/** One occurrence: in entry `id`, searchable piece `piece`, characters [start, end). */
export interface Match {
  id: string;
  piece: number;
  start: number;
  end: number;
}

/** Counting stops here (a one-letter query in a 12,000-line chat); the count then says "10000+". */
export const MAX_MATCHES = 10_000;

/** The texts of an entry that search looks in, in the order the row shows them: a notice's text; a message's
 *  text parts and code blocks (messageBody.ts makes one `.searchable` element per piece, in this order). */
export function searchPieces(entry: EntryView): string[] {
  if (entry.entry === 'notice') return [entry.text];
  if (entry.code) return [entry.text];
  const pieces = entry.text
    ? splitFences(entry.text).map((part) => (part.kind === 'code' ? part.code : part.text))
    : [];
  return entry.file ? [...pieces, entry.file.name] : pieces; // a file card's name follows the text (fileCard.ts)
}

/** A case-insensitive matcher for the literal query (every character escaped), or undefined for an empty one. */
export function literalPattern(query: string): RegExp | undefined {
  if (query === '') return undefined;
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
}

function matchesOf(entry: EntryView, pattern: RegExp, into: Match[]): void {
  searchPieces(entry).forEach((text, piece) => {
    pattern.lastIndex = 0;
    for (const found of text.matchAll(pattern)) {
      if (into.length >= MAX_MATCHES) return;
      into.push({ id: entry.id, piece, start: found.index, end: found.index + found[0].length });
    }
  });
}

/** The matches of one query, oldest first, and which one is current. */
export class ChatSearch {
  private pattern: RegExp | undefined;
  matches: Match[] = [];
  /** Index into matches; -1 when there are none. */
  current = -1;

  /** A new query over all entries: the current match is the newest one (the chat is read from the bottom). */
  run(entries: readonly EntryView[], query: string): void {
    this.pattern = literalPattern(query);
    this.matches = [];
    if (this.pattern) for (const entry of entries) matchesOf(entry, this.pattern, this.matches);
    this.current = this.matches.length - 1;
  }

  /** New entries arrived while searching: their matches join the end; the current one stays. */
  appended(entries: readonly EntryView[]): void {
    if (!this.pattern) return;
    const hadNone = this.matches.length === 0;
    for (const entry of entries) matchesOf(entry, this.pattern, this.matches);
    if (hadNone && this.matches.length) this.current = this.matches.length - 1;
  }

  clear(): void {
    this.pattern = undefined;
    this.matches = [];
    this.current = -1;
  }

  /** Moves to the newer (1) or older (-1) match, wrapping around. */
  step(direction: 1 | -1): Match | undefined {
    if (this.matches.length === 0) return undefined;
    this.current = (this.current + direction + this.matches.length) % this.matches.length;
    return this.matches[this.current];
  }

  get currentMatch(): Match | undefined {
    return this.matches[this.current];
  }

  /** How many matches the pattern has (0 with no pattern too). */
  get matchCount(): number {
    return this.matches.length;
  }

  /** "3 of 17", "No results", "1 of 10000+". */
  get label(): string {
    if (!this.pattern) return '';
    if (this.matches.length === 0) return t('searchNone');
    const total = this.matches.length >= MAX_MATCHES ? `${MAX_MATCHES}+` : String(this.matches.length);
    return t('searchCount', this.current + 1, total);
  }
}

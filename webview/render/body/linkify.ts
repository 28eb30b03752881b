// Finds the web links in a peer's text: only absolute http:// and https:// addresses become links; every other
// scheme (`command:`, `file:`, `vscode:`, `javascript:`, `data:` …) and everything else stays plain text. Pure (no
// DOM), unit-tested.
import { isWebUrl } from '../../../src/webviewApi';

export type LinkPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string };

/** A candidate: http(s):// at a word boundary, up to whitespace or a character that never belongs to a pasted
 *  address in chat (quotes, angle brackets, backticks, controls). */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"`\u0000-\u001f\u007f]+/gi;
/** Punctuation that ends a sentence rather than the address ("see https://x.org."). */
const TRAILING = /[.,;:!?'*_~]+$/;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
/** Addresses longer than this stay text (the host's guard would refuse them). */
const MAX_URL = 2048;

export function splitLinks(text: string): LinkPart[] {
  const parts: LinkPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimEnd(match[0]);
    if (candidate.length > MAX_URL || !isWebUrl(candidate)) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: candidate, url: candidate });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Drops trailing sentence punctuation and closing brackets that were not opened inside the address
 *  ("(see https://x.org/a_(b))" keeps "(b)" and leaves the outer ")"). */
function trimEnd(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trimmed = url.replace(TRAILING, '');
    const end = trimmed.at(-1) ?? '';
    const opener = CLOSERS[end];
    if (opener && count(trimmed, opener) < count(trimmed, end)) {
      url = trimmed.slice(0, -1);
      continue;
    }
    if (trimmed === url) return url;
    url = trimmed;
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

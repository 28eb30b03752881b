// Splits a text message into plain text and ``` fenced code blocks, the way people paste code in chat:
//   ```ts            an opening fence at the start of a line, with an optional language word
//   const a = 1;
//   ```              a closing fence at the start of a line (or right after the last code line)
// and the one-line form ```ls -la```. A fence that is never closed is plain text. Nothing else is interpreted.
// Pure (no DOM), unit-tested.

export type TextPart = { kind: 'text'; text: string } | { kind: 'code'; language: string; code: string };

/** The opening fence line: ``` then an optional language word (letters, digits, + # . - _), nothing else. */
const OPENING = /^```[ \t]*([\w+#.-]{0,32})[ \t]*$/;
/** The whole block on one line: ```code``` (no language: the first word would be ambiguous). */
const ONE_LINE = /^```([^`\n]+)```[ \t]*$/;

export function splitFences(text: string): TextPart[] {
  if (!text.includes('```')) return text ? [{ kind: 'text', text }] : [];
  const lines = text.split('\n');
  const parts: TextPart[] = [];
  let plain: string[] = [];
  const flushPlain = (): void => {
    if (plain.length) parts.push({ kind: 'text', text: plain.join('\n') });
    plain = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const oneLine = ONE_LINE.exec(line);
    if (oneLine && oneLine[1].trim() !== '') {
      flushPlain();
      parts.push({ kind: 'code', language: '', code: oneLine[1] });
      continue;
    }
    const opening = OPENING.exec(line);
    const close = opening ? findClosing(lines, i + 1) : undefined;
    if (!opening || !close) {
      plain.push(line);
      continue;
    }
    flushPlain();
    const body = lines.slice(i + 1, close.line);
    if (close.tail !== '') body.push(close.tail);
    parts.push({ kind: 'code', language: opening[1].toLowerCase(), code: body.join('\n') });
    i = close.line;
  }
  flushPlain();
  return parts;
}

/** The line that closes a fence opened before `from`: ``` alone at its start, or a code line ending in ```
 *  (`tail` is that line's code). */
function findClosing(lines: string[], from: number): { line: number; tail: string } | undefined {
  for (let j = from; j < lines.length; j++) {
    const trimmed = lines[j].trimEnd();
    if (/^```$/.test(trimmed.trimStart())) return { line: j, tail: '' };
    if (trimmed.endsWith('```') && !trimmed.endsWith('````')) return { line: j, tail: trimmed.slice(0, -3) };
  }
  return undefined;
}

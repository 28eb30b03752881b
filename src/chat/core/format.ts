// How chat events look as text lines: ONE implementation for the CLI, the plain-text (nc) adapter and the log.
// Every peer string passes through escapeControl, so nobody can move a terminal's cursor, recolour it,
// clear it, or fake a line from someone else.
import type { CodeInfo, Notice, Peer } from './events';
import { imageLabel, type ImageMime } from './images';
import { formatBytes } from './units';

/** Continuation lines of a multi-line entry start with this, so every line is attributable to the line above. */
export const CONTINUATION_INDENT = ' '.repeat('[00:00:00] '.length);

/** A message as formatters need it: a ChatMessage, or a history entry whose image bytes were dropped. */
export interface MessageView {
  at: number;
  from: Pick<Peer, 'name'> & Partial<Peer>;
  to?: Pick<Peer, 'name'> & Partial<Peer>;
  own: boolean;
  text: string;
  code?: CodeInfo;
  image?: { mime: ImageMime; bytes?: Uint8Array; size?: number; savedPath?: string };
  /** An action (`/me waves`): `* alice waves`. */
  action?: boolean;
}

/** `HH:MM:SS` in local time, like `strftime("%H:%M:%S")`. */
export function clock(at: number): string {
  // A busy room stamps thousands of lines in the same second: the last second's text is kept, not rebuilt.
  const second = Math.floor(at / 1000);
  if (second === clockCache.second) return clockCache.text;
  const date = new Date(at);
  const text = [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  clockCache = { second, text };
  return text;
}
let clockCache = { second: NaN, text: '' };

export interface EscapeOptions {
  /** Keep `\n` (CRLF becomes `\n`) and `\t` as they are; otherwise they are shown as `\n` and `\t` too. */
  keepNewlines?: boolean;
}

/** What escapeControl makes visible (see below). */
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, 'g');

/**
 * Makes control characters visible instead of letting them act: C0 controls, DEL, C1 controls (so ESC of an
 * ANSI sequence shows as `\x1b`), Unicode line/paragraph separators and bidi overrides ("Trojan Source").
 * The line and paragraph separators (U+2028, U+2029) are line breaks, shown as `\n` like one: 2 bytes for the 3
 * they take, where `\u2028` took 6 and let a peer double the size of what it sends in our log.
 */
export function escapeControl(text: string, options: EscapeOptions = {}): string {
  // Most text has nothing to escape: one scan, no copy (this runs once per message relayed).
  if (!UNSAFE_CHAR.test(text)) return text;
  const source = options.keepNewlines ? text.replace(/\r\n/g, '\n') : text;
  return source.replace(UNSAFE_CHARS, (char) => {
    if (options.keepNewlines && (char === '\n' || char === '\t')) return char;
    if (char === '\n' || char === '\u2028' || char === '\u2029') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * What a peer wrote, made fit to sit inside a line of ours (a room-wide notice): one line (line breaks and runs of
 * spaces become one space), at most `maxChars` characters of it (then `…`), control characters escaped, its own
 * curly quotes straightened, inside “ ” — so it is visibly the peer's and cannot fake a line or end the quote.
 */
export function quotePeerText(text: string, maxChars: number): string {
  const oneLine = text.replace(/[\s\u0085]+/gu, ' ').trim();
  const chars = Array.from(oneLine);
  const cut = chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : oneLine;
  return `\u201c${escapeControl(cut).replace(/[\u201c\u201d\u201e\u201f]/g, '"')}\u201d`;
}

/** `12.3 KB PNG` for an image, whether it still has its bytes or only a recorded size. */
export function describeImage(image: NonNullable<MessageView['image']>): string {
  const size = image.size ?? image.bytes?.length ?? 0;
  return `${formatBytes(size)} ${imageLabel(image.mime)}`;
}

/** `typescript, src/a.ts:12` — what a code snippet is and where it came from. */
export function describeCode(code: CodeInfo): string {
  const where = code.file ? `, ${code.file}${code.line !== undefined ? `:${code.line}` : ''}` : '';
  return escapeControl(`${code.language || 'text'}${where}`);
}

/** `name`, `name → you` or `you → name` for a message's sender column. */
export function speaker(msg: MessageView): string {
  const from = escapeControl(msg.from.name);
  if (!msg.to) return from;
  return msg.own ? `you → ${escapeControl(msg.to.name)}` : `${from} → you`;
}

/**
 * `[HH:MM:SS] name: text`, private `[HH:MM:SS] name → you: text` / `you → name`, an action
 * `[HH:MM:SS] * name waves`, an image adds
 * ` [image: 12.3 KB PNG]`, code goes on the following lines. Multi-line results are joined with `\n`
 * (no trailing newline); continuation lines are indented.
 */
export function formatLine(msg: MessageView): string {
  const body = messageBody(msg, (image) => `[image: ${describeImage(image)}]`);
  return msg.action ? `[${clock(msg.at)}] * ${speaker(msg)} ${body}` : `[${clock(msg.at)}] ${speaker(msg)}: ${body}`;
}

/** `[HH:MM:SS] * text` for info/system notices, `[HH:MM:SS] ! text` for errors. */
export function formatNotice(notice: Notice): string {
  const mark = notice.level === 'error' ? '!' : '*';
  return `[${clock(notice.at)}] ${mark} ${indentContinuation(escapeControl(notice.text, { keepNewlines: true }))}`;
}

/**
 * The part after `name: ` — text, image tag, code block — shared with the transcript, which tags images
 * differently (by saved file name).
 */
export function messageBody(msg: MessageView, imageTag: (image: NonNullable<MessageView['image']>) => string): string {
  const text = escapeControl(msg.text, { keepNewlines: true });
  if (msg.code) {
    const header = `[code: ${describeCode(msg.code)}]${msg.image ? ` ${imageTag(msg.image)}` : ''}`;
    return `${header}\n${indentContinuation(text, true)}`;
  }
  if (!msg.image) return indentContinuation(text); // most lines: no array built per message
  return indentContinuation(text === '' ? imageTag(msg.image) : `${text} ${imageTag(msg.image)}`);
}

/** Indents every line after the first (or every line, with `all`) so it cannot pass for a line of its own. */
export function indentContinuation(text: string, all = false): string {
  if (!all && !text.includes('\n')) return text; // one line: nothing to indent (most chat lines)
  const lines = text.split('\n');
  return lines.map((line, i) => (all || i > 0 ? CONTINUATION_INDENT + line : line)).join('\n');
}

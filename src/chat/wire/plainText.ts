// The plain-text side of the room: nc, telnet, and the client of the classic threaded broadcast room (plain-text
// `[ip:port] text` lines), which sends each line WITHOUT a newline.
// In: bytes → lines (a newline ends a line; so does a short pause when no newline comes). Out: formatted lines.
// Used by ChatServer for plain-text peers and by ChatClient when it talks to a plain-text server.
import type { Notice } from '../core/events';
import { clock, describeImage, formatLine, formatNotice, speaker, type MessageView } from '../core/format';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;

export interface LineSplitterOptions {
  /** Called once per complete line (without its line ending); invalid UTF-8 becomes U+FFFD. */
  onLine: (line: string) => void;
  /**
   * Pending bytes followed by this much silence count as a line (the classic broadcast room's client sends no
   * newline). 0 = only line endings end lines.
   */
  pauseMs?: number;
  /**
   * With `pauseMs`: stop ending lines on pauses once the peer has shown it ends its lines itself (a newline, or a
   * telnet command — telnet always sends CRLF). So a character-at-a-time terminal (Windows telnet, PuTTY) is
   * not split into one-letter lines while its user types, and the classic broadcast room's client (never a
   * newline) still works. Off by default: a plain-text SERVER may mix newline-ended notices with newline-less
   * chat (the classic broadcast room does).
   */
  pauseOnlyUntilNewline?: boolean;
  /** Longest line in bytes; a longer one is cut there (the first part is delivered, the rest dropped). */
  maxLineBytes?: number;
  /** Called when a line was cut, with the limit, so the caller can tell the sender. */
  onOverlong?: (maxLineBytes: number) => void;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
/** Telnet "interpret as command" and the commands that carry an option byte or a subnegotiation. */
const IAC = 0xff;
const SB = 250;
const SE = 240;
const WILL = 251;
const DONT = 254;

type TelnetState = 'data' | 'iac' | 'option' | 'sb' | 'sb-iac';

/**
 * Splits a byte stream into text lines. Handles `\n`, `\r\n`, `\r` (and telnet's `\r\0`), strips telnet IAC
 * negotiation, caps line length, and — with `pauseMs` — ends a line that stops without a newline.
 */
export class LineSplitter {
  private readonly parts: Buffer[] = [];
  private length = 0;
  /** After a cut: drop bytes until the line really ends. */
  private discarding = false;
  /** The previous byte was CR: a following LF (or telnet's NUL) belongs to the same line ending. */
  private afterCR = false;
  private telnet: TelnetState = 'data';
  private pauseTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly maxLineBytes: number;
  private pauseMs: number;
  private readonly onPause = () => {
    this.pauseTimer = undefined;
    if (this.length > 0 || this.discarding) this.endLine();
  };

  constructor(private readonly options: LineSplitterOptions) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.pauseMs = options.pauseMs ?? 0;
  }

  /** Bytes of the current, unfinished line. */
  get pendingBytes(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (this.disposed) return;
    this.clearPause();
    let start = 0;
    for (let i = 0; i < chunk.length && !this.disposed; i++) {
      const byte = chunk[i];
      if (this.telnet !== 'data') {
        this.telnetByte(byte);
        start = i + 1;
        continue;
      }
      if (this.afterCR) {
        this.afterCR = false;
        if (byte === LF || byte === NUL) {
          start = i + 1;
          continue;
        }
      }
      if (byte === LF || byte === CR) {
        if (this.options.pauseOnlyUntilNewline) this.pauseMs = 0;
        this.append(chunk, start, i);
        this.afterCR = byte === CR;
        start = i + 1;
        this.endLine();
      } else if (byte === IAC) {
        if (this.options.pauseOnlyUntilNewline) this.pauseMs = 0;
        this.append(chunk, start, i);
        this.telnet = 'iac';
        start = i + 1;
      }
    }
    if (this.disposed) return;
    this.append(chunk, start, chunk.length);
    if (this.pauseMs > 0 && (this.length > 0 || this.discarding)) {
      this.pauseTimer = setTimeout(this.onPause, this.pauseMs);
    }
  }

  /** Delivers the unfinished line now (e.g. the peer closed its side). */
  flush(): void {
    this.clearPause();
    if (!this.disposed && this.length > 0) this.endLine();
  }

  /** Stops timers and drops what is pending; no more lines are delivered. */
  dispose(): void {
    this.disposed = true;
    this.clearPause();
    this.parts.length = 0;
    this.length = 0;
  }

  private telnetByte(byte: number): void {
    switch (this.telnet) {
      case 'iac':
        // IAC IAC is a literal 0xFF, which is never valid UTF-8 text: dropped like the commands.
        this.telnet = byte === SB ? 'sb' : byte >= WILL && byte <= DONT ? 'option' : 'data';
        break;
      case 'option':
        this.telnet = 'data';
        break;
      case 'sb':
        if (byte === IAC) this.telnet = 'sb-iac';
        break;
      case 'sb-iac':
        this.telnet = byte === SE ? 'data' : 'sb';
        break;
    }
  }

  private append(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.discarding) return;
    this.parts.push(chunk.subarray(from, to));
    this.length += to - from;
    if (this.length <= this.maxLineBytes) return;
    const whole = Buffer.concat(this.parts, this.length);
    this.parts.length = 0;
    this.length = 0;
    this.discarding = true;
    this.options.onLine(whole.subarray(0, utf8Boundary(whole, this.maxLineBytes)).toString('utf8'));
    if (!this.disposed) this.options.onOverlong?.(this.maxLineBytes);
  }

  private endLine(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.length);
    this.parts.length = 0;
    this.length = 0;
    this.options.onLine(line.toString('utf8'));
  }

  private clearPause(): void {
    if (this.pauseTimer) {
      clearTimeout(this.pauseTimer);
      this.pauseTimer = undefined;
    }
  }
}

/** The largest cut ≤ max that does not split a UTF-8 character (buf.length > max). */
function utf8Boundary(buf: Buffer, max: number): number {
  let cut = max;
  while (cut > 0 && (buf[cut] & 0xc0) === 0x80) cut--;
  return cut;
}

// ---------------------------------------------------------------------------------------------- output

/** One text for a terminal: every line ends with CRLF (telnet needs the CR), ready to write as is. */
export function plainBytes(text: string): Buffer {
  return Buffer.from(plainLine(text), 'utf8');
}

/** `text` as plain-text peers get it: CRLF line endings, one at the end (plainBytes before it becomes bytes). */
export function plainLine(text: string): string {
  return `${text.includes('\n') ? text.replace(/\r?\n/g, '\r\n') : text}\r\n`;
}

/** `[HH:MM:SS] name: text` (and, for an image, the line saying how to see it). */
export function plainMessage(msg: MessageView): Buffer {
  return Buffer.from(plainMessageLine(msg), 'utf8');
}

/** plainMessage as text (the server packs it straight into its output, see server/connection/outputSlab.ts). */
export function plainMessageLine(msg: MessageView): string {
  if (!msg.image) return plainLine(formatLine(msg));
  const imageLine = `[${clock(msg.at)}] ${speaker(msg)} sent an image (${describeImage(msg.image)}) — open TCP Chat to see it`;
  const textLine = msg.text !== '' || msg.code ? `${formatLine({ ...msg, image: undefined })}\n` : '';
  return plainLine(textLine + imageLine);
}

/** `[HH:MM:SS] * text` / `[HH:MM:SS] ! text`. */
export function plainNotice(notice: Notice): Buffer {
  return plainBytes(formatNotice(notice));
}

// What `tcp-chat` shows at the bottom of a terminal while chat lines scroll above: one live line per transfer
// (updated in place) and, below them, the line being typed. Every write of the CLI goes through here, so a chat
// line arriving is written above both — never into the middle of a progress line or of what someone is typing.
// Not a terminal (a pipe, a file, a script): lines are written as they come and nothing is redrawn.
import type { Interface } from 'node:readline';

const ERASE_LINE = '\r\x1b[K';
const up = (rows: number) => `\x1b[${rows}A`;
const ERASE_BELOW = '\x1b[J';

export class Screen {
  private readonly live = new Map<string, string>();
  /** Live lines now on screen, between the scrolling lines and the typed line. */
  private drawn = 0;
  private typing: Interface | undefined;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  /** True on a terminal: progress lines are updated in place there (else a few milestone lines are printed). */
  get terminal(): boolean {
    return this.out.isTTY === true;
  }

  /** The line being typed (readline on a terminal): redrawn below the live lines after each write. */
  attachInput(input: Interface): void {
    this.typing = input;
    // Enter moved the cursor below the typed line: it stays on screen, scrolled above the live lines.
    input.on('line', (line) => {
      if (this.drawn === 0) return;
      this.out.write(up(1));
      this.write(`${line}\n`);
    });
  }

  /** Text that stays (one or more lines, ending in a newline), written above the live lines and the typed line. */
  write(text: string, stream: NodeJS.WritableStream = this.out): void {
    if (!this.terminal || (this.drawn === 0 && !this.typing)) {
      stream.write(text);
      return;
    }
    this.erase();
    stream.write(text);
    this.draw();
  }

  /** Shows or updates the live line `key` (cut to the terminal's width, so it takes exactly one row). */
  setLive(key: string, text: string): void {
    if (!this.terminal) return;
    this.erase();
    this.live.set(key, text);
    this.draw();
  }

  /** Takes the live line `key` away (its final state is usually written with write() right after). */
  removeLive(key: string): void {
    if (!this.live.has(key)) return;
    this.erase();
    this.live.delete(key);
    this.draw();
  }

  /** Clears the live lines and the typed line; the cursor ends where the next lasting line goes. */
  private erase(): void {
    if (this.drawn === 0 && !this.typing) return;
    this.out.write(`${ERASE_LINE}${this.drawn > 0 ? up(this.drawn) : ''}${ERASE_BELOW}`);
    this.drawn = 0;
  }

  private draw(): void {
    const width = Math.max(20, (this.out.columns || 80) - 1); // 0: a terminal that gives no size
    let text = '';
    for (const line of this.live.values()) text += `${[...line].slice(0, width).join('')}\n`;
    this.drawn = this.live.size;
    const typing = this.typing;
    if (typing) {
      text += typing.line;
      const back = typing.line.length - typing.cursor;
      if (back > 0) text += `\x1b[${back}D`;
    }
    this.out.write(text);
  }
}

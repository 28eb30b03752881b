// What `tcp-chat` writes, on stdout and stderr. Much of it comes from the wire — names, the room name, notices,
// a server's refusal — so every write passes through escapeControl here, in one place: a hostile server cannot set
// the window title, clear the screen, fake a prompt or write the clipboard (OSC 52). Only our own colours are live.
import { escapeControl, formatLine, formatNotice, type ChatMessage, type Notice, type Roster } from '../chat';
import { Screen } from './screen';

/** The terminal's bottom lines (transfers in progress, the typed line): every write below goes above them. */
export const screen = new Screen();

const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const NOTICE_COLOURS: Record<Notice['level'], string> = { error: '31', info: '34', system: '90' };

/** One entry on stdout; its own line breaks stay (continuation lines are indented by the formatters). */
export function print(text: string, paintCode?: string): void {
  const safe = escapeControl(text, { keepNewlines: true });
  screen.write(`${paintCode ? paint(paintCode, safe) : safe}\n`);
}

/** `tcp-chat: message` on stderr, on one line; `more` (a usage hint, a stack trace) on the lines after it. */
export function printError(message: string, more?: string): void {
  const after = more ? `${escapeControl(more, { keepNewlines: true })}\n` : '';
  screen.write(`tcp-chat: ${escapeControl(message)}\n${after}`, process.stderr);
}

/** A history message (said before we got our seat) is dimmed, like system lines. */
export function printMessage(message: ChatMessage): void {
  const saved = message.image?.savedPath ? ` → ${message.image.savedPath}` : '';
  print(`${formatLine(message)}${saved}`, message.history ? NOTICE_COLOURS.system : undefined);
}

export function printNotice(notice: Notice): void {
  // The line after the history replay is printed as it is: `--- end of history ---`.
  if (notice.code === 'history-end') return print(notice.text, NOTICE_COLOURS.system);
  print(formatNotice(notice), NOTICE_COLOURS[notice.level]);
}

export function localNotice(level: Notice['level'], text: string, code?: string): Notice {
  return { at: Date.now(), level, text, ...(code ? { code } : {}) };
}

/** "2 chatting, 1 waiting: Server, ann | #1 bob (3 connections)" — printed when it changes. */
export function rosterLine(roster: Roster): string {
  const active = roster.active.map((p) => p.name).join(', ') || 'nobody';
  const waiting = roster.waiting.map((p, i) => `#${i + 1} ${p.name}`).join(', ');
  const counts = `${roster.active.length} chatting, ${roster.waiting.length} waiting`;
  const connections = `${roster.connections} connection${roster.connections === 1 ? '' : 's'}`;
  return `${counts}: ${active}${waiting ? ` | ${waiting}` : ''} (${connections})`;
}

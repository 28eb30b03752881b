// The ONE parser for what a user types: used by ChatSession (CLI, panel) and the server's plain-text adapter,
// so `/msg`, `/name` and `/who` mean the same thing from nc as from VS Code.

export type ParsedInput =
  | { kind: 'text'; text: string }
  | { kind: 'msg'; to: string; text: string }
  | { kind: 'name'; name: string }
  | { kind: 'who' }
  | { kind: 'image'; path: string }
  | { kind: 'quit' }
  | { kind: 'help' }
  /** A blank line: nothing to send, nothing to complain about. */
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

/** One line per command, for `/help` and for the unknown-command error. */
export const COMMAND_HELP = [
  '/msg NAME text   private message to NAME (a name with spaces in quotes: /msg "Ann Lee" hi)',
  '/name NAME       change your name (/nick NAME works too)',
  '/who             list who is chatting and who is waiting',
  '/image PATH      send an image file (PNG, JPEG, GIF, WebP or BMP)',
  '/quit            leave the chat',
  '/help            show this list',
  '//text           send a line that starts with /',
].join('\n');

const KNOWN = '/msg, /name, /who, /image, /quit, /help';

/**
 * Parses one typed line (without its newline; a trailing CR is ignored). Lines not starting with `/` are
 * text, sent as typed. `/msg` takes the first word after it as the recipient, or a name in quotes (names may
 * contain spaces; duplicates get `-2`, `-3`, never a space). Command words are case-insensitive.
 */
export function parseInput(line: string): ParsedInput {
  const input = line.replace(/\r?\n$/, '').replace(/\r$/, '');
  if (input.trim() === '') return { kind: 'empty' };
  if (!input.startsWith('/')) return { kind: 'text', text: input };
  if (input.startsWith('//')) return { kind: 'text', text: input.slice(1) };

  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(input) as RegExpExecArray;
  const command = match[1].toLowerCase();
  const rest = match[2].trim();
  switch (command) {
    case 'msg': {
      const parts = leadingName(rest);
      if (parts === 'unclosed') return { kind: 'error', message: UNCLOSED_QUOTE };
      if (!parts || parts.name === '' || parts.rest === '')
        return { kind: 'error', message: '/msg needs a name and a message: /msg NAME text' };
      return { kind: 'msg', to: parts.name, text: parts.rest };
    }
    case 'name':
    case 'nick': // the IRC word for it
      return rest === ''
        ? { kind: 'error', message: `/${command} needs the new name: /${command} NAME` }
        : { kind: 'name', name: rest };
    case 'image': {
      const path = unquote(rest);
      return path === '' ? { kind: 'error', message: '/image needs a file: /image PATH' } : { kind: 'image', path };
    }
    case 'who':
      return { kind: 'who' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'help':
    case '?':
      return { kind: 'help' };
    default:
      return {
        kind: 'error',
        message: `Unknown command /${shorten(match[1])}. Commands: ${KNOWN} (type // to send a line starting with /).`,
      };
  }
}

const UNCLOSED_QUOTE = '/msg: the name needs its closing quote: /msg "NAME WITH SPACES" text';

/**
 * The name at the start of `text` — `"in double"` or `'single'` quotes (names never contain quotes), else the
 * first word — and the rest after it (trimmed). `'unclosed'` for a quote with no end; undefined for no text.
 */
export function leadingName(text: string): { name: string; rest: string } | 'unclosed' | undefined {
  const input = text.trim();
  if (input === '') return undefined;
  const quote = input[0];
  if (quote === '"' || quote === "'") {
    const end = input.indexOf(quote, 1);
    if (end < 0) return 'unclosed';
    return { name: input.slice(1, end).trim(), rest: input.slice(end + 1).trim() };
  }
  const space = input.search(/\s/);
  return space < 0 ? { name: input, rest: '' } : { name: input.slice(0, space), rest: input.slice(space).trim() };
}

/** Keeps an unknown command word short in the error (a peer may send a huge one). */
function shorten(word: string): string {
  return word.length > 20 ? `${word.slice(0, 20)}…` : word;
}

/** `"my file.png"` or `'my file.png'` → `my file.png`, so paths with spaces can be pasted quoted or not. */
function unquote(text: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  return quoted ? quoted[2] : text;
}

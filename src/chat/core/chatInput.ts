// The ONE parser for what a user types: used by ChatSession (CLI, panel) and the server's plain-text adapter,
// so `/msg`, `/name` and `/who` mean the same thing from nc as from VS Code. The ONE command table beside it
// gives `/help` for each kind of user (the host, a member using TCP Chat, a plain-text peer such as nc).

export type ParsedInput =
  | { kind: 'text'; text: string }
  | { kind: 'msg'; to: string; text: string }
  /** `/me waves`: an action, shown as "* alice waves". */
  | { kind: 'me'; text: string }
  | { kind: 'name'; name: string }
  | { kind: 'who' }
  /** `/away [reason]` (reason '' when none was given). */
  | { kind: 'away'; reason: string }
  | { kind: 'back' }
  /** `/topic text`: the host sets the room's topic; anyone else is refused. */
  | { kind: 'topic'; topic: string }
  | { kind: 'image'; path: string }
  /** `/file PATH`: offer a file to the room. */
  | { kind: 'file'; path: string }
  /** `/accept [N]` / `/decline [N]`: a file offer by the number shown beside it; none: the latest one waiting. */
  | { kind: 'accept' | 'decline'; offer?: number }
  | { kind: 'quit' }
  | { kind: 'help' }
  /** A blank line: nothing to send, nothing to complain about. */
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

/** What a member who is not the host is told when it types /topic. */
export const TOPIC_HOST_ONLY = 'Only the host can set the topic (/who shows it).';

/** Who is asking for /help: the room's host, a member using TCP Chat (extension or CLI), a plain-text peer (nc). */
export type HelpAudience = 'host' | 'member' | 'plain';

interface CommandLine {
  usage: string;
  help: string;
  for: readonly HelpAudience[];
}

const EVERYONE: readonly HelpAudience[] = ['host', 'member', 'plain'];

/** Every command, one line each, with who it works for; `/help` shows the lines for the one asking. */
export const COMMANDS: readonly CommandLine[] = [
  {
    usage: '/msg NAME text',
    help: 'private message to NAME (a name with spaces in quotes: /msg "Ann Lee" hi)',
    for: EVERYONE,
  },
  { usage: '/me text', help: 'an action: /me waves shows "* NAME waves"', for: EVERYONE },
  { usage: '/name NAME', help: 'change your name (/nick NAME works too)', for: EVERYONE },
  { usage: '/who', help: 'list who is chatting and who is waiting, and the topic', for: EVERYONE },
  { usage: '/away [reason]', help: 'mark yourself away; private messages get the reason as a reply', for: EVERYONE },
  { usage: '/back', help: 'you are back (no longer away)', for: EVERYONE },
  { usage: '/topic text', help: "set the room's topic (shown in the greeting and /who)", for: ['host'] },
  { usage: '/admit [NAME]', help: 'give a seat to NAME (default: #1 in line)', for: ['host'] },
  { usage: '/kick NAME [reason]', help: 'remove NAME from the room', for: ['host'] },
  { usage: '/ban NAME [reason]', help: "ban NAME's address until the room stops", for: ['host'] },
  { usage: '/image PATH', help: 'send an image file (PNG, JPEG, GIF, WebP or BMP)', for: ['host', 'member'] },
  { usage: '/file PATH', help: 'offer any file; each receiver accepts or declines it', for: ['host', 'member'] },
  { usage: '/accept [N]', help: 'save file offer N (default: the latest waiting)', for: ['host', 'member'] },
  { usage: '/decline [N]', help: 'say no to file offer N (default: the latest waiting)', for: ['host', 'member'] },
  { usage: '/quit', help: 'leave the chat', for: ['member', 'plain'] },
  { usage: '/quit', help: 'stop the room (everyone is told)', for: ['host'] },
  { usage: '/help', help: 'show this list', for: EVERYONE },
  { usage: '//text', help: 'send a line that starts with /', for: EVERYONE },
];

/** `/help`'s answer for `audience`: "Commands:" then one aligned line per command that works for it. */
export function commandHelp(audience: HelpAudience): string {
  const lines = COMMANDS.filter((c) => c.for.includes(audience));
  const width = Math.max(...lines.map((c) => c.usage.length)) + 2;
  return ['Commands:', ...lines.map((c) => `${c.usage.padEnd(width)}${c.help}`)].join('\n');
}

/** The commands anyone may type (the host's own are left out), for the unknown-command error. */
const KNOWN = [...new Set(COMMANDS.filter((c) => c.for.includes('member')).map((c) => c.usage.split(' ')[0]))]
  .filter((word) => word !== '//text')
  .join(', ');

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
    case 'file': {
      const path = unquote(rest);
      return path === '' ? { kind: 'error', message: '/file needs a file: /file PATH' } : { kind: 'file', path };
    }
    case 'accept':
    case 'decline':
      if (rest === '') return { kind: command };
      return /^[1-9]\d{0,8}$/.test(rest)
        ? { kind: command, offer: Number(rest) }
        : { kind: 'error', message: `/${command} takes the number shown beside the offer: /${command} N` };
    case 'me':
      return rest === '' ? { kind: 'error', message: '/me needs what you do: /me waves' } : { kind: 'me', text: rest };
    case 'away':
      return { kind: 'away', reason: rest };
    case 'back':
      return { kind: 'back' };
    case 'topic':
      return rest === ''
        ? { kind: 'error', message: '/topic needs the text: /topic TEXT' }
        : { kind: 'topic', topic: rest };
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

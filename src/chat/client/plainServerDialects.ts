// What a line from a plain-text chat server means. Two dialects are recognised, everything else is a message
// from the server itself:
//   ncat --chat:   `<user3> hi`  and  `<announce> 127.0.0.1 is connected as <user5>.`
//   seed 000:      `[127.0.0.1:5555] hi`  and  `[SERVER] Client ('127.0.0.1', 5555) has joined the chat.`

export type PlainServerLine =
  | { kind: 'message'; from: string; text: string }
  /** Sent by nobody in particular (the server's own words). */
  | { kind: 'server'; text: string }
  /** ncat's join/leave announcements: shown as system notices. */
  | { kind: 'announce'; text: string };

// Sender names are short and have no spaces in either dialect; the text after them may be empty.
const NCAT_LINE = /^<([^<>\s]{1,64})> ?([\s\S]*)$/;
const BRACKET_LINE = /^\[([^[\]\s]{1,64})\] ?([\s\S]*)$/;

export function parsePlainServerLine(line: string): PlainServerLine {
  const text = line.replace(/\r$/, '');
  const ncat = NCAT_LINE.exec(text);
  if (ncat) {
    return ncat[1] === 'announce'
      ? { kind: 'announce', text: ncat[2] }
      : { kind: 'message', from: ncat[1], text: ncat[2] };
  }
  const bracket = BRACKET_LINE.exec(text);
  // `[12:34:56] …` is a timestamp (our own format relayed by someone), not a sender.
  if (bracket && !/^\d{1,2}:\d{2}(:\d{2})?$/.test(bracket[1]))
    return { kind: 'message', from: bracket[1], text: bracket[2] };
  return { kind: 'server', text };
}

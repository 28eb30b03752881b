// Text the panel puts into the composer for the user (pure, unit-tested): the roster's "Message privately" starts
// the draft with `/msg name `.

/** What `/msg` needs to address `name`: quoted when it has spaces (the slash parser's rule). */
export function privateMessagePrefix(name: string): string {
  return /\s/.test(name) ? `/msg "${name}" ` : `/msg ${name} `;
}

/** `draft` addressed with `prefix` instead: a /msg recipient already there is replaced, the rest is kept. */
export function withPrefix(draft: string, prefix: string): string {
  return prefix + draft.replace(/^\/msg\s+("[^"]*"|'[^']*'|\S+)\s*/, '');
}

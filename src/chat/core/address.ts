// Addresses typed by people (`host:port`, `[v6]:port`, a bare host) and how they are written back. One parser
// for the CLI and the extension's Connect… prompt; each wraps the error sentence in its own way.

/** `host:port`, with IPv6 literals bracketed so the port stays readable. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A whole number in [min, max] from text, or the sentence saying what is wrong (`what` starts it). */
export function parseWholeNumber(what: string, text: string, min: number, max: number): number | { error: string } {
  if (!/^-?\d+$/.test(text.trim()))
    return { error: `${what} must be a whole number from ${min} to ${max}, not "${text}".` };
  const value = Number(text);
  if (value < min || value > max) return { error: `${what} must be from ${min} to ${max}, not ${value}.` };
  return value;
}

/** A TCP port to connect to (1–65535). */
export function parsePort(text: string): number | { error: string } {
  return parseWholeNumber('Port', text, 1, 65535);
}

/** `host:port`, `[v6]:port`, `[v6]` or a bare host (then `defaultPort`); surrounding spaces are ignored. */
export function parseAddress(input: string, defaultPort: number): { host: string; port: number } | { error: string } {
  const text = input.trim();
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    return { error: `"${text}": write IPv6 addresses in brackets, e.g. [::1]:${defaultPort}.` };
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (host === '') return { error: `"${text}" has no host: expected HOST:PORT, e.g. 127.0.0.1:${defaultPort}.` };
  if (/\s/.test(host)) return { error: `"${host}" is not a host name or address.` };
  const port = portText === undefined || portText === '' ? defaultPort : parsePort(portText);
  if (typeof port !== 'number') return port;
  return { host, port };
}

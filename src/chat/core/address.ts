// Addresses typed by people (`host:port`, `[v6]:port`, a bare host, each optionally followed by
// `#sha256=FINGERPRINT`, the room certificate to expect) and how they are written back. One parser for the CLI
// and the extension's Connect… prompt; each wraps the error sentence in its own way.

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

/** What follows an address to name the room certificate it must present: `host:port#sha256=AB:CD:…`. */
export const FINGERPRINT_MARK = '#sha256=';

/**
 * A SHA-256 certificate fingerprint as `openssl x509 -noout -fingerprint -sha256` prints it (32 upper-case hex
 * pairs joined by colons), from that form, lower case, or 64 hex digits without colons; else the sentence why not.
 */
export function parseFingerprint(text: string): string | { error: string } {
  const hex = text
    .trim()
    .replace(/^sha256[:=]/i, '')
    .replace(/:/g, '');
  if (!/^[0-9a-f]{64}$/i.test(hex))
    return { error: `"${text}" is not a SHA-256 fingerprint (32 hex pairs like AB:CD:…, as openssl prints it).` };
  return (hex.toUpperCase().match(/../g) as string[]).join(':');
}

/** The address to hand out for an encrypted room: `host:port#sha256=FINGERPRINT`. */
export function addressWithFingerprint(host: string, port: number, fingerprint: string): string {
  return `${hostPort(host, port)}${FINGERPRINT_MARK}${fingerprint}`;
}

export interface ParsedAddress {
  host: string;
  port: number;
  /** Given with `#sha256=…`: only a room presenting this certificate is accepted. */
  fingerprint?: string;
}

/**
 * `host:port`, `[v6]:port`, `[v6]` or a bare host (then `defaultPort`), optionally followed by `#sha256=FP`;
 * surrounding spaces are ignored.
 */
export function parseAddress(input: string, defaultPort: number): ParsedAddress | { error: string } {
  const whole = input.trim();
  const mark = whole.toLowerCase().indexOf(FINGERPRINT_MARK);
  if (mark >= 0) {
    const fingerprint = parseFingerprint(whole.slice(mark + FINGERPRINT_MARK.length));
    if (typeof fingerprint !== 'string') return fingerprint;
    const address = parseAddress(whole.slice(0, mark), defaultPort);
    return 'error' in address ? address : { ...address, fingerprint };
  }
  const text = whole;
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

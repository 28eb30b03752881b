// Rooms trusted on first use, like SSH's known_hosts: one line per room, `HOST:PORT FINGERPRINT`. One format and
// one parser for the CLI (a file) and the extension (a string in its global state); only the store differs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseFingerprint } from '../core/address';

/** Where the text of the list is kept. */
export interface KnownHostsStore {
  read(): string | undefined;
  write(text: string): void;
}

const HEADER =
  '# TCP Chat: rooms trusted on first use, one per line: HOST:PORT and the SHA-256 fingerprint of its certificate.\n' +
  '# Delete a line to trust that room again from scratch (after checking its new fingerprint with its host).\n';

/** `HOST:PORT` → fingerprint. Comments (#), blank and unreadable lines are skipped. */
export function parseKnownHosts(text: string): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [where, print] = line.split(/\s+/);
    const fingerprint = print === undefined ? undefined : parseFingerprint(print);
    if (typeof fingerprint === 'string') hosts.set(where, fingerprint);
  }
  return hosts;
}

export function formatKnownHosts(hosts: ReadonlyMap<string, string>): string {
  return HEADER + [...hosts].map(([where, fingerprint]) => `${where} ${fingerprint}\n`).join('');
}

/** The trusted rooms, read from the store each time (another window or process may have added one). */
export class KnownHosts {
  constructor(private readonly store: KnownHostsStore) {}

  /** The fingerprint trusted for `where` (`hostPort(host, port)`), if any. */
  get(where: string): string | undefined {
    return this.all().get(where);
  }

  all(): Map<string, string> {
    return parseKnownHosts(this.store.read() ?? '');
  }

  trust(where: string, fingerprint: string): void {
    const hosts = this.all();
    hosts.set(where, fingerprint);
    this.store.write(formatKnownHosts(hosts));
  }

  /** True if `where` was trusted. */
  forget(where: string): boolean {
    const hosts = this.all();
    if (!hosts.delete(where)) return false;
    this.store.write(formatKnownHosts(hosts));
    return true;
  }
}

/** A known-hosts file (created with its folder on the first trust). */
export function knownHostsFile(file: string): KnownHostsStore {
  return {
    read: () => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
    write: (text) => {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, text, { mode: 0o600 });
    },
  };
}

/** A store in memory (tests; a client that must not remember). */
export function memoryKnownHosts(initial = ''): KnownHostsStore {
  let text = initial;
  return { read: () => text, write: (next) => void (text = next) };
}

// Finds the rooms on the network: asks for `_tcpchat._tcp.local` (at once, then less and less often, RFC 6762
// §5.2), keeps what any responder (ours, avahi, Bonjour) says in a small cache, and emits the list whenever it
// changes. A goodbye (TTL 0) or an expired record removes a room at once. Everything heard is untrusted: the TXT
// goes through decodeTxt, names are kept as text for the caller to escape where it prints them.
import { networkInterfaces } from 'node:os';
import type { RemoteInfo } from 'node:dgram';
import type { Answer, Packet } from 'dns-packet';
import { diagnose } from '../core/diagnostics';
import { TypedEmitter } from '../core/typedEmitter';
import { ipv4Interfaces, type MdnsInterface } from './interfaces';
import { MDNS_PORT, openMdnsSockets, type MdnsSocket } from './mdnsSocket';
import { sameName, type WireRecord } from './records';
import { decodeTxt, labelFromInstanceName, SERVICE_TYPE, type RoomFacts } from './txtRecord';

/** A room heard on the network. */
export interface DiscoveredRoom extends RoomFacts {
  /** The instance name, e.g. "Ms Lee's room" (untrusted text). */
  name: string;
  /** The IPv4 address to connect to. */
  host: string;
  port: number;
}

export interface BrowserOptions {
  /** Every IPv4 interface of the machine unless given. */
  interfaces?: MdnsInterface[];
  mdnsPort?: number;
}

export interface BrowserEvents {
  /** The whole list, sorted by name, each time it changes. */
  rooms: [rooms: DiscoveredRoom[]];
  /** Why nothing can be heard (no interface could listen); emitted at most once. */
  problem: [why: string];
}

/** Re-asking: 1 s after the first question, then doubling up to once a minute. */
const FIRST_REQUERY_MS = 1000;
const MAX_REQUERY_MS = 60_000;
/** A cache this size is plenty for a LAN; beyond it new rooms are ignored (a flood cannot grow memory). */
const MAX_ROOMS = 256;

interface CachedRoom {
  label: string;
  expires: number;
  srv?: { target: string; port: number; expires: number };
  facts?: RoomFacts;
  /** The address the SRV answer came from, used when no A record names the host. */
  sender?: string;
}

export class RoomBrowser extends TypedEmitter<BrowserEvents> {
  private sockets: MdnsSocket[] = [];
  private readonly cache = new Map<string, CachedRoom>();
  private readonly addresses = new Map<string, { address: string; expires: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private lastList = '[]';
  private stopped = false;

  constructor(private readonly options: BrowserOptions = {}) {
    super();
  }

  get rooms(): DiscoveredRoom[] {
    const now = Date.now();
    const rooms: DiscoveredRoom[] = [];
    for (const entry of this.cache.values()) {
      if (!entry.srv || entry.srv.expires <= now || entry.expires <= now) continue;
      const host = this.addresses.get(entry.srv.target.toLowerCase());
      const address = host && host.expires > now ? host.address : entry.sender;
      if (!address) continue;
      rooms.push({ ...(entry.facts ?? decodeTxt(undefined)), name: entry.label, host: address, port: entry.srv.port });
    }
    return rooms.sort((a, b) => a.name.localeCompare(b.name) || a.port - b.port);
  }

  async start(): Promise<void> {
    const interfaces = this.options.interfaces ?? ipv4Interfaces(networkInterfaces());
    const { sockets, failures } = await openMdnsSockets(interfaces, this.options.mdnsPort ?? MDNS_PORT);
    for (const failure of failures) diagnose('discovery', `not listening for rooms on ${failure}`);
    if (this.stopped) {
      await Promise.all(sockets.map((s) => s.close()));
      return;
    }
    if (sockets.length === 0) {
      this.emit('problem', failures.join('; ') || 'this machine has no IPv4 network interface');
      return;
    }
    this.sockets = sockets;
    for (const socket of sockets) socket.onPacket((packet, from) => this.onPacket(packet, from));
    this.sweeper = setInterval(() => this.changed(), 1000);
    this.sweeper.unref();
    this.ask(FIRST_REQUERY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.sweeper);
    await Promise.all(this.sockets.map((s) => s.close()));
    this.sockets = [];
  }

  /** Asks for every room, listing the ones we know (known-answer suppression, RFC 6762 §7.1). */
  private ask(nextMs: number): void {
    const known: Answer[] = [...this.cache.values()]
      .filter((e) => e.expires - Date.now() > 60_000)
      .map((e) => ({
        name: SERVICE_TYPE,
        type: 'PTR',
        ttl: Math.floor((e.expires - Date.now()) / 1000),
        data: `${e.label}.${SERVICE_TYPE}`,
      }));
    const query: Packet = { type: 'query', questions: [{ name: SERVICE_TYPE, type: 'PTR' }], answers: known };
    for (const socket of this.sockets) void socket.send(query).catch(() => undefined);
    this.timer = setTimeout(() => this.ask(Math.min(nextMs * 2, MAX_REQUERY_MS)), nextMs);
    this.timer.unref();
  }

  private onPacket(packet: Packet, from: RemoteInfo): void {
    if (packet.type !== 'response' || this.stopped) return;
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])] as WireRecord[];
    const now = Date.now();
    const missing = new Set<string>();
    for (const record of records) {
      const ttlMs = (record.ttl ?? 0) * 1000;
      if (record.type === 'PTR' && sameName(record.name, SERVICE_TYPE) && typeof record.data === 'string') {
        const entry = this.entry(record.data);
        if (!entry) continue;
        entry.expires = now + ttlMs;
        if (!entry.srv) missing.add(record.data);
      } else if (record.type === 'SRV') {
        const entry = this.entry(record.name);
        const data = record.data as { target?: string; port?: number };
        if (!entry || typeof data.target !== 'string' || typeof data.port !== 'number') continue;
        entry.srv = { target: data.target, port: data.port, expires: now + ttlMs };
        entry.sender = from.address;
        // An SRV heard without its PTR (an answer to our SRV question) keeps the room as long as the SRV.
        if (entry.expires < now + ttlMs && ttlMs > 0 && !records.some((r) => r.type === 'PTR'))
          entry.expires = now + ttlMs;
      } else if (record.type === 'TXT') {
        const entry = this.entry(record.name);
        if (entry && ttlMs > 0) entry.facts = decodeTxt(record.data as Buffer[]);
      } else if (record.type === 'A' && typeof record.data === 'string') {
        this.addresses.set(record.name.toLowerCase(), { address: record.data, expires: now + ttlMs });
      }
    }
    for (const name of missing) {
      // Heard a PTR without its SRV/TXT: ask for them.
      const query: Packet = {
        type: 'query',
        questions: [
          { name, type: 'SRV' },
          { name, type: 'TXT' },
        ],
      };
      for (const socket of this.sockets) void socket.send(query).catch(() => undefined);
    }
    this.changed();
  }

  /** The cache entry for an instance name of our service type (created when new; undefined for other types). */
  private entry(fullName: string): CachedRoom | undefined {
    const label = labelFromInstanceName(fullName);
    if (label === undefined) return undefined;
    const key = fullName.toLowerCase();
    let entry = this.cache.get(key);
    if (!entry) {
      if (this.cache.size >= MAX_ROOMS) return undefined;
      entry = { label, expires: 0 };
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** Drops what expired and emits the list when it differs from the last one. */
  private changed(): void {
    const now = Date.now();
    for (const [key, entry] of this.cache) {
      if (entry.expires <= now && (!entry.srv || entry.srv.expires <= now)) this.cache.delete(key);
    }
    const rooms = this.rooms;
    const list = JSON.stringify(rooms);
    if (list === this.lastList) return;
    this.lastList = list;
    this.emit('rooms', rooms);
  }
}

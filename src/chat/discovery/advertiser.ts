// Advertises one room with DNS-SD over multicast DNS (RFC 6762/6763) on the interfaces of its listen address:
// probes for its name (renaming "Room" → "Room (2)" when someone else has it, RFC 6762 §9), announces twice,
// answers questions, sends new counts at most once every few seconds, and says goodbye (TTL 0) when stopped.
// A room that cannot advertise still serves: the advertiser reports why once ('problem') and stays quiet.
import { hostname, networkInterfaces } from 'node:os';
import type { RemoteInfo } from 'node:dgram';
import type { Answer, Packet } from 'dns-packet';
import { diagnose } from '../core/diagnostics';
import { errorMessage } from '../core/errors';
import { escapeControl } from '../core/format';
import { TypedEmitter } from '../core/typedEmitter';
import { advertiseInterfaces, type InterfaceList } from './interfaces';
import { MDNS_PORT, openMdnsSockets, type MdnsSocket } from './mdnsSocket';
import {
  announcement,
  answersFor,
  goodbye,
  instanceName,
  probe,
  sameName,
  txtRecord,
  type AdvertisedRecords,
  type WireRecord,
} from './records';
import { encodeTxt, instanceLabel, nextInstanceLabel, type RoomDescription } from './txtRecord';

export interface AdvertiserOptions {
  /** The room's listen address: it decides the interfaces (see interfaces.ts). */
  listenHost: string;
  protocolVersion: number;
  /** os.networkInterfaces() unless a test gives another list. */
  interfaces?: InterfaceList;
  /** The UDP port of mDNS; 5353 (tests in a private network namespace use it too). */
  mdnsPort?: number;
  /** Shortest time between two count updates on the network (ms). */
  updateInterval?: number;
}

export interface AdvertiserEvents {
  /** The name the room is advertised under, once it is ours (after a rename too). */
  advertised: [name: string];
  /** Why the room is not discoverable; emitted at most once. */
  problem: [why: string];
}

const PROBE_INTERVAL_MS = 250;
const ANNOUNCE_GAP_MS = 1000;
const DEFAULT_UPDATE_INTERVAL_MS = 3000;
/** RFC 6762 §8.1: after 15 conflicts in 10 s, wait 5 s before the next probe. */
const MAX_RENAMES = 15;

export class RoomAdvertiser extends TypedEmitter<AdvertiserEvents> {
  private room: RoomDescription;
  private label: string;
  private readonly hostName = `${instanceLabel(hostname()).replace(/[^A-Za-z0-9-]/g, '-')}-tcpchat.local`;
  private sockets: MdnsSocket[] = [];
  private phase: 'idle' | 'probing' | 'announced' | 'stopped' = 'idle';
  /** Bumped at each (re)probe, so a probe run cut short by a conflict stops sending. */
  private generation = 0;
  private renames = 0;
  private reported = false;
  /** The first reason a send failed, for the one 'problem' line. */
  private sendFailure: string | undefined;
  private lastTxtAt = 0;
  private txtTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    room: RoomDescription,
    private readonly options: AdvertiserOptions,
  ) {
    super();
    this.room = { ...room };
    this.label = instanceLabel(room.name);
  }

  /** The name currently advertised (or being probed). */
  get name(): string {
    return this.label;
  }

  /** Opens the sockets and starts probing; resolves once started (or once it knows it cannot advertise). */
  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    const choice = advertiseInterfaces(this.options.listenHost, this.options.interfaces ?? networkInterfaces());
    if ('problem' in choice) return this.report(choice.problem);
    const { sockets, failures } = await openMdnsSockets(choice.interfaces, this.options.mdnsPort ?? MDNS_PORT);
    for (const failure of failures) diagnose('discovery', `not advertising on ${failure}`);
    if (this.phase !== 'idle') {
      await Promise.all(sockets.map((s) => s.close())); // stopped while opening
      return;
    }
    if (sockets.length === 0) return this.report(failures.join('; '));
    this.sockets = sockets;
    for (const socket of sockets) socket.onPacket((packet, from) => this.onPacket(socket, packet, from));
    this.beginProbing();
  }

  /** New counts, flags or topic: sent at once, or when the update interval has passed since the last one. */
  update(room: RoomDescription): void {
    const before = encodeTxt(this.room, this.options.protocolVersion).join('\n');
    this.room = { ...room, name: this.room.name, port: this.room.port };
    if (encodeTxt(this.room, this.options.protocolVersion).join('\n') === before) return;
    if (this.phase !== 'announced' || this.txtTimer) return; // the announcement or the pending update carries it
    const wait = this.lastTxtAt + (this.options.updateInterval ?? DEFAULT_UPDATE_INTERVAL_MS) - Date.now();
    this.txtTimer = this.later(Math.max(0, wait), () => {
      this.txtTimer = undefined;
      this.lastTxtAt = Date.now();
      void this.broadcast(() => ({ type: 'response', answers: [txtRecord(this.records())] }));
    });
  }

  /** Goodbye records (TTL 0) on every interface, then the sockets close. Idempotent. */
  async stop(): Promise<void> {
    const wasAnnounced = this.phase === 'announced';
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (wasAnnounced) await this.broadcast(() => goodbye(this.records()));
    await Promise.all(this.sockets.map((s) => s.close()));
    this.sockets = [];
  }

  private records(): AdvertisedRecords {
    return {
      instance: instanceName(this.label),
      hostName: this.hostName,
      port: this.room.port,
      txt: encodeTxt(this.room, this.options.protocolVersion),
    };
  }

  /** RFC 6762 §8.1: three probes 250 ms apart (after a random 0–250 ms); no conflict → announce twice. */
  private beginProbing(): void {
    const generation = ++this.generation;
    this.phase = 'probing';
    const step = (n: number) => {
      if (generation !== this.generation || this.phase !== 'probing') return;
      if (n < 3) {
        void this.broadcast(() => probe(this.records()));
        this.later(PROBE_INTERVAL_MS, () => step(n + 1));
        return;
      }
      this.phase = 'announced';
      this.lastTxtAt = Date.now();
      diagnose('discovery', `advertising "${escapeControl(this.label)}" on port ${this.room.port}`);
      this.emit('advertised', this.label);
      void this.announce();
      this.later(ANNOUNCE_GAP_MS, () => void this.announce());
    };
    this.later(this.renames > MAX_RENAMES ? 5000 : Math.random() * PROBE_INTERVAL_MS, () => step(0));
  }

  private async announce(): Promise<void> {
    if (this.phase !== 'announced') return;
    const sent = await this.broadcast((socket) => announcement(this.records(), socket.iface.address));
    if (!sent) this.report(this.sendFailure ?? 'nothing could be sent');
  }

  /** Sends a packet (built per interface) on every socket; true when at least one got it out. */
  private async broadcast(build: (socket: MdnsSocket) => Packet): Promise<boolean> {
    const results = await Promise.allSettled(this.sockets.map((socket) => socket.send(build(socket))));
    results.forEach((result, n) => {
      if (result.status === 'rejected') {
        const why = `${this.sockets[n]?.iface.name ?? 'interface'}: ${errorMessage(result.reason)}`;
        this.sendFailure ??= why;
        diagnose('discovery', `cannot send on ${why}`);
      }
    });
    return results.some((r) => r.status === 'fulfilled');
  }

  private onPacket(socket: MdnsSocket, packet: Packet, from: RemoteInfo): void {
    if (this.phase === 'stopped' || this.phase === 'idle') return;
    const ours = this.records();
    if (packet.type === 'response') {
      if (conflicts([...(packet.answers ?? []), ...(packet.additionals ?? [])], ours)) this.rename('answered');
      return;
    }
    // Someone else probing for our name at the same moment: the lexicographically later records win (§8.2).
    if (this.phase === 'probing' && conflicts(packet.authorities ?? [], ours)) {
      const theirs = ((packet.authorities ?? []) as WireRecord[]).find(
        (r) => r.type === 'SRV' && sameName(r.name, ours.instance),
      );
      if (theirs && srvKey(theirs) > srvKey({ data: { port: ours.port, target: ours.hostName } })) {
        this.rename('probed at the same time');
      }
      return;
    }
    if (this.phase !== 'announced') return;
    const reply = answersFor(packet, ours, socket.iface.address);
    if (!reply) return;
    if (from.port !== MDNS_PORT && from.port !== this.options.mdnsPort) {
      // A one-shot querier on another port (RFC 6762 §6.7): answer it directly, echoing its id and question.
      void socket.send({ ...reply, id: packet.id, questions: packet.questions }, from).catch(() => undefined);
      return;
    }
    void socket.send(reply).catch(() => undefined);
  }

  /** Another room has our name: take the next one ("Room (2)") and probe again. */
  private rename(why: string): void {
    const taken = this.label;
    this.label = nextInstanceLabel(this.label);
    this.renames++;
    diagnose('discovery', `"${escapeControl(taken)}" is taken (${why}); trying "${escapeControl(this.label)}"`);
    this.beginProbing();
  }

  private report(why: string): void {
    if (this.reported) return;
    this.reported = true;
    diagnose(
      'discovery',
      `This room is not discoverable on the network (${why}); people can still join by its address.`,
    );
    this.emit('problem', why);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }
}

/** A record with our instance name but another SRV (another room's port or host): someone else has the name. */
function conflicts(records: readonly Answer[], ours: AdvertisedRecords): boolean {
  return (records as WireRecord[]).some(
    (r) =>
      r.type === 'SRV' &&
      sameName(r.name, ours.instance) &&
      (r.ttl ?? 1) > 0 &&
      srvKey(r) !== srvKey({ data: { port: ours.port, target: ours.hostName } }),
  );
}

function srvKey(record: { data?: unknown }): string {
  const data = record.data as { port?: number; target?: string };
  return `${String(data.port ?? 0).padStart(5, '0')} ${(data.target ?? '').toLowerCase()}`;
}

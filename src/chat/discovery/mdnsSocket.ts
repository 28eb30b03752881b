// One multicast DNS socket on one interface, through the `multicast-dns` library (its dns-packet codec encodes
// and decodes every packet; we never hand-write DNS bytes). The socket binds 0.0.0.0:5353 with SO_REUSEADDR, so it
// shares the port with the system's responder (avahi, Bonjour) and hears the group 224.0.0.251 — a socket bound
// to the interface's own address would not receive multicast on Linux — and it joins the group and sends only on
// the interface it was given.
import type { RemoteInfo } from 'node:dgram';
import makeMdns from 'multicast-dns';
import type { Packet } from 'dns-packet';
import { errorMessage } from '../core/errors';
import type { MdnsInterface } from './interfaces';

export const MDNS_PORT = 5353;

export type PacketListener = (packet: Packet, from: RemoteInfo) => void;

export interface MdnsSocket {
  readonly iface: MdnsInterface;
  /** Sends to the multicast group, or to one address (a legacy unicast reply). Rejects with the reason. */
  send(packet: Packet, to?: { address: string; port: number }): Promise<void>;
  onPacket(listener: PacketListener): void;
  close(): Promise<void>;
}

/** Opens the socket; rejects with a sentence (port taken, no multicast on the interface) when it cannot. */
export function openMdnsSocket(iface: MdnsInterface, port = MDNS_PORT): Promise<MdnsSocket> {
  const mdns = makeMdns({ interface: iface.address, bind: '0.0.0.0', port, reuseAddr: true, loopback: true });
  const warnings: string[] = [];
  mdns.on('warning', (error: Error) => warnings.push(errorMessage(error)));
  const socket: MdnsSocket = {
    iface,
    send: (packet, to) =>
      new Promise<void>((resolve, reject) => {
        const done = (error: Error | null) => (error ? reject(error) : resolve());
        if (packet.type === 'query') mdns.query({ ...packet, questions: packet.questions ?? [] }, to, done);
        else mdns.respond({ ...packet, answers: packet.answers ?? [] }, to, done);
      }),
    onPacket: (listener) => mdns.on('packet', listener),
    close: () => new Promise<void>((resolve) => mdns.destroy(() => resolve())),
  };
  return new Promise<MdnsSocket>((resolve, reject) => {
    let settled = false;
    // The library emits a failed bind twice (from the socket and from its bind callback): keep one listener.
    mdns.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return; // later socket errors surface as failed sends
      settled = true;
      mdns.destroy();
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${port} is taken by a program that does not share it`
          : error.code === 'EACCES'
            ? `not allowed to use port ${port}`
            : errorMessage(error);
      reject(new Error(why));
    });
    mdns.once('ready', () => {
      if (settled) return;
      settled = true;
      // Joining the group happens as the socket starts listening: a failure there means no multicast here.
      if (warnings.length > 0) {
        mdns.destroy();
        reject(new Error(`no multicast on ${iface.name} (${warnings[0]})`));
        return;
      }
      resolve(socket);
    });
  });
}

/** Opens one socket per interface; the ones that fail are returned with their reason. */
export async function openMdnsSockets(
  interfaces: readonly MdnsInterface[],
  port = MDNS_PORT,
): Promise<{ sockets: MdnsSocket[]; failures: string[] }> {
  const results = await Promise.allSettled(interfaces.map((i) => openMdnsSocket(i, port)));
  const sockets: MdnsSocket[] = [];
  const failures: string[] = [];
  results.forEach((result, n) => {
    if (result.status === 'fulfilled') sockets.push(result.value);
    else failures.push(`${interfaces[n].name}: ${errorMessage(result.reason)}`);
  });
  return { sockets, failures };
}

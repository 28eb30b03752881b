// Where a room advertises itself: only on the interface(s) of its listen address. 0.0.0.0 (or ::) → every IPv4
// interface, loopback included so a room is found on the same machine; 127.0.0.1 (or localhost, ::1) → loopback
// only, so nothing leaves the machine; a specific address → the interface that has it. Pure: it takes the list
// os.networkInterfaces() returns, so every case is unit-tested.
import type { NetworkInterfaceInfo } from 'node:os';

export type InterfaceList = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** One interface to speak mDNS on: its IPv4 address (the multicast interface, and the address we announce). */
export interface MdnsInterface {
  /** e.g. "eth0". */
  name: string;
  address: string;
}

export type InterfaceChoice = { interfaces: MdnsInterface[] } | { problem: string };

const ANY = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The interfaces a room listening on `listenHost` advertises on, or why there are none. */
export function advertiseInterfaces(listenHost: string, list: InterfaceList): InterfaceChoice {
  const host = listenHost
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  const all = ipv4Interfaces(list);
  if (ANY.has(host)) {
    return all.length > 0 ? { interfaces: all } : { problem: 'this machine has no IPv4 network interface' };
  }
  if (LOOPBACK.has(host) || host.startsWith('127.')) {
    const loopback = all.filter((i) => i.address.startsWith('127.'));
    return loopback.length > 0
      ? { interfaces: [{ name: loopback[0].name, address: host.startsWith('127.') ? host : loopback[0].address }] }
      : { problem: 'this machine has no loopback interface' };
  }
  for (const [name, addresses] of Object.entries(list)) {
    const match = (addresses ?? []).find((a) => a.address.toLowerCase() === host);
    if (!match) continue;
    const ipv4 = match.family === 'IPv4' ? match : (addresses ?? []).find((a) => a.family === 'IPv4');
    if (!ipv4) return { problem: `the interface ${name} of ${listenHost} has no IPv4 address (discovery uses IPv4)` };
    return { interfaces: [{ name, address: ipv4.address }] };
  }
  return { problem: `no network interface of this machine has the address ${listenHost}` };
}

/** Every interface's first IPv4 address (one multicast membership per interface), loopback first. */
export function ipv4Interfaces(list: InterfaceList): MdnsInterface[] {
  const found: Array<MdnsInterface & { internal: boolean }> = [];
  for (const [name, addresses] of Object.entries(list)) {
    const ipv4 = (addresses ?? []).find((a) => a.family === 'IPv4');
    if (ipv4) found.push({ name, address: ipv4.address, internal: ipv4.internal });
  }
  found.sort((a, b) => Number(b.internal) - Number(a.internal));
  return found.map(({ name, address }) => ({ name, address }));
}

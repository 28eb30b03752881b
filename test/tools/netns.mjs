#!/usr/bin/env node
// Runs a command inside a private network namespace, so multicast DNS (the room discovery) never leaves the
// machine: the namespace has only its own loopback interface, brought up with multicast and a route for
// 224.0.0.0/4, and it vanishes with the command. Needs root (or unprivileged user namespaces) and unshare(1).
//   node test/tools/netns.mjs [--lan] [--no-multicast] [--mount] -- COMMAND [ARGS...]
//   --lan           also a pretend LAN interface tc0 (10.87.0.1/24, multicast on): mDNS daemons such as avahi
//                   ignore loopback. It is one end of a veth pair whose other end (tc1) is in the same namespace,
//                   so it connects to nothing outside and is gone with the namespace. (This kernel has no
//                   `dummy` interface type.)
//   --no-multicast  loopback up but without multicast or its route (a room that cannot advertise)
//   --mount         also a private mount namespace (for a tmpfs over a daemon's run directory)
// The command sees TCPCHAT_NETNS=1. Exit code: the command's, or 97 when the namespace cannot be made.
import { spawnSync } from 'node:child_process';

export const NETNS_FAILED = 97;

/** The argv that runs `command` inside the namespace (for spawn/execFile). */
export function inNamespace(command, { lan = false, multicast = true, mount = false } = {}) {
  const setup = ['ip link set lo up'];
  if (multicast) setup.push('ip link set lo multicast on', 'ip route add 224.0.0.0/4 dev lo');
  if (lan) {
    setup.push(
      'ip link add tc0 type veth peer name tc1',
      'ip addr add 10.87.0.1/24 dev tc0',
      'ip link set tc0 multicast on',
      'ip link set tc1 up',
      'ip link set tc0 up',
    );
  }
  const script = `set -e; ${setup.join('; ')}; export TCPCHAT_NETNS=1; exec "$@"`;
  const flags = mount ? ['-n', '-m', '--propagation', 'private'] : ['-n'];
  return ['unshare', ...flags, '--', 'sh', '-c', script, 'netns', ...command];
}

/** Why a namespace cannot be made here, or undefined when it can. */
export function namespaceProblem() {
  const probe = spawnSync(inNamespace(['true'])[0], inNamespace(['true']).slice(1), { encoding: 'utf8' });
  if (probe.error) return `cannot run unshare: ${probe.error.message} (install util-linux and iproute2)`;
  if (probe.status !== 0)
    return `cannot make a private network namespace (run the tests as root): ${probe.stderr.trim() || `exit ${probe.status}`}`;
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const split = args.indexOf('--');
  const flags = split < 0 ? [] : args.slice(0, split);
  const command = split < 0 ? args : args.slice(split + 1);
  if (command.length === 0) {
    console.error('usage: node test/tools/netns.mjs [--lan] [--no-multicast] [--mount] -- COMMAND [ARGS...]');
    process.exit(2);
  }
  const problem = namespaceProblem();
  if (problem) {
    console.error(`netns: ${problem}`);
    process.exit(NETNS_FAILED);
  }
  const argv = inNamespace(command, {
    lan: flags.includes('--lan'),
    multicast: !flags.includes('--no-multicast'),
    mount: flags.includes('--mount'),
  });
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

#!/usr/bin/env node
// Runs a command inside a private network namespace, so multicast DNS (the room discovery) never leaves the
// machine: the namespace has only its own loopback interface, brought up with multicast and a route for
// 224.0.0.0/4, and it vanishes with the command. Needs root, unshare(1) and ip(8).
//   node test/tools/netns.mjs [--mount] -- COMMAND [ARGS...]
//   --mount   also a private mount namespace (for a tmpfs over a daemon's run directory)
// The command sees TCPCHAT_NETNS=1. Exit code: the command's, or 97 when the namespace cannot be made.
import { spawnSync } from 'node:child_process';

export const NETNS_FAILED = 97;

/** The argv that runs `command` inside the namespace (for spawn/execFile). */
export function inNamespace(command, { mount = false } = {}) {
  const setup = ['ip link set lo up', 'ip link set lo multicast on', 'ip route add 224.0.0.0/4 dev lo'];
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
    console.error('usage: node test/tools/netns.mjs [--mount] -- COMMAND [ARGS...]');
    process.exit(2);
  }
  const problem = namespaceProblem();
  if (problem) {
    console.error(`netns: ${problem}`);
    process.exit(NETNS_FAILED);
  }
  const argv = inNamespace(command, {
    mount: flags.includes('--mount'),
  });
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

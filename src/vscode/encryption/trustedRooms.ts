// The rooms this editor trusts, and when it asks: the engine's known-hosts format kept in the global state
// (shared by every window), a fingerprint given with the address accepted without a question, a new room asked
// about (automation: trusted on first use), each decision logged. Only types from vscode: unit tests cover it.
import type * as vscode from 'vscode';
import { KnownHosts, type ClientTlsOptions } from '../../chat';
import { l10n } from '../panel/l10n';

const KNOWN_HOSTS_KEY = 'tcpChat.knownHosts';

/** What is asked about a room seen for the first time: true to trust it. */
export type TrustQuestion = (fingerprint: string, where: string) => Promise<boolean>;

/**
 * What the Trust question adds when the room was picked from the rooms announced on the network: the announced
 * fingerprint is a hint (anyone on the network can announce anything), never a reason to skip the question.
 */
export function announcedHint(fingerprint: string, announced: string | undefined): string {
  if (!announced) return '';
  const same = announced.replace(/:/g, '').toUpperCase() === fingerprint.replace(/:/g, '').toUpperCase();
  return same
    ? '\n\n' +
        l10n.t(
          'The room announced this same fingerprint on the network. That is only a hint: compare it with the host.',
        )
    : '\n\n' +
        l10n.t(
          'Warning: the room announced a different fingerprint on the network ({0}). Someone between you and the room may be pretending to be it: ask the host before trusting.',
          announced,
        );
}

/** The known-hosts text in the global state. */
export function knownHostsIn(state: Pick<vscode.Memento, 'get' | 'update'>): KnownHosts {
  return new KnownHosts({
    read: () => state.get<string>(KNOWN_HOSTS_KEY),
    write: (text) => void state.update(KNOWN_HOSTS_KEY, text),
  });
}

/**
 * The client's TLS options: the fingerprint from the address when it carried one, the trusted rooms, and for a
 * new room the question (`ask` undefined, for automation: trusted on first use), with a line in the log.
 */
export function clientTls(
  hosts: KnownHosts,
  fingerprint: string | undefined,
  ask: TrustQuestion | undefined,
  log: (line: string) => void,
): ClientTlsOptions {
  return {
    fingerprint,
    knownHosts: hosts,
    trustNew: async (fp, where) => {
      const trusted = ask ? await ask(fp, where) : true;
      log(`${trusted ? 'Trusted' : 'Did not trust'} ${where}, certificate ${fp} (first connection).`);
      return trusted;
    },
  };
}

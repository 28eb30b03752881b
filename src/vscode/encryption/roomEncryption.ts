// Encrypted rooms in the editor: the room's certificate in the extension's global storage (key file 0600), the
// Trust question, and the command "TCP Chat: Forget Trusted Room…". What is trusted, and when the question is
// asked, is decided in trustedRooms.ts (no vscode there, so unit tests cover it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadOrCreateIdentity, type KnownHosts, type TlsIdentity } from '../../chat';
import { plainNotificationText } from '../alerts/notifications';
import { announcedHint, type TrustQuestion } from './trustedRooms';

/** The certificate of the rooms this editor hosts: made once, then the same fingerprint every time. */
export async function roomIdentity(context: vscode.ExtensionContext): Promise<TlsIdentity> {
  return loadOrCreateIdentity(path.join(context.globalStorageUri.fsPath, 'tls'));
}

/** The modal: the fingerprint to compare with the host's (by voice or on screen), Trust or Cancel. */
export function askTrust(announced?: string): TrustQuestion {
  return async (fingerprint, where) => {
    const trust = vscode.l10n.t('Trust');
    const choice = await vscode.window.showWarningMessage(
      plainNotificationText(
        vscode.l10n.t('First connection to {0}: trust this room? Compare its fingerprint with the host’s.', where),
      ),
      {
        modal: true,
        detail: `${vscode.l10n.t('Certificate fingerprint (SHA-256):')}\n${fingerprint}${announcedHint(fingerprint, announced)}`,
      },
      trust,
    );
    return choice === trust;
  };
}

/** "TCP Chat: Forget Trusted Room…": pick a room; its fingerprint is forgotten (asked again next time). */
export async function forgetTrustedRoom(hosts: KnownHosts, where?: string): Promise<void> {
  const all = hosts.all();
  if (all.size === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No trusted rooms yet: a room is trusted at its first connection.'),
    );
    return;
  }
  const picked =
    where ??
    (
      await vscode.window.showQuickPick(
        [...all].map(([label, fingerprint]) => ({ label, detail: fingerprint })),
        {
          title: vscode.l10n.t('TCP Chat: Forget Trusted Room…'),
          placeHolder: vscode.l10n.t('Which room should be trusted again from scratch?'),
        },
      )
    )?.label;
  if (picked === undefined) return;
  const forgotten = hosts.forget(picked);
  void vscode.window.showInformationMessage(
    forgotten
      ? vscode.l10n.t('Forgot {0}: its certificate is asked about at the next connection.', picked)
      : vscode.l10n.t('{0} was not a trusted room.', picked),
  );
}

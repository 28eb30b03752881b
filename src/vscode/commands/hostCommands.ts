// The host's palette commands (the panel's roster buttons run them too): Admit, Kick and Ban. Each picks a member
// from a list when no peer id is given; Ban asks first, naming the address and how long the ban lasts.
import * as vscode from 'vscode';
import { ChatError } from '../../chat';
import type { ChatController, HostControls } from '../chatController';
import { plainNotificationText } from '../alerts/notifications';
import { banMember } from './banMember';

type Register = <A extends unknown[]>(id: string, body: (...args: A) => Promise<void>) => void;

export function registerHostCommands(controller: ChatController, register: Register): void {
  function hostControls(): HostControls {
    const info = controller.info;
    if (info?.role !== 'server' || !info.host)
      throw new ChatError(
        'not-host',
        vscode.l10n.t('Only the host can do that: start a server first (“TCP Chat: Start Server”).'),
      );
    return info.host;
  }

  /** The picker's texts for each command, whole sentences so each translates on its own. */
  const pickerTexts = {
    kick: () => ({
      title: vscode.l10n.t('TCP Chat: Kick…'),
      placeHolder: vscode.l10n.t('Who should be removed from the room?'),
      nobody: vscode.l10n.t('Nobody to kick: no one is connected.'),
    }),
    ban: () => ({
      title: vscode.l10n.t('TCP Chat: Ban…'),
      placeHolder: vscode.l10n.t('Whose address should be banned from the room?'),
      nobody: vscode.l10n.t('Nobody to ban: no one is connected.'),
    }),
  };

  /** `peerId` when the caller gave one; else someone in the room (chatting or waiting), picked from a list;
   *  undefined when nobody is there or on Escape. */
  async function pickMember(peerId: unknown, command: keyof typeof pickerTexts): Promise<number | undefined> {
    if (typeof peerId === 'number') return peerId;
    const texts = pickerTexts[command]();
    const roster = controller.info?.session.endpoint.roster;
    const peers = [...(roster?.active ?? []), ...(roster?.waiting ?? [])].filter((p) => p.kind !== 'host');
    if (peers.length === 0) {
      void vscode.window.showInformationMessage(texts.nobody);
      return undefined;
    }
    const waiting = new Set(roster?.waiting.map((p) => p.id));
    const picked = await vscode.window.showQuickPick(
      peers.map((p) => ({
        label: p.name,
        description: p.address,
        detail: waiting.has(p.id) ? vscode.l10n.t('waiting in line') : vscode.l10n.t('chatting'),
        id: p.id,
      })),
      { title: texts.title, placeHolder: texts.placeHolder },
    );
    return picked?.id;
  }

  register('tcpChat.admitNext', async (peerId?: number) => {
    hostControls().admit(typeof peerId === 'number' ? peerId : undefined);
  });

  register('tcpChat.kick', async (peerId?: number) => {
    const host = hostControls();
    const id = await pickMember(peerId, 'kick');
    if (id !== undefined) host.kick(id, 'removed by the host');
  });

  register('tcpChat.ban', async (peerId?: number) => {
    const host = hostControls();
    const id = await pickMember(peerId, 'ban');
    if (id === undefined) return;
    await banMember(host, id, async (question) => {
      const ban = vscode.l10n.t('Ban');
      const choice = await vscode.window.showWarningMessage(plainNotificationText(question), { modal: true }, ban);
      return choice === ban;
    });
  });
}

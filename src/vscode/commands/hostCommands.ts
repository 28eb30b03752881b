// The host's palette commands (the panel's roster buttons run them too): Admit, Kick and Ban. Each picks a member
// from a list when no peer id is given; Ban asks first, naming the address and how long the ban lasts.
import * as vscode from 'vscode';
import { ChatError } from '../../chat';
import type { ChatController, HostControls } from '../chatController';
import { plainNotificationText } from '../notifications';
import { banMember } from './banMember';

type Register = <A extends unknown[]>(id: string, body: (...args: A) => Promise<void>) => void;

export function registerHostCommands(controller: ChatController, register: Register): void {
  function hostControls(): HostControls {
    const info = controller.info;
    if (info?.role !== 'server' || !info.host)
      throw new ChatError('not-host', 'Only the host can do that: start a server first (“TCP Chat: Start Server”).');
    return info.host;
  }

  /** Someone in the room (chatting or waiting), picked from a list; undefined when nobody is there or on Escape. */
  async function pickMember(verb: string, placeHolder: string): Promise<number | undefined> {
    const roster = controller.info?.session.endpoint.roster;
    const peers = [...(roster?.active ?? []), ...(roster?.waiting ?? [])].filter((p) => p.kind !== 'host');
    if (peers.length === 0) {
      void vscode.window.showInformationMessage(`Nobody to ${verb.toLowerCase()}: no one is connected.`);
      return undefined;
    }
    const waiting = new Set(roster?.waiting.map((p) => p.id));
    const picked = await vscode.window.showQuickPick(
      peers.map((p) => ({
        label: p.name,
        description: p.address,
        detail: waiting.has(p.id) ? 'waiting in line' : 'chatting',
        id: p.id,
      })),
      { title: `TCP Chat: ${verb}…`, placeHolder },
    );
    return picked?.id;
  }

  register('tcpChat.admitNext', async (peerId?: number) => {
    hostControls().admit(typeof peerId === 'number' ? peerId : undefined);
  });

  register('tcpChat.kick', async (peerId?: number) => {
    const host = hostControls();
    const id = typeof peerId === 'number' ? peerId : await pickMember('Kick', 'Who should be removed from the room?');
    if (id !== undefined) host.kick(id, 'removed by the host');
  });

  register('tcpChat.ban', async (peerId?: number) => {
    const host = hostControls();
    const id =
      typeof peerId === 'number' ? peerId : await pickMember('Ban', 'Whose address should be banned from the room?');
    if (id === undefined) return;
    await banMember(host, id, async (question) => {
      const choice = await vscode.window.showWarningMessage(plainNotificationText(question), { modal: true }, 'Ban');
      return choice === 'Ban';
    });
  });
}

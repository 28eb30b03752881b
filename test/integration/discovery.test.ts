// Connect… lists the rooms heard on the network and joins the one picked — in the real extension host. Multicast
// DNS only inside a private network namespace: `npm run test:integration:discovery` runs the editor, browser and
// this suite in one (test/tools/runExtensionTests.mjs --private-network). In the ordinary run (no namespace) it is
// listed as pending, saying so; there the editor's settings keep discovery off.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { advertiseEndpoint } from '../../src/chat/discovery/advertiseEndpoint';
import { ChatServer } from '../../src/chat/server/chatServer';
import { activateExtension, endSession, sleep, waitFor } from './helpers';

describe('Connect… lists rooms heard on the network', function () {
  if (process.env.TCPCHAT_NETNS !== '1') {
    it.skip('runs only inside a private network namespace: npm run test:integration:discovery');
    return;
  }
  const config = () => vscode.workspace.getConfiguration('tcpChat');

  it('a room announced on this machine is listed live; picking it joins it like typing its address', async () => {
    const api = await activateExtension();
    await endSession(api);
    await config().update('connect.findRooms', true, vscode.ConfigurationTarget.Global);
    await config().update('userName', 'Kim', vscode.ConfigurationTarget.Global);
    const room = new ChatServer({ host: '127.0.0.1', port: 0, name: 'Ms Lee', seats: 0 });
    try {
      const { port } = await room.listen();
      advertiseEndpoint(room, { listenHost: '127.0.0.1', port, name: 'Ms Lee', password: false });
      // The picker opens before the room is heard: it must appear while the picker is open.
      const connecting = vscode.commands.executeCommand('tcpChat.connect');
      await sleep(2500);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await connecting;
      await waitFor(() => api.session?.endpoint.state === 'active', 'the picked room to be joined', {
        describe: () => `log:\n${api.recentLog.slice(-15).join('\n')}`,
      });
      assert.ok(
        room.roster.active.some((peer) => peer.name === 'Kim'),
        'Kim is in the room that was advertised',
      );
      assert.ok(
        api.recentLog.some((line) => line.includes(`Connecting to 127.0.0.1:${port}`)),
        'joined by its address',
      );
    } finally {
      await endSession(api);
      await room.close();
      await config().update('connect.findRooms', undefined, vscode.ConfigurationTarget.Global);
      await config().update('userName', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

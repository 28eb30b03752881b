// The palette: every command the brief names is contributed in package.json under "TCP Chat" and registered at
// runtime once the extension activates. And the "TCP Chat" log channel behind "Show Log".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, endSession, EXTENSION_ID, startServer, waitFor } from './helpers';

const EXPECTED: Record<string, string> = {
  'tcpChat.startServer': 'Start Server',
  'tcpChat.connect': 'Connect…',
  'tcpChat.disconnect': 'Disconnect',
  'tcpChat.stopServer': 'Stop Server',
  'tcpChat.showPanel': 'Show Chat Panel',
  'tcpChat.openInEditor': 'Open Chat in Editor',
  'tcpChat.openLogs': 'Open Chat Logs',
  'tcpChat.admitNext': 'Admit Next in Queue',
  'tcpChat.kick': 'Kick…',
  'tcpChat.sendSelection': 'Send Selection as Message',
  'tcpChat.sendImage': 'Send Image…',
  'tcpChat.sendFile': 'Send File…',
  'tcpChat.ban': 'Ban…',
  'tcpChat.showLog': 'Show Log',
  'tcpChat.forgetTrustedRoom': 'Forget Trusted Room…',
};

describe('commands', () => {
  it('the extension is installed in this editor', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  });

  it('contributes every command to the palette under the category "TCP Chat"', () => {
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes?.commands ?? [];
    const byId = new Map<string, { title: string; category?: string }>(
      contributed.map((c: { command: string; title: string; category?: string }) => [c.command, c]),
    );
    for (const [id, title] of Object.entries(EXPECTED)) {
      const command = byId.get(id);
      assert.ok(command, `${id} is not in package.json contributes.commands`);
      assert.equal(command.title, title, `${id} title`);
      assert.equal(command.category, 'TCP Chat', `${id} category`);
    }
    // Hidden from the palette would mean a `commandPalette` menu entry with when=false.
    const hidden = (
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes?.menus?.commandPalette ?? []
    ).filter((entry: { command: string; when?: string }) => entry.when === 'false' && entry.command in EXPECTED);
    assert.deepEqual(hidden, [], 'commands hidden from the palette');
  });

  it('registers every command once activated', async () => {
    await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = Object.keys(EXPECTED).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'commands not registered');
  });
});

describe('the chat view', () => {
  it('is a webview view in an activity-bar container of its own, and opens once the extension runs', async () => {
    const contributes = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes;
    const container = (contributes.viewsContainers?.activitybar ?? []).find((c: { id: string }) => c.id === 'tcpChat');
    assert.ok(container, 'an activity-bar view container "tcpChat"');
    assert.equal(container.title, 'TCP Chat');
    const views: { id: string; type?: string }[] = contributes.views?.tcpChat ?? [];
    assert.deepEqual(
      views.map((v) => [v.id, v.type]),
      [['tcpChat.chatView', 'webview']],
    );
    const api = await activateExtension();
    await vscode.commands.executeCommand('tcpChat.chatView.focus');
    assert.equal(api.unread, 0, 'nothing unread while the view is in front');
  });
});

describe('the TCP Chat log channel', () => {
  it('Show Log runs; the log says when a server starts, and a command failure is an error line in it', async () => {
    const api = await activateExtension();
    const describeLog = () => `log so far:\n${api.recentLog.join('\n')}`;
    assert.ok(
      api.recentLog.some((line) => /^info TCP Chat \S+ in VS Code /.test(line)),
      describeLog(),
    );
    await vscode.commands.executeCommand('tcpChat.showLog');

    const port = await startServer(api);
    await waitFor(
      () => api.recentLog.some((line) => line.startsWith(`info Listening on 127.0.0.1:${port}`)),
      'the listening line in the log',
      { describe: describeLog },
    );
    await endSession(api);

    // A command failure: a red panel line, a notification, and an error line in the log.
    await vscode.commands.executeCommand('tcpChat.connect', { host: '', port: 0 });
    await waitFor(
      () => api.recentLog.some((line) => line.startsWith('error Cannot connect to')),
      'the command failure in the log',
      { describe: describeLog },
    );
  });
});

// Entry point: creates the "TCP Chat" log, registers the commands, the status bar, the chat view and the editor
// tab's serializer, and returns the API. Everything else lives in the modules it wires together.
import * as vscode from 'vscode';
import type { TcpChatApi } from './api';
import { ChatController } from './chatController';
import { registerCommands } from './commands/sessionCommands';
import { LogChannel } from './logChannel';
import { PANEL_VIEW_TYPE } from './panel/chatPanel';
import { CHAT_VIEW_ID, CHAT_VIEW_OPTIONS } from './panel/chatView';

let active: { controller: ChatController; log: LogChannel } | undefined;

export function activate(context: vscode.ExtensionContext): TcpChatApi {
  const log = new LogChannel(vscode.window.createOutputChannel(vscode.l10n.t('TCP Chat'), { log: true }));
  context.subscriptions.push(log);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  log.info(`TCP Chat ${version} in VS Code ${vscode.version} (${process.platform}, Node ${process.versions.node})`);
  const controller = new ChatController(context, log);
  active = { controller, log };
  context.subscriptions.push(controller);
  registerCommands(context, controller);
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpChat.showLog', () => log.show()),
    vscode.commands.registerCommand('tcpChat.openInEditor', () => controller.surfaces.showEditor()),
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, controller.surfaces, CHAT_VIEW_OPTIONS),
    // A tab left open survives a window reload: VS Code hands it back here and the webview asks for a snapshot.
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => controller.surfaces.revivePanel(panel),
    }),
  );
  return {
    get session() {
      return controller.session;
    },
    get recentLog() {
      return log.recent;
    },
    get unread() {
      return controller.unread;
    },
  };
}

/** VS Code waits for this promise: peers are told goodbye and the log is closed before the host exits. Then the
 *  engine's diagnostics stop going to the log channel. */
export async function deactivate(): Promise<void> {
  try {
    await active?.controller.stop('VS Code is closing');
  } finally {
    active?.log.dispose();
    active = undefined;
  }
}

// Entry point: creates the "TCP Chat" log, registers the commands, the status bar and the panel serializer, and
// returns the API. Everything else lives in the modules it wires together.
import * as vscode from 'vscode';
import type { TcpChatApi } from './api';
import { ChatController } from './chatController';
import { registerCommands } from './commands/sessionCommands';
import { LogChannel } from './logChannel';
import { PANEL_VIEW_TYPE } from './panel/chatPanel';

let active: { controller: ChatController; log: LogChannel } | undefined;

export function activate(context: vscode.ExtensionContext): TcpChatApi {
  const log = new LogChannel(vscode.window.createOutputChannel('TCP Chat', { log: true }));
  context.subscriptions.push(log);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  log.info(`TCP Chat ${version} in VS Code ${vscode.version} (${process.platform}, Node ${process.versions.node})`);
  const controller = new ChatController(context, log);
  active = { controller, log };
  context.subscriptions.push(controller);
  registerCommands(context, controller);
  context.subscriptions.push(vscode.commands.registerCommand('tcpChat.showLog', () => log.show()));
  // A panel left open survives a window reload: VS Code hands it back here and the webview asks for a snapshot.
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => controller.revivePanel(panel),
    }),
  );
  return {
    get session() {
      return controller.session;
    },
    get recentLog() {
      return log.recent;
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

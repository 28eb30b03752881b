// Entry point: registers the commands, the status bar and the panel serializer, and returns the API.
// Everything else lives in the modules it wires together.
import * as vscode from 'vscode';
import type { TcpChatApi } from './api';
import { ChatController } from './chatController';
import { PANEL_VIEW_TYPE } from './panel/chatPanel';
import { registerCommands } from './commands/sessionCommands';

let active: ChatController | undefined;

export function activate(context: vscode.ExtensionContext): TcpChatApi {
  const controller = new ChatController(context);
  active = controller;
  context.subscriptions.push(controller);
  registerCommands(context, controller);
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
  };
}

/** VS Code waits for this promise: peers are told goodbye and the log is closed before the host exits. */
export async function deactivate(): Promise<void> {
  await active?.stop('VS Code is closing');
  active = undefined;
}

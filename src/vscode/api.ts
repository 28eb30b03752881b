// What activate() returns: tests reach the running session through it
// (vscode.extensions.getExtension('tcp-chat.tcp-chat')!.activate()).
import type { ChatSession } from '../chat';

export interface TcpChatApi {
  /** The running chat session, if any. */
  readonly session: ChatSession | undefined;
  /** The newest lines written to the "TCP Chat" log channel, oldest first, each `info …` or `error …` (an output
   *  channel cannot be read back, so tests read these). */
  readonly recentLog: readonly string[];
  /** Messages from others that arrived while no chat surface was in view (the view's badge, the tab title). */
  readonly unread: number;
}

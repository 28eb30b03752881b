// What the host does for each message the panel posts: the composer's Send (text, /commands, images, answered
// with a sendResult so the composer keeps a refused draft), opening an image, and the panel's buttons (which run
// the same palette commands).
import * as vscode from 'vscode';
import { ChatError, errorMessage, parseInput, type ChatSession, type Notice } from '../../chat';
import type { HostToWebview, ImagePayload, WebviewToHost } from '../../webviewApi';
import type { SessionInfo } from '../chatController';
import { openCode, openLink, openWorkspaceFile, type Explain } from './codeActions';
import { handleFileRequest, type FileActionsHost } from '../files/fileActions';

/** Image sending and attaching, implemented in commands/messageCommands.ts (it owns file reading and limits). */
export interface ImageActions {
  pick(): Promise<void>;
  attachUri(uri: string): Promise<void>;
  /** Rejects when the image is refused or the send fails. */
  sendFile(uri: vscode.Uri): Promise<void>;
  /** Rejects when the image is refused or the send fails. */
  sendFromWebview(text: string, image: ImagePayload): Promise<void>;
}

/** What a panel request needs from the chat controller. */
export interface PanelRequestHost extends FileActionsHost {
  /** The running session, if any. */
  readonly info: SessionInfo | undefined;
  /** The last session shown (running or ended). */
  readonly shown: SessionInfo | undefined;
  readonly imageActions: ImageActions | undefined;
  stop(reason?: string): Promise<void>;
  localNotice(level: Notice['level'], text: string, code?: string): void;
  alreadyShown(session: ChatSession, text: string): boolean;
}

/** Posts to the surface the request came from (each has its own composer and send refs). */
export type Reply = (message: HostToWebview) => void;

export async function handlePanelRequest(host: PanelRequestHost, message: WebviewToHost, reply: Reply): Promise<void> {
  switch (message.type) {
    case 'send':
      return sendFromPanel(host, reply, message.ref, message.text, message.image);
    case 'pickImage':
      return host.imageActions?.pick();
    case 'attachUri':
      return host.imageActions?.attachUri(message.uri);
    case 'openImage':
      return openImage(host, message.id);
    case 'openLogs':
      await vscode.commands.executeCommand('tcpChat.openLogs');
      return;
    case 'stop':
      await vscode.commands.executeCommand(host.info?.role === 'server' ? 'tcpChat.stopServer' : 'tcpChat.disconnect');
      return;
    case 'admit':
      await vscode.commands.executeCommand('tcpChat.admitNext', message.peerId);
      return;
    case 'kick':
      await vscode.commands.executeCommand('tcpChat.kick', message.peerId);
      return;
    case 'ban':
      await vscode.commands.executeCommand('tcpChat.ban', message.peerId);
      return;
    case 'run':
      await vscode.commands.executeCommand(
        message.command === 'startServer' ? 'tcpChat.startServer' : 'tcpChat.connect',
      );
      return;
    case 'openCode':
      return openCode(message.language, message.content);
    case 'openLink':
      return openLink(message.url, explainTo(host));
    case 'openFile':
      return openWorkspaceFile(message.path, message.line, explainTo(host));
    case 'error':
      host.localNotice('error', message.text, 'panel');
      return;
    case 'ready':
      return;
    default:
      return handleFileRequest(host, message); // the file cards' buttons and dropped files
  }
}

/** Why a body request (a link, a file label) did not open: an info line in the chat. */
function explainTo(host: PanelRequestHost): Explain {
  return (text, code) => host.localNotice('info', text, code);
}

/** Sends what the composer posted and answers with a sendResult, so the composer clears only on success.
 *  Every refusal is also a red line in the list (the session's own notice, or one added here). */
async function sendFromPanel(
  host: PanelRequestHost,
  reply: Reply,
  ref: number,
  text: string,
  image: ImagePayload | undefined,
): Promise<void> {
  const info = host.info;
  try {
    if (!info)
      throw new ChatError(
        'not-connected',
        vscode.l10n.t('Not connected: start a server or connect to one first (Command Palette → TCP Chat).'),
      );
    await deliverFromPanel(info.session, text, image, host.imageActions, () => host.stop('left'));
    reply({ type: 'sendResult', ref, ok: true });
  } catch (error) {
    const reason = errorMessage(error);
    if (!info || !host.alreadyShown(info.session, reason))
      host.localNotice('error', reason, error instanceof ChatError ? error.code : 'send-failed');
    reply({ type: 'sendResult', ref, ok: false, error: reason });
  }
}

/** Resolves when the line or image went out and rejects when it did not (the red line is the session's notice
 *  or the caller's). */
async function deliverFromPanel(
  session: ChatSession,
  text: string,
  image: ImagePayload | undefined,
  images: ImageActions | undefined,
  quit: () => Promise<void>,
): Promise<void> {
  if (image) {
    await images?.sendFromWebview(text, image);
    return;
  }
  // Text and /msg go straight to session.send (which rejects on failure, after its error notice);
  // session.input would swallow the failure and the composer would lose the line.
  const parsed = parseInput(text);
  switch (parsed.kind) {
    case 'text':
      return session.send({ text: parsed.text });
    case 'msg':
      return session.send({ to: parsed.to, text: parsed.text });
    case 'me':
      return session.send({ text: parsed.text, action: true });
    case 'image':
      return images?.sendFile(vscode.Uri.file(parsed.path));
    case 'quit':
      return quit();
    default: {
      // The session acts on the rest (and on the host's /admit, /kick, /ban, which parseInput does not know), and
      // shows a mistake as its error notice.
      const result = await session.input(text);
      if (result.kind === 'error') throw new ChatError('bad-command', result.message);
    }
  }
}

async function openImage(host: PanelRequestHost, id: string): Promise<void> {
  const entry = host.shown?.session.history.find((e) => e.kind === 'message' && e.message.id === id);
  const saved = entry?.kind === 'message' ? entry.message.image?.savedPath : undefined;
  if (!saved) {
    host.localNotice(
      'error',
      vscode.l10n.t('That image was not saved, so it cannot be opened (see the log).'),
      'image-missing',
    );
    return;
  }
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(saved), {
    preview: true,
    viewColumn: vscode.ViewColumn.Active,
  });
}

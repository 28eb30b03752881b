// Offering files and answering the file cards: TCP Chat: Send File… (palette and Explorer menu), the panel's
// Attach and drops of anything that is not an image, and the cards' Accept, Save As…, Decline, Cancel, Open and
// Reveal. The webview names messages and transfers by id only: paths come from the host's own records.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatError, errorMessage, formatBytes, type ChatSession } from '../../chat';
import type { FileRequest } from '../../webviewApi';
import type { SessionInfo } from '../chatController';
import { readSettings } from '../settings/chatSettings';
import { defaultSaveName } from './fileNames';
import type { FileTransfers } from './fileTransfers';

/** What the file actions need from the chat controller. */
export interface FileActionsHost {
  /** The running session, if any. */
  readonly info: SessionInfo | undefined;
  readonly files: FileTransfers;
  /** True when the session already put this error in the panel (then only a notification is added). */
  alreadyShown(session: ChatSession, text: string): boolean;
  toastError(text: string): void;
}

function requireSession(host: FileActionsHost): ChatSession {
  const session = host.info?.session;
  if (!session)
    throw new ChatError(
      'not-connected',
      vscode.l10n.t(
        'Not connected: start a server or connect to one first (“TCP Chat: Start Server” / “TCP Chat: Connect…”).',
      ),
    );
  return session;
}

function tooLarge(name: string, size: number, max: number): ChatError {
  return new ChatError(
    'file-too-large',
    vscode.l10n.t(
      '“{0}” is {1}; the limit is {2} (setting tcpChat.files.maxFileMb).',
      name,
      formatBytes(size),
      formatBytes(max),
    ),
  );
}

/** Offers a file on disk to the room; `name` is what receivers see (default its own name). Rejects when it is
 *  refused (a folder, too big, not connected) or the send fails (the session's error notice says why). */
export async function offerFile(host: FileActionsHost, uri: vscode.Uri, name?: string): Promise<void> {
  const session = requireSession(host);
  if (uri.scheme !== 'file')
    throw new ChatError('bad-uri', vscode.l10n.t('Only files on this computer can be sent ({0}).', uri.toString()));
  const shown = name ?? path.basename(uri.fsPath);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory)
    throw new ChatError('file-refused', vscode.l10n.t('“{0}” is a folder: send its files one by one.', shown));
  const max = readSettings().maxFileBytes;
  if (stat.size > max) throw tooLarge(shown, stat.size, max);
  await session.send({ file: name === undefined ? { path: uri.fsPath } : { path: uri.fsPath, name } });
}

/** offerFile, for the panel and the commands: a refusal the session already showed (its red line is in the panel)
 *  becomes a notification only; any other is thrown, to be shown by the caller. */
export async function offerFileOnce(host: FileActionsHost, uri: vscode.Uri, name?: string): Promise<void> {
  try {
    await offerFile(host, uri, name);
  } catch (error) {
    const session = host.info?.session;
    if (!session || !host.alreadyShown(session, errorMessage(error))) throw error;
    host.toastError(errorMessage(error));
  }
}

/** A file dropped from outside VS Code, as bytes: kept in a temporary file and offered under its own name. */
export async function offerDropped(host: FileActionsHost, name: string, base64: string): Promise<void> {
  requireSession(host);
  const max = readSettings().maxFileBytes;
  const size = Math.floor((base64.length * 3) / 4);
  if (size > max + 2) throw tooLarge(name, size, max); // before decoding
  const temporary = await host.files.keepDropped(Buffer.from(base64, 'base64'));
  await offerFileOnce(host, vscode.Uri.file(temporary), name);
}

export async function pickAndOfferFile(host: FileActionsHost): Promise<void> {
  requireSession(host);
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('TCP Chat: Send File'),
    canSelectMany: false,
    openLabel: vscode.l10n.t('Send'),
  });
  if (picked?.[0]) await offerFileOnce(host, picked[0]);
}

function offerOf(session: ChatSession, messageId: string) {
  const entry = session.history.find((e) => e.kind === 'message' && e.message.id === messageId);
  const file = entry?.kind === 'message' ? entry.message.file : undefined;
  if (!file) throw new ChatError('unknown-file', vscode.l10n.t('That file offer is no longer available.'));
  return file;
}

/** The cards' buttons. Throws ChatError (shown as a red line and a notification) for what cannot be done. */
export async function handleFileRequest(host: FileActionsHost, request: FileRequest): Promise<void> {
  switch (request.type) {
    case 'acceptFile':
      return requireSession(host).acceptFile(request.id);
    case 'saveFileAs': {
      const session = requireSession(host);
      const offer = offerOf(session, request.id);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
      const target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save “{0}” as', offer.name),
        defaultUri: vscode.Uri.file(path.join(folder, defaultSaveName(offer.name))),
        saveLabel: vscode.l10n.t('Accept and Save'),
      });
      if (target) session.acceptFile(request.id, target.fsPath);
      return;
    }
    case 'declineFile':
      return requireSession(host).declineFile(request.id);
    case 'cancelTransfer':
      return requireSession(host).cancelTransfer(request.id);
    case 'openSavedFile':
    case 'revealSavedFile': {
      const saved = host.files.records.savedPath(request.id);
      if (!saved)
        throw new ChatError('unknown-file', vscode.l10n.t('That file was not saved, so it cannot be opened.'));
      const uri = vscode.Uri.file(saved);
      if (request.type === 'openSavedFile') await vscode.commands.executeCommand('vscode.open', uri);
      else await vscode.commands.executeCommand('revealFileInOS', uri);
      return;
    }
    case 'offerDroppedFile':
      return offerDropped(host, request.name, request.base64);
  }
}

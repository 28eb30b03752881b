// Sending things other than typed text: the editor selection as a code message, image files (palette,
// Explorer menu, the panel's attach button, drops and pastes), and opening the chat logs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatError, checkImage, errorMessage, formatBytes, IMAGE_EXTENSIONS, parseInput } from '../../chat';
import type { ChatController } from '../chatController';
import { offerFileOnce, pickAndOfferFile } from '../files/fileActions';
import { isImageName } from '../files/fileNames';
import { logLocation, readSettings } from '../settings/chatSettings';

type Register = <A extends unknown[]>(id: string, body: (...args: A) => Promise<void>) => void;

/** Reads an image file, refusing what is too big or not an image (checked by magic bytes, not the name). */
async function readImage(uri: vscode.Uri): Promise<{ bytes: Uint8Array; mime: string; name: string }> {
  const maxBytes = readSettings().maxImageBytes;
  const name = path.basename(uri.path);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory)
    throw new ChatError('image-type', vscode.l10n.t('“{0}” is a folder, not an image.', name));
  if (stat.size > maxBytes) {
    throw new ChatError(
      'image-too-large',
      vscode.l10n.t(
        '“{0}” is {1}; the limit is {2} (setting tcpChat.maxImageSizeMB).',
        name,
        formatBytes(stat.size),
        formatBytes(maxBytes),
      ),
    );
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  try {
    return { bytes, mime: checkImage(bytes, maxBytes), name };
  } catch (error) {
    throw new ChatError(
      error instanceof ChatError ? error.code : 'image-type',
      vscode.l10n.t('“{0}”: {1}', name, errorMessage(error)),
    );
  }
}

async function pickImageFile(title: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { [vscode.l10n.t('Images')]: [...IMAGE_EXTENSIONS] },
    openLabel: vscode.l10n.t('Send'),
  });
  return picked?.[0];
}

function requireSession(controller: ChatController) {
  const info = controller.info;
  if (!info)
    throw new ChatError(
      'not-connected',
      vscode.l10n.t(
        'Not connected: start a server or connect to one first (“TCP Chat: Start Server” / “TCP Chat: Connect…”).',
      ),
    );
  return info.session;
}

export function registerMessageCommands(
  context: vscode.ExtensionContext,
  controller: ChatController,
  register: Register,
): void {
  /** Sends through the session; a failure is already an error notice in the panel and the log, so only a
   *  notification is added. */
  async function send(message: Parameters<ReturnType<typeof requireSession>['send']>[0]): Promise<void> {
    const session = requireSession(controller);
    try {
      await session.send(message);
    } catch (error) {
      controller.toastError(errorMessage(error));
    }
  }

  /** Reads and sends an image file; rejects when it is refused or the send fails (the panel's /image PATH
   *  needs to know, so the composer keeps the line). */
  async function sendFileOrThrow(uri: vscode.Uri): Promise<void> {
    const session = requireSession(controller);
    const image = await readImage(uri);
    await session.send({ image: Buffer.from(image.bytes) });
  }

  async function sendFile(uri: vscode.Uri): Promise<void> {
    requireSession(controller);
    const image = await readImage(uri);
    await send({ image: Buffer.from(image.bytes) });
  }

  register('tcpChat.sendSelection', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new ChatError('no-editor', vscode.l10n.t('Open a file and select some code to send.'));
    requireSession(controller);
    const { document, selection } = editor;
    const text = selection.isEmpty ? document.lineAt(selection.active.line).text : document.getText(selection);
    if (!text.trim())
      throw new ChatError('empty-message', vscode.l10n.t('Nothing to send: the selection (or current line) is empty.'));
    const file = document.isUntitled ? document.fileName : vscode.workspace.asRelativePath(document.uri, false);
    const line = (selection.isEmpty ? selection.active.line : selection.start.line) + 1;
    await send({ text, code: { language: document.languageId, file, line } });
  });

  register('tcpChat.sendImage', async (uri?: vscode.Uri) => {
    requireSession(controller);
    const target = uri instanceof vscode.Uri ? uri : await pickImageFile(vscode.l10n.t('TCP Chat: Send Image'));
    if (!target) return;
    await sendFile(target);
  });

  // Any file: offered to the room, each receiver accepting or declining it on its card.
  register('tcpChat.sendFile', async (uri?: vscode.Uri) => {
    requireSession(controller);
    if (uri instanceof vscode.Uri) await offerFileOnce(controller, uri);
    else await pickAndOfferFile(controller);
  });

  register('tcpChat.openLogs', async () => {
    const transcript = controller.shown?.session.transcript;
    const dir = transcript?.dir ?? logLocation(context).dir;
    if (!fs.existsSync(dir)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No chat logs yet: they will be saved in {0}', dir));
      return;
    }
    const dirUri = vscode.Uri.file(dir);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(dirUri) !== undefined;
    await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', dirUri);
    const logFile = transcript?.logFile ?? newestLog(dir);
    if (logFile)
      await vscode.window.showTextDocument(vscode.Uri.file(logFile), { preview: false, preserveFocus: false });
  });

  controller.imageActions = {
    // The panel's Attach and drops take any file: an image is previewed in the composer; any other is offered.
    pick: async () => {
      const picked = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('TCP Chat: Attach an Image or a File'),
        canSelectMany: false,
        openLabel: vscode.l10n.t('Attach'),
      });
      const uri = picked?.[0];
      if (!uri) return;
      if (!isImageName(uri.path)) return offerFileOnce(controller, uri);
      const image = await readImage(uri);
      controller.postAttachment(image.name, image.mime, image.bytes);
    },
    attachUri: async (text: string) => {
      let uri: vscode.Uri;
      try {
        uri = vscode.Uri.parse(text, true);
      } catch {
        throw new ChatError('bad-uri', vscode.l10n.t('The dropped item is not a file.'));
      }
      if (!isImageName(uri.path)) return offerFileOnce(controller, uri);
      const image = await readImage(uri);
      controller.postAttachment(image.name, image.mime, image.bytes);
    },
    sendFile: sendFileOrThrow,
    sendFromWebview: async (text, image) => {
      const session = requireSession(controller);
      const maxBytes = readSettings().maxImageBytes;
      // Refuse before decoding: base64 is 4/3 of the bytes.
      if (Math.floor((image.base64.length * 3) / 4) > maxBytes + 2) {
        throw new ChatError(
          'image-too-large',
          vscode.l10n.t(
            '“{0}” is larger than the {1} limit (setting tcpChat.maxImageSizeMB).',
            image.name,
            formatBytes(maxBytes),
          ),
        );
      }
      const bytes = Buffer.from(image.base64, 'base64');
      checkImage(bytes, maxBytes);
      const parsed = parseInput(text);
      // session.send rejects on failure (after adding the error notice), so the composer keeps the image.
      if (parsed.kind === 'msg') return session.send({ to: parsed.to, text: parsed.text, image: bytes });
      if (parsed.kind === 'text') return session.send({ text: parsed.text, image: bytes });
      if (parsed.kind === 'empty') return session.send({ image: bytes });
      throw new ChatError('bad-command', vscode.l10n.t('Only plain text or /msg NAME text can go with an image.'));
    },
  };
}

/** The most recent chat_log_*.txt in a folder (names sort by time). */
function newestLog(dir: string): string | undefined {
  try {
    const logs = fs
      .readdirSync(dir)
      .filter((n) => /^chat_log_\d{8}_\d{6}(_\d+)?\.txt$/.test(n))
      .sort();
    return logs.length ? path.join(dir, logs[logs.length - 1]) : undefined;
  } catch {
    return undefined;
  }
}

// What the composer's Send does on the host. Resolves when the line or image went out and rejects when it did
// not, so the composer can keep what the user typed (the red line is the session's notice or the caller's).
import * as vscode from 'vscode';
import { parseInput } from '../../chat';
import { ChatError } from '../../chat';
import type { ChatSession } from '../../chat';
import type { ImagePayload } from '../../webviewApi';

/** Image sending and attaching, implemented in messaging.ts (it owns file reading and size limits). */
export interface ImageActions {
  pick(): Promise<void>;
  attachUri(uri: string): Promise<void>;
  /** Rejects when the image is refused or the send fails. */
  sendFile(uri: vscode.Uri): Promise<void>;
  /** Rejects when the image is refused or the send fails. */
  sendFromWebview(text: string, image: ImagePayload): Promise<void>;
}

export async function deliverFromPanel(
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
    case 'image':
      return images?.sendFile(vscode.Uri.file(parsed.path));
    case 'quit':
      return quit();
    case 'error':
      await session.input(text); // the session shows the usage mistake as its error notice
      throw new ChatError('bad-command', parsed.message);
    default:
      await session.input(text);
  }
}

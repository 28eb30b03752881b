// What the host does for the requests from message bodies: a code block opened as an untitled document, a web
// link opened through VS Code, a code block's `file:line` label opened when that file is in this workspace.
// Everything here came from a peer through the panel: re-checked before use, whatever the panel checked.
import * as vscode from 'vscode';
import { isWebUrl, workspaceRelativePath } from '../../webviewApi';

/** Tells the user why nothing opened (a line in the chat). */
export type Explain = (text: string, code: string) => void;

/** An untitled editor with the code, in its language when VS Code knows it (plain text otherwise). */
export async function openCode(language: string, content: string): Promise<void> {
  const known = await vscode.languages.getLanguages();
  const document = await vscode.workspace.openTextDocument({
    language: known.includes(language) ? language : 'plaintext',
    content,
  });
  await vscode.window.showTextDocument(document, { preview: false });
}

/** An http(s) link, through openExternal (which asks the user before following a domain they have not
 *  trusted). Any other scheme, before or after parsing, is refused and never followed. */
export async function openLink(url: string, explain: Explain): Promise<void> {
  const uri = isWebUrl(url) ? vscode.Uri.parse(url, true) : undefined;
  if (!uri || (uri.scheme !== 'http' && uri.scheme !== 'https') || uri.authority === '') {
    explain(vscode.l10n.t('That link was not opened: only http and https links open from the chat.'), 'link-refused');
    return;
  }
  await vscode.env.openExternal(uri);
}

/** Opens `path` (relative to a workspace folder) at `line`, when exactly that file is in the workspace; a
 *  path that could reach outside it is refused, and nothing outside the workspace folders is ever searched. */
export async function openWorkspaceFile(path: string, line: number | undefined, explain: Explain): Promise<void> {
  const relative = workspaceRelativePath(path);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const found = relative ? await findInWorkspace(folders, relative) : undefined;
  if (!found) {
    explain(
      vscode.l10n.t('{0} is not a file in this workspace, so it was not opened.', path.slice(0, 200)),
      'file-not-found',
    );
    return;
  }
  const at = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
  await vscode.window.showTextDocument(found, { preview: true, selection: new vscode.Range(at, at) });
}

/** The file at `relative` under a workspace folder; else the one file anywhere in the workspace whose path ends
 *  with it (the sender's workspace may be a sub-folder of ours). files.exclude applies (undefined, not null). */
async function findInWorkspace(
  folders: readonly vscode.WorkspaceFolder[],
  relative: string,
): Promise<vscode.Uri | undefined> {
  for (const folder of folders) {
    const [exact] = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, relative), undefined, 1);
    if (exact) return exact;
  }
  for (const folder of folders) {
    const ends = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, `**/${relative}`), undefined, 2);
    if (ends.length === 1) return ends[0];
  }
  return undefined;
}

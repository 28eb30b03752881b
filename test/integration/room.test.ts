// Hosting a room from VS Code: Start Server, then peers on real loopback sockets — the engine's own ChatClient
// and a raw socket speaking plain text like `nc` — chat with the host; the log lands in the workspace; Send
// Selection, Send Image and Send File reach the peers intact, and a member's file reaches the host's files/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatClient } from '../../src/chat/client/chatClient';
import type { ChatMessage } from '../../src/chat/core/events';
import type { TcpChatApi } from '../../src/vscode/api';
import {
  activateExtension,
  describeHistory,
  endSession,
  historyMessages,
  RawPeer,
  requireSession,
  startServer,
  waitFor,
  waitForHistoryMessage,
  workspaceFolder,
} from './helpers';
import { makePng } from './png';

/** The engine's client plus everything it received, for assertions. */
async function connectAlice(port: number): Promise<{ client: ChatClient; received: ChatMessage[] }> {
  const client = new ChatClient({ host: '127.0.0.1', port, name: 'Alice', connectTimeoutMs: 5000 });
  const received: ChatMessage[] = [];
  client.on('message', (message) => {
    if (!message.own) received.push(message);
  });
  await client.connect();
  return { client, received };
}

function waitForReceived(
  received: ChatMessage[],
  match: (m: ChatMessage) => boolean,
  what: string,
): Promise<ChatMessage> {
  return waitFor(() => received.find(match), what, {
    describe: () =>
      `received so far:\n${received.map((m) => `  ${m.from.name}: ${JSON.stringify(m.text)}`).join('\n')}`,
  });
}

describe('room: the host chats with loopback peers', function () {
  let api: TcpChatApi;
  let port: number;
  let alice: { client: ChatClient; received: ChatMessage[] };
  let carol: RawPeer;

  before(async () => {
    api = await activateExtension();
    port = await startServer(api, 0);
    alice = await connectAlice(port);
    carol = await RawPeer.connect(port);
    await carol.waitForText('\n'); // the server's greeting line comes first
    carol.sendLine('/name Carol'); // a plain-text peer is in the room at once as guest-N; /name picks a name
    await waitFor(() => api.session?.endpoint.roster.active.some((p) => p.name === 'Carol'), 'Carol in the roster', {
      describe: () => JSON.stringify(api.session?.endpoint.roster),
    });
  });

  after(async () => {
    await carol?.close();
    await alice?.client.close();
    if (api) await endSession(api);
  });

  it('the host sees both peers’ messages under their names and both see the host’s reply', async () => {
    await alice.client.send({ text: 'hello from Alice' });
    carol.sendLine('hi from Carol, plain text');
    const fromAlice = await waitForHistoryMessage(api, 'Alice', 'hello from Alice');
    const fromCarol = await waitForHistoryMessage(api, 'Carol', 'hi from Carol, plain text');
    assert.equal(fromAlice.text, 'hello from Alice');
    assert.equal(fromAlice.from.kind, 'native');
    assert.match(fromAlice.from.address, /^127\.0\.0\.1:\d+$/);
    assert.equal(fromCarol.from.kind, 'plain');

    const session = requireSession(api);
    const hostName = session.endpoint.self?.name;
    assert.ok(hostName, 'the host has a name');
    await session.send({ text: 'welcome, both of you' });
    const atAlice = await waitForReceived(
      alice.received,
      (m) => m.text === 'welcome, both of you',
      'the host’s message at Alice',
    );
    assert.equal(atAlice.from.name, hostName);
    // Plain-text peers get `[HH:MM:SS] name: text` lines.
    await carol.waitForText(new RegExp(`\\[\\d\\d:\\d\\d:\\d\\d\\] ${hostName}: welcome, both of you`));
    // …and each peer sees the other one.
    await carol.waitForText(/Alice: hello from Alice/);
    await waitForReceived(
      alice.received,
      (m) => m.from.name === 'Carol' && m.text === 'hi from Carol, plain text',
      'Carol’s line at Alice',
    );
  });

  it('writes the chat log into the workspace folder, chat_logs/chat_log_*.txt, with those lines', async () => {
    const session = requireSession(api);
    const logFile = session.transcript?.logFile;
    assert.ok(logFile, 'the session has a transcript');
    const logDir = path.join(workspaceFolder().fsPath, 'chat_logs');
    assert.equal(path.dirname(logFile), logDir);
    assert.match(path.basename(logFile), /^chat_log_\d{8}_\d{6}(_\d+)?\.txt$/);
    assert.ok(fs.readdirSync(logDir).includes(path.basename(logFile)), `${logFile} is not in ${logDir}`);
    const log = await waitFor(() => {
      const text = fs.readFileSync(logFile, 'utf8');
      return text.includes('welcome, both of you') && text;
    }, 'the host’s message in the log file');
    assert.match(log, /\[\d\d:\d\d:\d\d\] Alice \(127\.0\.0\.1:\d+\): hello from Alice/);
    assert.match(log, /\[\d\d:\d\d:\d\d\] Carol \(127\.0\.0\.1:\d+\): hi from Carol, plain text/);
  });

  it('Send Selection as Message sends the selected code with its language and file:line', async () => {
    const file = vscode.Uri.joinPath(workspaceFolder(), 'greet.ts');
    await vscode.workspace.fs.writeFile(
      file,
      Buffer.from('// line 1\nexport function greet(name: string) {\n  return `hi ${name}`;\n}\n'),
    );
    const editor = await vscode.window.showTextDocument(file);
    editor.selection = new vscode.Selection(1, 0, 3, 1); // lines 2–4 (1-based), the whole function
    const selected = editor.document.getText(editor.selection);
    await vscode.commands.executeCommand('tcpChat.sendSelection');
    const code = await waitForReceived(
      alice.received,
      (m) => m.code !== undefined && m.text === selected,
      'the code message at Alice',
    );
    assert.equal(code.code?.language, 'typescript');
    assert.equal(code.code?.file, 'greet.ts');
    assert.equal(code.code?.line, 2);
    assert.ok(
      historyMessages(requireSession(api)).some((m) => m.own && m.code?.line === 2),
      `the host's own history shows the code message\n${describeHistory(api.session)}`,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Send Image… with a PNG Uri delivers the exact bytes to the peer', async () => {
    const png = makePng(64, 48);
    const file = vscode.Uri.joinPath(workspaceFolder(), 'gradient.png');
    await vscode.workspace.fs.writeFile(file, png);
    await vscode.commands.executeCommand('tcpChat.sendImage', file);
    const withImage = await waitForReceived(alice.received, (m) => m.image !== undefined, 'the image at Alice');
    assert.equal(withImage.image?.mime, 'image/png');
    assert.ok(
      withImage.image?.bytes.equals(png),
      `image bytes differ (${withImage.image?.bytes.length} vs ${png.length})`,
    );
    // The plain-text peer cannot show images: it is told in one line instead.
    await carol.waitForText(/image/i);
  });

  it('Send File… from the Explorer offers any file: Alice accepts and gets it byte-identical; the plain peer is told', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 'notes from the lab ');
    const file = vscode.Uri.joinPath(workspaceFolder(), 'lab notes.txt');
    await vscode.workspace.fs.writeFile(file, bytes);
    await vscode.commands.executeCommand('tcpChat.sendFile', file); // what the Explorer's context menu passes
    const offer = await waitForReceived(alice.received, (m) => m.file !== undefined, 'the file offer at Alice');
    assert.deepEqual([offer.file?.name, offer.file?.size], ['lab notes.txt', bytes.length]);
    const folder = fs.mkdtempSync(path.join(workspaceFolder().fsPath, 'alice-files-'));
    let savedPath: string | undefined;
    alice.client.on('transfer', (progress) => {
      if (progress.messageId === offer.id && progress.state === 'done') savedPath = progress.savedPath;
    });
    alice.client.acceptFile(offer.id, { folder });
    await waitFor(() => savedPath, 'the file saved at Alice');
    assert.equal(path.dirname(savedPath!), folder);
    assert.ok(fs.readFileSync(savedPath!).equals(bytes), 'the saved file has the bytes sent');
    await carol.waitForText(/lab notes\.txt/);
  });

  it('a file Alice offers is saved by the host under the log folder’s files/ when accepted', async () => {
    const bytes = Buffer.from('from Alice, a small file\n'.repeat(1000));
    const source = path.join(fs.mkdtempSync(path.join(workspaceFolder().fsPath, 'alice-out-')), 'report.csv');
    fs.writeFileSync(source, bytes);
    await alice.client.send({ file: { path: source } });
    const session = requireSession(api);
    const offer = await waitFor(
      () => historyMessages(session).find((m) => !m.own && m.file?.name === 'report.csv'),
      'the offer in the host’s history',
      { describe: () => describeHistory(session) },
    );
    let savedPath: string | undefined;
    session.on('transfer', (progress) => {
      if (progress.messageId === offer.id && progress.state === 'done') savedPath = progress.savedPath;
    });
    session.acceptFile(offer.id);
    await waitFor(() => savedPath, 'the file saved by the host');
    assert.equal(path.dirname(savedPath!), path.join(path.dirname(session.transcript!.logFile), 'files'));
    assert.ok(fs.readFileSync(savedPath!).equals(bytes), 'the saved file has the bytes Alice sent');
  });
});

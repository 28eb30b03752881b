// One-to-one mode (seats = 1: one client chats, the others wait in line): the second client waits as #1 in line
// and is admitted when the first leaves. And Connect to a closed port reports the failure instead of throwing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatClient } from '../../src/chat/client/chatClient';
import type { TcpChatApi } from '../../src/vscode/api';
import {
  activateExtension,
  describeHistory,
  endSession,
  freePort,
  requireSession,
  startServer,
  waitFor,
  workspaceFolder,
} from './helpers';

describe('one-to-one mode: a waiting queue', () => {
  let api: TcpChatApi;
  const clients: ChatClient[] = [];

  before(async () => {
    api = await activateExtension();
  });
  after(async () => {
    for (const client of clients) await client.close();
    await endSession(api);
  });

  function client(name: string, port: number): ChatClient {
    const made = new ChatClient({ host: '127.0.0.1', port, name, connectTimeoutMs: 5000 });
    clients.push(made);
    return made;
  }

  it('queues a second client at position 1 and admits it when the first leaves', async () => {
    const port = await startServer(api, 1);
    const first = client('First', port);
    await first.connect();
    assert.equal(first.state, 'active');

    const second = client('Second', port);
    const positions: (number | null)[] = [];
    second.on('queue', (position) => positions.push(position));
    await second.connect();
    await waitFor(() => second.queuePosition === 1, 'Second to be #1 in line', {
      describe: () => `state ${second.state}, positions ${JSON.stringify(positions)}`,
    });
    assert.equal(second.state, 'waiting');
    const roster = requireSession(api).endpoint.roster;
    assert.equal(roster.seats, 1);
    assert.deepEqual(
      roster.waiting.map((p) => p.name),
      ['Second'],
      'the host sees Second waiting',
    );
    // A waiting client may not chat yet.
    await assert.rejects(second.send({ text: 'can I talk?' }));

    await first.close();
    await waitFor(() => second.state === 'active' && second.queuePosition === null, 'Second to be admitted', {
      describe: () => `state ${second.state}, position ${second.queuePosition}`,
    });
    await waitFor(() => requireSession(api).endpoint.roster.waiting.length === 0, 'the host’s queue to empty');
    assert.ok(
      requireSession(api).endpoint.roster.active.some((p) => p.name === 'Second'),
      'Second is chatting at the host',
    );
    await second.send({ text: 'my turn now' });
    await waitFor(
      () =>
        requireSession(api).history.some(
          (e) => e.kind === 'message' && e.message.from.name === 'Second' && e.message.text === 'my turn now',
        ),
      'Second’s message at the host',
      { describe: () => describeHistory(api.session) },
    );
  });
});

describe('Connect… to an address where nothing listens', () => {
  let api: TcpChatApi;
  before(async () => {
    api = await activateExtension();
    await endSession(api);
  });
  after(async () => {
    await endSession(api);
  });

  // The extension's API only exposes a *running* session, and a refused connect ends at once; so this checks what
  // the user is left with: the command resolved, the error line is in the chat log in the workspace, and the
  // window is free for the next session.
  it('reports a clear error (in the chat log) and does not throw', async () => {
    const closedPort = await freePort(); // free = nothing listens there
    const logDir = path.join(workspaceFolder().fsPath, 'chat_logs');
    const logsBefore = new Set(fs.existsSync(logDir) ? fs.readdirSync(logDir) : []);
    await vscode.commands.executeCommand('tcpChat.connect', { host: '127.0.0.1', port: closedPort, name: 'Nobody' });
    const newLogs = () =>
      fs.existsSync(logDir)
        ? fs.readdirSync(logDir).filter((name) => name.endsWith('.txt') && !logsBefore.has(name))
        : [];
    const errorLine = await waitFor(
      () => {
        for (const name of newLogs()) {
          const line = fs
            .readFileSync(path.join(logDir, name), 'utf8')
            .split('\n')
            .find((l) => l.includes('[ERROR]'));
          if (line) return line;
        }
        return undefined;
      },
      'an [ERROR] line in a new chat log',
      { describe: () => `new logs: ${newLogs().join(', ') || 'none'}` },
    );
    assert.match(errorLine, new RegExp(`127\\.0\\.0\\.1:${closedPort}`), 'the error names the address');
    assert.match(errorLine, /refused|nothing|not (running|listening)/i, 'the error says why');
    assert.equal(api.session, undefined, 'no session is left half-open');
    // The window is usable: a server starts right after.
    await startServer(api, 0);
  });
});

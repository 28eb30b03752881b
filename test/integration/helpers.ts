// Shared helpers of the extension-host suite: reach the extension's API, wait with timeouts, and talk to the
// running chat from outside through real loopback sockets (a raw plain-text socket, the engine's own client).
import * as assert from 'node:assert/strict';
import { createServer, Socket } from 'node:net';
import * as vscode from 'vscode';
import type { ChatMessage } from '../../src/chat/core/events';
import type { ChatSession } from '../../src/chat/session/chatSession';
import type { TcpChatApi } from '../../src/vscode/api';

export const EXTENSION_ID = 'tcp-chat.tcp-chat';

export async function activateExtension(): Promise<TcpChatApi> {
  const extension = vscode.extensions.getExtension<TcpChatApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a truthy value; fails with `what` (and `describe()` for context) after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | null,
  what: string,
  options: { timeoutMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline)
      assert.fail(`Timed out waiting for ${what}${options.describe ? `\n${options.describe()}` : ''}`);
    await sleep(50);
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (the runner opens a fresh one)');
  return folder.uri;
}

/** The extension's running session, failing clearly when there is none. */
export function requireSession(api: TcpChatApi): ChatSession {
  const session = api.session;
  assert.ok(session, 'no chat session is running');
  return session;
}

export function historyMessages(session: ChatSession): ChatMessage[] {
  return session.history.flatMap((entry) => (entry.kind === 'message' ? [entry.message] : []));
}

/** A readable dump of the session's history for failure messages. */
export function describeHistory(session: ChatSession | undefined): string {
  if (!session) return '(no session)';
  return (
    session.history
      .map((entry) =>
        entry.kind === 'message'
          ? `  message ${entry.message.from.name}: ${JSON.stringify(entry.message.text)}`
          : `  ${entry.notice.level} ${JSON.stringify(entry.notice.text)}`,
      )
      .join('\n') || '  (history empty)'
  );
}

/** Waits until the host's session history has a message from `name` whose text contains `text`. */
export function waitForHistoryMessage(
  api: TcpChatApi,
  name: string,
  text: string,
  timeoutMs = 10_000,
): Promise<ChatMessage> {
  return waitFor(
    () => api.session && historyMessages(api.session).find((m) => m.from.name === name && m.text.includes(text)),
    `a message from ${name} containing ${JSON.stringify(text)} in the session history`,
    { timeoutMs, describe: () => describeHistory(api.session) },
  );
}

/** Stops whatever session the extension runs (server or client) so each test starts from nothing. */
export async function endSession(api: TcpChatApi): Promise<void> {
  const session = api.session;
  if (!session) return;
  await vscode.commands.executeCommand(
    session.endpoint.role === 'server' ? 'tcpChat.stopServer' : 'tcpChat.disconnect',
  );
  await waitFor(() => !api.session || api.session.endpoint.state === 'closed', 'the session to end', {
    timeoutMs: 10_000,
  });
}

/** Starts the extension's server on a free loopback port through the palette command and returns the port. */
export async function startServer(api: TcpChatApi, seats = 0): Promise<number> {
  await endSession(api);
  const port = await freePort();
  await vscode.commands.executeCommand('tcpChat.startServer', { port, host: '127.0.0.1', seats });
  await waitFor(() => api.session?.endpoint.state === 'listening', `the server to listen on 127.0.0.1:${port}`, {
    describe: () => describeHistory(api.session),
  });
  return port;
}

/**
 * A peer on a raw TCP socket speaking plain text, like `nc`: whatever it receives is kept as text.
 * Every socket is closed by `close()`; tests call it in a finally.
 */
export class RawPeer {
  private received = '';
  private readonly socket: Socket;
  private closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      /* a reset shows as close; the assertions say what was expected */
    });
  }

  static connect(port: number, timeoutMs = 5000): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`raw connect to 127.0.0.1:${port} timed out`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.connect(port, '127.0.0.1', () => {
        clearTimeout(timer);
        resolve(new RawPeer(socket));
      });
    });
  }

  get text(): string {
    return this.received;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  sendLine(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** Waits until the received text contains `needle` (string) or matches it (RegExp); returns the text so far. */
  waitForText(needle: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const found = () => (typeof needle === 'string' ? this.received.includes(needle) : needle.test(this.received));
    return waitFor(() => found() && this.received, `${JSON.stringify(String(needle))} at the raw peer`, {
      timeoutMs,
      describe: () => `received so far:\n${this.received}`,
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }
}

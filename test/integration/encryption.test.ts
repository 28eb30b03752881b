// Encrypted rooms in the real editor: the hosted room speaks TLS (an outside client sees the fingerprint the host
// has and is marked encrypted), and the Trust flow of Connect… as automation drives it — a new room trusted on first
// use and logged, a changed certificate refused naming both, trusted again after "Forget Trusted Room…". The Trust
// modal itself cannot be answered in the extension host: its decisions are unit-tested (test/unit/vscode).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ChatClient } from '../../src/chat/client/chatClient';
import { ChatServer } from '../../src/chat/server/chatServer';
import { createIdentity } from '../../src/chat/tls/certificate';
import { activateExtension, endSession, freePort, startServer, waitFor } from './helpers';

describe('encrypted rooms', () => {
  it('the hosted room speaks TLS: a client sees its fingerprint and is marked encrypted in the roster', async () => {
    const api = await activateExtension();
    const port = await startServer(api);
    const host = api.session!.endpoint as ChatServer;
    assert.match(host.fingerprint ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const client = new ChatClient({ host: '127.0.0.1', port, name: 'ann', connectTimeoutMs: 8000 });
    try {
      await client.connect();
      assert.equal(client.fingerprint, host.fingerprint);
      await waitFor(() => host.roster.active.find((p) => p.name === 'ann')?.encrypted === true, 'ann marked encrypted');
    } finally {
      await client.close();
      await endSession(api);
    }
  });

  it('Connect…: trusted on first use, a changed certificate refused naming both, trusted again once forgotten', async () => {
    const api = await activateExtension();
    await endSession(api);
    const port = await freePort();
    const where = `127.0.0.1:${port}`;
    const describe = () => `log so far:\n${api.recentLog.slice(-15).join('\n')}`;
    const room = async () => {
      const server = new ChatServer({ host: '127.0.0.1', port, name: 'Outside', tls: await createIdentity() });
      await server.listen();
      return server;
    };
    const first = await room();
    try {
      await vscode.commands.executeCommand('tcpChat.connect', { host: '127.0.0.1', port, name: 'ed' });
      await waitFor(() => api.session?.endpoint.state === 'active', 'connected', { describe });
      await waitFor(
        () => api.recentLog.some((l) => l.includes(`Trusted ${where}, certificate ${first.fingerprint}`)),
        'the first use in the log',
        { describe },
      );
      await endSession(api);
    } finally {
      await first.close();
    }
    const second = await room();
    try {
      await vscode.commands.executeCommand('tcpChat.connect', { host: '127.0.0.1', port, name: 'ed' });
      await waitFor(
        () =>
          api.recentLog.some(
            (l) =>
              l.startsWith('error The certificate of') &&
              l.includes(first.fingerprint!) &&
              l.includes(second.fingerprint!),
          ),
        'the changed certificate refused, naming both',
        { describe },
      );
      await endSession(api);
      await vscode.commands.executeCommand('tcpChat.forgetTrustedRoom', where);
      await vscode.commands.executeCommand('tcpChat.connect', { host: '127.0.0.1', port, name: 'ed' });
      await waitFor(() => api.session?.endpoint.state === 'active', 'connected after forgetting', { describe });
      assert.equal((api.session!.endpoint as ChatClient).fingerprint, second.fingerprint);
    } finally {
      await endSession(api);
      await second.close();
    }
  });
});

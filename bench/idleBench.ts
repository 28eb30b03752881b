// 1,000 idle members: what each connection costs the server (RSS and JS heap after a full GC, in the server's
// own process), for native ChatClients and for plain-text (nc-like) peers.
import { connect, type Socket } from 'node:net';
import { ChatClient } from '../src/chat';
import { startOurs } from './chatLoad';
import { sleep, type ServerChild } from './lib/children';
import { fmt, printTable, type Cell } from './lib/table';

const IDLE = 1000;

async function memory(server: ServerChild): Promise<{ rss: number; heap: number; connections: number }> {
  const match = await server.ask('mem', /^MEM (\d+) (\d+) (\d+)/);
  return { rss: Number(match[1]), heap: Number(match[2]), connections: Number(match[3]) };
}

async function plainPeer(port: number, name: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.resume(); // reads and discards: an idle but healthy peer
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('plain peer: no greeting')), 10_000);
    socket.once('data', () => {
      clearTimeout(timer);
      socket.write(`${name}\n`);
      resolve();
    });
  });
  return socket;
}

export async function idleBench(): Promise<string> {
  const rows: Cell[][] = [];
  for (const kind of ['native', 'plain'] as const) {
    const server = await startOurs();
    const natives: ChatClient[] = [];
    const plains: Socket[] = [];
    try {
      await sleep(300);
      const before = await memory(server);
      for (let i = 0; i < IDLE; i++) {
        if (kind === 'native') {
          const client = new ChatClient({
            host: '127.0.0.1',
            port: server.port,
            name: `idle${i}`,
            heartbeatIntervalMs: 60_000,
          });
          await client.connect();
          natives.push(client);
        } else {
          plains.push(await plainPeer(server.port, `idle${i}`));
        }
      }
      await sleep(2000); // roster broadcasts and join notices settle
      const after = await memory(server);
      rows.push([
        `${IDLE} idle ${kind === 'native' ? 'native ChatClients' : 'plain-text peers'}`,
        after.connections,
        fmt(before.rss / 2 ** 20),
        fmt(after.rss / 2 ** 20),
        fmt((after.rss - before.rss) / IDLE / 1024),
        fmt((after.heap - before.heap) / IDLE / 1024),
      ]);
      console.log(`  ${IDLE} idle ${kind}: done`);
    } finally {
      await Promise.all(natives.map((c) => c.close()));
      for (const s of plains) s.destroy();
      await server.stop();
    }
  }
  return printTable(
    'Idle members: server memory per connection (server in its own process, after a full GC)',
    [
      'members',
      'connections',
      'server RSS before MiB',
      'RSS after MiB',
      'RSS KB per connection',
      'JS heap KB per connection',
    ],
    rows,
  );
}

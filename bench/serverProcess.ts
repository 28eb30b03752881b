// The engine's ChatServer in its own process for the bench (the load generator must not share its CPU or event
// loop). Limits meant for hostile peers (rate limit, image byte budget, connection cap) are raised so the bench measures
// throughput, not the limiter. Prints `READY <port>` once listening; stops on SIGTERM or stdin end.
//   node out/bench/serverProcess.js [--port P] [--max-connections N] [--max-pending-output BYTES] [--tls]
import { createServer, type Socket } from 'node:net';
import { ChatServer, createIdentity } from '../src/chat';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

/** `--pipe-relay`: no chat at all — the first connection's bytes are piped to the second. The upper bound for
 *  any relay written in Node with this process layout, for the image table. */
function pipeRelay(port: number): void {
  let first: Socket | undefined;
  const relay = createServer((socket) => {
    socket.on('error', () => undefined);
    if (!first) first = socket;
    else first.pipe(socket);
  });
  relay.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
  process.on('SIGTERM', () => process.exit(0));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

async function main(): Promise<void> {
  if (process.argv.includes('--pipe-relay')) return pipeRelay(flag('--port', 0));
  const server = new ChatServer({
    host: '127.0.0.1',
    port: flag('--port', 0),
    name: 'BenchHost',
    rateLimit: false,
    imageBytesPerMinute: false,
    maxConnections: flag('--max-connections', 2000),
    // Every bench client connects from 127.0.0.1: the per-address limits meant for hostile peers are raised here
    // (the product's defaults stay as they are; the bench measures throughput, not the limiters).
    connectionsPerAddress: flag('--max-connections', 2000),
    connectRate: false,
    addressRateLimit: false,
    maxPendingOutputBytes: flag('--max-pending-output', 64 * 1024 * 1024),
    handshakeTimeoutMs: 30_000,
    // `--tls`: the room offers TLS (a fresh certificate), for the TLS rows (bench/tls.ts).
    tls: process.argv.includes('--tls') ? await createIdentity('TCP Chat bench') : false,
  });
  const { port } = await server.listen();
  process.stdout.write(`READY ${port}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close('bench finished');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  // `mem` on stdin: a full GC (when started with --expose-gc), then `MEM <rss> <heapUsed> <connections> <external> <arrayBuffers>`.
  let pending = '';
  process.stdin.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    for (let cut = pending.indexOf('\n'); cut !== -1; cut = pending.indexOf('\n')) {
      const command = pending.slice(0, cut).trim();
      pending = pending.slice(cut + 1);
      if (command !== 'mem') continue;
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      process.stdout.write(
        `MEM ${rss} ${heapUsed} ${server.roster.connections} ${external} ${arrayBuffers} ${heapTotal}\n`,
      );
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

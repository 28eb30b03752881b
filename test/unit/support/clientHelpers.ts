// Test helpers for ChatClient and CLI tests: bounded waits on endpoint events, a classic broadcast-room server
// (plain text, `[ip:port] text` lines), free ports and real ncat. Every wait has a timeout that fails with what
// was being waited for.
import * as net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { ChatEvents, ChatMessage, EndpointState, Notice } from '../../../src/chat/core/events';
import { encodeFrame, FrameDecoder } from '../../../src/chat/wire/codec';
import { FrameType, HARD_MAX_FRAME_BYTES, type Frame, type HelloBody } from '../../../src/chat/wire/frames';
import { CLIENT_PREAMBLE, greetingLine, PROTOCOL_VERSION } from '../../../src/chat/wire/handshake';

/** A 1×1 PNG (a complete file a viewer opens). */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** A PNG of `size` bytes: the real 1×1 file followed by random bytes in an extra ancillary-looking tail. */
export function bigPng(size: number): Buffer {
  const tail = Buffer.alloc(Math.max(0, size - PNG_1X1.length));
  for (let i = 0; i < tail.length; i++) tail[i] = (i * 7919 + 13) & 0xff;
  return Buffer.concat([PNG_1X1, tail]);
}

/** Resolves like `promise`, or fails after `ms` saying what it waited for (`what` may be computed at that moment). */
export async function within<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Listenable = {
  on<K extends keyof ChatEvents & string>(event: K, listener: (...args: ChatEvents[K]) => void): unknown;
};

/**
 * Records every event an endpoint (or session) emits from the moment it is attached, and waits for one that
 * matches, looking at what already arrived first (so an event fired before the wait started is not missed).
 */
export class EventRecorder {
  readonly messages: ChatMessage[] = [];
  readonly notices: Notice[] = [];
  readonly states: EndpointState[] = [];
  readonly queue: (number | null)[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(endpoint: Listenable) {
    endpoint.on('message', (m) => this.push(this.messages, m));
    endpoint.on('notice', (n) => this.push(this.notices, n));
    endpoint.on('state', (s) => this.push(this.states, s));
    endpoint.on('queue', (q) => this.push(this.queue, q));
  }

  message(match: (m: ChatMessage) => boolean, what: string, ms = 5000): Promise<ChatMessage> {
    return this.waitIn(this.messages, match, `message: ${what}`, ms);
  }
  notice(match: (n: Notice) => boolean, what: string, ms = 5000): Promise<Notice> {
    return this.waitIn(this.notices, match, `notice: ${what}`, ms);
  }
  state(state: EndpointState, ms = 5000): Promise<EndpointState> {
    return this.waitIn(this.states, (s) => s === state, `state ${state}`, ms);
  }
  position(position: number | null, ms = 5000): Promise<number | null> {
    return this.waitIn(this.queue, (q) => q === position, `queue position ${position}`, ms);
  }

  private push<T>(list: T[], item: T): void {
    list.push(item);
    for (const wake of [...this.waiters]) wake();
  }

  private waitIn<T>(list: T[], match: (item: T) => boolean, what: string, ms: number): Promise<T> {
    const found = list.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const wake = () => {
        const hit = list.find(match);
        if (hit === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = JSON.stringify(list.slice(-8), (k, v) =>
          k === 'bytes' ? `<${(v as { length?: number })?.length ?? '?'} bytes>` : v,
        );
        reject(new Error(`Timed out after ${ms} ms waiting for ${what}; last seen: ${seen}`));
      }, ms);
      this.waiters.add(wake);
    });
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for servers that cannot take port 0, like ncat). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BroadcastRoomServer {
  port: number;
  /** Raw text lines/chunks the server received, per client address. */
  received: string[];
  /** Sends `[SERVER] text` to everyone, as such a server's operator console does (without a newline). */
  announce(text: string): void;
  close(): Promise<void>;
}

/**
 * The classic threaded broadcast room (plain text, no TCP Chat greeting): says nothing on connect, tells the
 * others `[SERVER] Client (...) has joined the chat.\n`, and relays each received chunk to everyone else as
 * `[ip:port] chunk` (newline or not, as received).
 */
export async function startBroadcastRoomServer(): Promise<BroadcastRoomServer> {
  const clients = new Set<net.Socket>();
  const received: string[] = [];
  const broadcast = (bytes: Buffer | string, except?: net.Socket) => {
    for (const client of clients) if (client !== except) client.write(bytes);
  };
  const server = net.createServer((conn) => {
    const addr = `${conn.remoteAddress}:${conn.remotePort}`;
    broadcast(`[SERVER] Client ('${conn.remoteAddress}', ${conn.remotePort}) has joined the chat.\n`, conn);
    clients.add(conn);
    conn.on('data', (chunk) => {
      received.push(chunk.toString('utf8'));
      broadcast(Buffer.concat([Buffer.from(`[${addr}] `), chunk]), conn);
    });
    conn.on('error', () => undefined);
    conn.on('close', () => clients.delete(conn));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    announce: (text) => broadcast(`[SERVER] ${text}`),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Where ncat is, or undefined. */
export function ncatPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v ncat'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * Runs `ncat --chat` on 127.0.0.1 and waits for its "Listening on" line (-v). No probe connection: ncat quits
 * when a connection is gone before it accepted it ("getpeername … failed … QUITTING").
 */
export async function startNcatChat(
  ncat: string,
): Promise<{ port: number; process: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(ncat, ['-v', '--chat', '--listen', '127.0.0.1', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await within(
    new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        stderr += d;
        if (/Listening on/.test(stderr)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`ncat exited with ${code} before listening: ${stderr}`)));
      child.once('error', reject);
    }),
    5000,
    'ncat --chat to listen',
  ).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A raw TCP peer that collects what it receives as text. */
export async function rawPeer(
  port: number,
): Promise<{ socket: net.Socket; text(): string; until(pattern: RegExp, what: string, ms?: number): Promise<string> }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  const waiters = new Set<() => void>();
  socket.on('data', (d) => {
    text += d.toString('utf8');
    for (const w of [...waiters]) w();
  });
  socket.on('error', () => undefined);
  return {
    socket,
    text: () => text,
    until: (pattern, what, ms = 5000) =>
      within(
        new Promise<string>((resolve) => {
          const check = () => {
            const match = pattern.exec(text);
            if (match) {
              waiters.delete(check);
              resolve(match[0]);
            }
          };
          waiters.add(check);
          check();
        }),
        ms,
        () => `${what} (received so far: ${JSON.stringify(text.slice(-300))})`,
      ),
  };
}

/**
 * A scripted native server for one client, speaking protocol.ts directly: greeting, Challenge, reads the Hello,
 * then Welcome. After that the test drives it (pause reading, send frames, stay silent), which the real
 * ChatServer cannot be made to do on purpose.
 */
export interface ScriptedServer {
  port: number;
  /** Resolves with the server side of the connection once the client said Hello (Welcome already sent). */
  accepted: Promise<{ socket: net.Socket; hello: HelloBody; frames: Frame[]; decoder: FrameDecoder }>;
  close(): Promise<void>;
}

export async function startScriptedServer(
  options: { room?: string; welcome?: boolean; auth?: 'none' | 'hmac-sha256' } = {},
): Promise<ScriptedServer> {
  const room = options.room ?? 'Scripted';
  let resolveAccepted!: (value: Awaited<ScriptedServer['accepted']>) => void;
  const accepted = new Promise<Awaited<ScriptedServer['accepted']>>((resolve) => (resolveAccepted = resolve));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.write(greetingLine(room));
    const decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES);
    const frames: Frame[] = [];
    let preamble = Buffer.alloc(0);
    let hello: HelloBody | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (preamble.length < CLIENT_PREAMBLE.length) {
        preamble = Buffer.concat([preamble, chunk]);
        if (preamble.length < CLIENT_PREAMBLE.length) return;
        chunk = preamble.subarray(CLIENT_PREAMBLE.length);
        socket.write(
          encodeFrame({
            type: FrameType.Challenge,
            body: {
              v: PROTOCOL_VERSION,
              room,
              auth: options.auth ?? 'none',
              nonce: 'n',
              maxFrameBytes: 1 << 20,
              maxImageBytes: 25 << 20,
            },
          }),
        );
      }
      for (const frame of decoder.push(chunk)) {
        if (frame.type === 'unknown') continue;
        frames.push(frame);
        if (frame.type === FrameType.Hello && !hello) {
          hello = frame.body;
          const you = { id: 1, name: hello.name, address: `127.0.0.1:${socket.remotePort}`, kind: 'native' as const };
          if (options.welcome !== false)
            socket.write(encodeFrame({ type: FrameType.Welcome, body: { you, room, seats: 0, position: null } }));
          resolveAccepted({ socket, hello, frames, decoder });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

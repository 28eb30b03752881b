// Shared test helpers: bounded waits, and tiny raw clients (native frames / plain text) on real loopback sockets.
// The raw native client speaks protocol.ts directly, so server tests do not depend on ChatClient.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { ChatEvents, Notice } from '../../../src/chat/core/events';
import type { ImageMime } from '../../../src/chat/core/images';
import { ChatServer, type ServerOptions } from '../../../src/chat/server/chatServer';
import { encodeFrame, FrameDecoder } from '../../../src/chat/wire/codec';
import {
  FrameType,
  HARD_MAX_FRAME_BYTES,
  MAX_IMAGE_CHUNK,
  type ChallengeBody,
  type Frame,
  type MessageBody,
  type UnknownFrame,
} from '../../../src/chat/wire/frames';
import { authProof, CLIENT_PREAMBLE } from '../../../src/chat/wire/handshake';

/** Polls `predicate` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | false | null,
  what: string | (() => string),
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await delay(5);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A server on 127.0.0.1, any port, that records every event it emits. */
export async function startServer(
  options: ServerOptions = {},
): Promise<{ server: ChatServer; port: number; events: Recorded }> {
  const server = new ChatServer({ host: '127.0.0.1', port: 0, ...options });
  const events = record(server);
  const { port } = await server.listen();
  return { server, port, events };
}

export interface Recorded {
  messages: ChatEvents['message'][0][];
  notices: Notice[];
  rosters: ChatEvents['roster'][0][];
}

export function record(endpoint: { on: ChatServer['on'] }): Recorded {
  const recorded: Recorded = { messages: [], notices: [], rosters: [] };
  endpoint.on('message', (m) => recorded.messages.push(m));
  endpoint.on('notice', (n) => {
    recorded.notices.push(n);
    // A bug in the server's own handling is never expected in any test: make it loud.
    if (n.code === 'internal') console.error(`SERVER INTERNAL ERROR NOTICE: ${n.text}`);
  });
  endpoint.on('roster', (r) => recorded.rosters.push(r));
  return recorded;
}

/** `localAddress`: another loopback address to connect from (127.0.0.2 …), to play a second machine. */
function openSocket(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Speaks the native protocol by hand: greeting, preamble, Challenge, Hello, then raw frames. */
export class RawNativeClient {
  readonly frames: Array<Frame | UnknownFrame> = [];
  greeting = '';
  challenge: ChallengeBody | undefined;
  closed = false;
  private readonly decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES);
  private pre = Buffer.alloc(0);
  decodeError: Error | undefined;
  /** Answer heartbeats like a live client; false plays a half-open peer. */
  autoPong = true;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  /** Connects and waits for the Challenge (the preamble is sent after the greeting line). */
  static async connect(port: number, localAddress?: string): Promise<RawNativeClient> {
    const client = new RawNativeClient(await openSocket(port, localAddress));
    await waitFor(() => client.greeting, 'the greeting line');
    client.socket.write(CLIENT_PREAMBLE);
    client.challenge = (await client.waitFrame(FrameType.Challenge)).body;
    return client;
  }

  /** Connects and says Hello as `name`; resolves with the Welcome body. */
  static async join(port: number, name: string, password?: string, localAddress?: string): Promise<RawNativeClient> {
    const client = await RawNativeClient.connect(port, localAddress);
    client.hello(name, password);
    await client.waitFrame(FrameType.Welcome);
    return client;
  }

  hello(name: string, password?: string): void {
    const proof = password !== undefined ? authProof(password, (this.challenge as ChallengeBody).nonce) : undefined;
    this.send({ type: FrameType.Hello, body: { v: 1, name, proof } });
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrame(frame));
  }

  say(text: string, extra: Partial<MessageBody> = {}): void {
    this.send({ type: FrameType.Message, body: { ref: 1, text, ...extra } });
  }

  /** Sends a message header announcing an image, then its bytes in chunks of at most 64 KiB. */
  sendImage(
    bytes: Buffer,
    options: { ref?: number; text?: string; to?: string; mime?: ImageMime; size?: number } = {},
  ): void {
    const ref = options.ref ?? 7;
    const image = { mime: options.mime ?? 'image/png', size: options.size ?? bytes.length };
    this.say(options.text ?? '', { ref, image, to: options.to });
    for (let offset = 0; offset < bytes.length; offset += MAX_IMAGE_CHUNK) {
      this.send({ type: FrameType.ImageChunk, ref, bytes: bytes.subarray(offset, offset + MAX_IMAGE_CHUNK) });
    }
  }

  /** The bytes of a relayed image, by the server's ref. */
  imageBytes(ref: number): Buffer {
    return Buffer.concat(
      this.of(FrameType.ImageChunk)
        .filter((f) => f.ref === ref)
        .map((f) => f.bytes),
    );
  }

  /** Frames of one type received so far. */
  of<T extends FrameType>(type: T): Array<Extract<Frame, { type: T }>> {
    return this.frames.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
  }

  async waitFrame<T extends FrameType>(
    type: T,
    match: (frame: Extract<Frame, { type: T }>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Extract<Frame, { type: T }>> {
    return waitFor(() => this.of(type).find(match), `frame type 0x${type.toString(16)}`, timeoutMs);
  }

  messages(): MessageBody[] {
    return this.of(FrameType.Message).map((f) => f.body);
  }

  noticeTexts(): string[] {
    return this.of(FrameType.Notice).map((f) => f.body.text);
  }

  async waitNotice(pattern: RegExp, timeoutMs = 3000): Promise<string> {
    return waitFor(() => this.noticeTexts().find((t) => pattern.test(t)), `a notice matching ${pattern}`, timeoutMs);
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    await waitFor(() => this.closed, 'the socket to close', timeoutMs);
  }

  /**
   * Closes like a client that hangs up without a goodbye: a FIN, not a reset. (Destroying the socket while frames
   * are still unread makes the kernel send a reset, and the server holds a reset member's seat for its resume —
   * a race that made tests waiting for "left" or the next in line flaky. history/heldSeats.test.ts tests lost
   * connections on purpose, through a proxy.)
   */
  close(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onData(chunk: Buffer): void {
    if (!this.greeting) {
      this.pre = Buffer.concat([this.pre, chunk]);
      const end = this.pre.indexOf(0x0a);
      if (end < 0) return;
      this.greeting = this.pre.subarray(0, end + 1).toString('utf8');
      chunk = this.pre.subarray(end + 1);
    }
    try {
      for (const frame of this.decoder.push(chunk)) {
        this.frames.push(frame);
        if (frame.type === FrameType.Ping && this.autoPong) this.send({ type: FrameType.Pong, payload: frame.payload });
      }
    } catch (error) {
      this.decodeError = error as Error;
    }
  }
}

/** An nc-like client: writes raw bytes, collects everything it receives as text. */
export class RawPlainClient {
  text = '';
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static async connect(port: number): Promise<RawPlainClient> {
    const client = new RawPlainClient(await openSocket(port));
    await client.waitText(/\r\n/);
    return client;
  }

  /** Connects and presses Enter (a blank line says nothing): seated as guest-N, no rename to announce. */
  static async guest(port: number): Promise<RawPlainClient> {
    const client = await RawPlainClient.connect(port);
    client.write('\n');
    await client.waitText(/Welcome to/);
    return client;
  }

  /** Connects and picks a name (nc style: it joins as guest-N at its first byte, then `/name NAME`). */
  static async join(port: number, name: string): Promise<RawPlainClient> {
    const client = await RawPlainClient.connect(port);
    client.write(`/name ${name}\n`);
    await client.waitText(/Welcome to/);
    await client.waitText(/You are (?:now|already) /);
    return client;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  lines(): string[] {
    return this.text.split('\r\n');
  }

  async waitText(pattern: RegExp, timeoutMs = 3000): Promise<string> {
    return waitFor(
      () => pattern.exec(this.text)?.[0],
      () => `text matching ${pattern} (got ${JSON.stringify(this.text.slice(-300))})`,
      timeoutMs,
    );
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    await waitFor(() => this.closed, 'the socket to close', timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A real 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/**
 * `size` bytes that start like the 1×1 PNG (signature and IHDR chunk: the type and the declared 1 × 1 size)
 * followed by random bytes.
 */
export function pngLike(size: number): Buffer {
  const bytes = randomBytes(size);
  TINY_PNG.copy(bytes, 0, 0, 33);
  return bytes;
}

/**
 * A small PNG whose header declares `width` × `height` pixels (a "decompression bomb" when that is huge): the
 * 1×1 file with its IHDR size rewritten, padded to `size` bytes. Only the declared size matters to the checks.
 */
export function pngDeclaring(width: number, height: number, size = 17 * 1024): Buffer {
  const bytes = Buffer.concat([TINY_PNG, Buffer.alloc(Math.max(0, size - TINY_PNG.length))]);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

/** A connected TCP socket pair on 127.0.0.1: `writer` is the server's accepted socket, `reader` the client. */
export async function socketPair(): Promise<{ writer: Socket; reader: Socket; close: () => void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const reader = connect(port, '127.0.0.1');
  const [[writer]] = await Promise.all([accepted, once(reader, 'connect')]);
  server.close();
  return {
    writer,
    reader,
    close: () => {
      writer.destroy();
      reader.destroy();
    },
  };
}

/** A proxy to `port` on 127.0.0.1 whose first connection can be silenced both ways (no FIN, no RST), like a Wi-Fi drop. */
export async function silencingProxy(
  t: { after(fn: () => unknown): void },
  port: number,
): Promise<{ port: number; silence(): void }> {
  let silenced = false;
  let first = true;
  const sockets: Socket[] = [];
  const proxy = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    sockets.push(inbound, outbound);
    inbound.on('error', () => undefined);
    outbound.on('error', () => undefined);
    const mute = first;
    first = false;
    inbound.on('data', (d) => (mute && silenced ? undefined : outbound.write(d)));
    outbound.on('data', (d) => (mute && silenced ? undefined : inbound.write(d)));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  return { port: (proxy.address() as AddressInfo).port, silence: () => (silenced = true) };
}

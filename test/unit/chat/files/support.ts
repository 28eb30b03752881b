// Helpers for the file transfer tests: real files in a fresh temporary folder, real ChatClients on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient, type ChatClientOptions } from '../../../../src/chat/client/chatClient';
import type { ChatMessage } from '../../../../src/chat/core/events';
import type { TransferProgress } from '../../../../src/chat/core/files';
import { EventRecorder } from '../../support/clientHelpers';
import { waitFor } from '../../support/helpers';

/** A fresh folder, removed when the test ends. */
export function tempFolder(t: { after(fn: () => void): void }, label = 'files'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tcpchat-${label}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file of `size` random bytes in `dir`; returns its path. */
export function randomFile(dir: string, name: string, size: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  for (let done = 0; done < size;) {
    const chunk = randomBytes(Math.min(1024 * 1024, size - done));
    fs.writeSync(fd, chunk);
    done += chunk.length;
  }
  fs.closeSync(fd);
  return file;
}

/** A file of `size` zero bytes that takes no time to make (sparse): for transfers stopped mid-way. */
export function sparseFile(dir: string, name: string, size: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '');
  fs.truncateSync(file, size);
  return file;
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Everything under `dir`, recursively (names relative to it). */
export function listAll(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

/** A ChatClient that joined, with its events and transfer events recorded. */
export interface Joined {
  client: ChatClient;
  events: EventRecorder;
  transfers: TransferProgress[];
}

export async function joinClient(
  t: { after(fn: () => Promise<void> | void): void },
  port: number,
  name: string,
  options: Partial<ChatClientOptions> = {},
): Promise<Joined> {
  const client = new ChatClient({ host: '127.0.0.1', port, name, reconnect: false, ...options });
  const events = new EventRecorder(client);
  const transfers: TransferProgress[] = [];
  client.on('transfer', (p) => transfers.push(p));
  t.after(() => client.close());
  await client.connect();
  return { client, events, transfers };
}

/** The offer message `joined` got (by file name). */
export function offerOf(joined: Joined, name: string): Promise<ChatMessage> {
  return joined.events.message((m) => m.file?.name === name && !m.own, `offer of ${name}`, 10_000);
}

/** Waits for a transfer event in `state` (final states) and returns it. */
export function transferEnd(
  list: TransferProgress[],
  state: TransferProgress['state'],
  ms = 20_000,
): Promise<TransferProgress> {
  return waitFor(() => list.find((p) => p.state === state), `a transfer ${state}`, ms);
}

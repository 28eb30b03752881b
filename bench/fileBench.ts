// A 20 MiB file from one ChatClient to one through the server (child process): offered, accepted, streamed from
// disk and written to disk, compared with the 20 MiB image row of the same run (imageBench.ts), since both use
// the same chunks, lane and ack window — a file also pays for its disk reads and writes and end-to-end acks.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChatClient, ChatMessage, TransferProgress } from '../src/chat';
import { startOurs } from './chatLoad';
import { join } from './imageBench';
import { median, type RelayRate } from './lib/relayBaselines';
import { fmt, type Cell } from './lib/table';

const FILE_BYTES = 20 * 1024 * 1024;
const REPEATS = 5;
const TIMEOUT_MS = 60_000;

/** One offer → accept → saved, timed from the send to the receiver's 'done'. */
async function transferOnce(sender: ChatClient, receiver: ChatClient, source: string, folder: string) {
  const name = path.basename(source);
  const onMessage = (m: ChatMessage) => {
    if (m.file && !m.own) receiver.acceptFile(m.id, { folder });
  };
  let onTransfer: (p: TransferProgress) => void = () => undefined;
  const saved = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('file transfer timed out')), TIMEOUT_MS);
    onTransfer = (p) => {
      if (p.state === 'done' && p.savedPath) {
        clearTimeout(timer);
        resolve(p.savedPath);
      } else if (p.state === 'failed' || p.state === 'cancelled') {
        clearTimeout(timer);
        reject(new Error(p.reason));
      }
    };
  });
  receiver.on('message', onMessage).on('transfer', onTransfer);
  const start = performance.now();
  await sender.send({ file: { path: source, name } });
  const savedPath = await saved;
  const seconds = (performance.now() - start) / 1000;
  receiver.off('message', onMessage).off('transfer', onTransfer);
  return { seconds, savedPath };
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The table row of the file, with its ratio to the image 1 → 1 row (`imagePerReceiver`, bytes/s). */
export async function fileRow(imagePerReceiver: number | undefined, pipe: RelayRate): Promise<Cell[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpchat-bench-files-'));
  const server = await startOurs();
  const clients: ChatClient[] = [];
  try {
    const source = path.join(dir, 'file.bin');
    fs.writeFileSync(source, randomBytes(FILE_BYTES));
    const sender = await join(server.port, 'sender');
    const receiver = await join(server.port, 'recv0');
    clients.push(sender, receiver);
    await transferOnce(sender, receiver, source, path.join(dir, 'warm-up')); // not counted
    const runs: { seconds: number; cpu: number; intact: boolean }[] = [];
    const want = sha256(source);
    for (let i = 0; i < REPEATS; i++) {
      const cpuBefore = server.cpuSeconds();
      const { seconds, savedPath } = await transferOnce(sender, receiver, source, path.join(dir, `run${i}`));
      runs.push({ seconds, cpu: server.cpuSeconds() - cpuBefore, intact: sha256(savedPath) === want });
    }
    const perReceiver = FILE_BYTES / median(runs.map((r) => r.seconds));
    const toImage = imagePerReceiver ? ` = ${(perReceiver / imagePerReceiver).toFixed(2)} × the image 1 → 1` : '';
    console.log(`  file 1 → 1: done (${fmt(perReceiver / 1e6, 0)} MB/s${toImage})`);
    return [
      `20 MiB file 1 → 1, disk to disk (median of ${REPEATS}${toImage})`,
      fmt(perReceiver / 1e6, 0),
      (perReceiver / pipe.rate).toFixed(2),
      fmt(perReceiver / 1e6, 0),
      fmt(median(runs.map((r) => r.cpu)) * 1000, 0),
      runs.every((r) => r.intact) ? 'yes' : 'NO',
      '–',
      '–',
      fmt(Math.min(...runs.map((r) => r.seconds)), 2),
    ];
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Encryption's cost, measured in one run beside the unencrypted figures: W1 with the native ChatClient, and the
// 20 MiB image 1 → 1 (the sender and the receiver also chatting), against the same server process with and
// without TLS (`--tls`: TLS 1.3 with the room's ECDSA P-256 certificate; our client upgrades after the greeting).
import type { ChatClient } from '../src/chat';
import { ratioText, runAgainst, RESULT_HEADER, resultRow, SHAPES, startOurs } from './chatLoad';
import type { WorkloadResult } from './lib/workload';
import { bigImage, join, transfer, type Transfer } from './imageBench';
import { median } from './lib/relayBaselines';
import { sleep } from './lib/children';
import { nativeDriver } from './lib/nativeDriver';
import { fmt, printTable, type Cell } from './lib/table';

const IMAGE_BYTES = 20 * 1024 * 1024;
const REPEATS = 3;

async function imageRuns(extra: string[], image: Buffer): Promise<Transfer[]> {
  const server = await startOurs(extra);
  const clients: ChatClient[] = [];
  try {
    const sender = await join(server.port, 'sender');
    const receiver = await join(server.port, 'recv0');
    clients.push(sender, receiver);
    if (extra.includes('--tls') && !(sender.fingerprint && receiver.fingerprint))
      throw new Error('the clients did not connect encrypted');
    await sleep(300);
    const runs: Transfer[] = [];
    for (let i = 0; i < REPEATS; i++) runs.push(await transfer(server, sender, [receiver], [sender, receiver], image));
    return runs;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
}

export async function tlsBench(): Promise<string> {
  const w1 = SHAPES[0];
  const rows: Cell[][] = [];
  const w1Runs: WorkloadResult[] = [];
  for (const [label, extra] of [
    ['tcp-chat native, unencrypted', []],
    ['tcp-chat native over TLS', ['--tls']],
  ] as const) {
    const result = await runAgainst(
      () => startOurs([...extra]),
      w1,
      (port) => nativeDriver(port),
    );
    rows.push(resultRow(label, result));
    w1Runs.push(result);
    console.log(`  ${w1.name} (${label}): done`);
  }
  const load = printTable('W1 with the native ChatClient, unencrypted and over TLS (same run)', RESULT_HEADER, rows);

  const image = bigImage(IMAGE_BYTES);
  const imageRows: Cell[][] = [];
  const imageRates: number[] = [];
  for (const [label, extra] of [
    ['unencrypted', []],
    ['over TLS', ['--tls']],
  ] as const) {
    const runs = await imageRuns([...extra], image);
    const seconds = median(runs.map((r) => r.seconds));
    imageRates.push(IMAGE_BYTES / seconds);
    imageRows.push([
      `20 MiB image 1 → 1, ${label} (median of ${REPEATS})`,
      fmt(IMAGE_BYTES / seconds / 1e6, 0),
      runs.every((r) => r.intact) ? 'yes' : 'NO',
      `${fmt(median(runs.map((r) => r.textP50)))} / ${fmt(median(runs.map((r) => r.textP99)))} / ${fmt(Math.max(...runs.map((r) => r.textMax)))}`,
      runs.reduce((n, r) => n + r.textLost, 0),
      fmt(seconds, 2),
    ]);
    console.log(`  20 MiB image (${label}): done`);
  }
  const images = printTable(
    'The 20 MiB image through the server, unencrypted and over TLS (same run; sender and receiver chat every 2 ms)',
    ['path', 'MB/s', 'byte-identical', 'text p50 / p99 / max ms', 'text lost', 'median s'],
    imageRows,
  );
  const [plain, tls] = w1Runs;
  const ratio = (a: number | undefined, b: number | undefined) => ratioText(a, b, ' ×');
  const cost = printTable(
    'Encryption’s cost: over TLS ÷ unencrypted, from the two tables above (same run)',
    ['figure', 'over TLS ÷ unencrypted'],
    [
      ['W1 deliveries/s', ratio(tls?.deliveriesPerSec, plain?.deliveriesPerSec)],
      ['W1 p99 ms', ratio(tls?.p99, plain?.p99)],
      ['W1 server CPU s (same 990,000 deliveries)', ratio(tls?.serverCpu, plain?.serverCpu)],
      ['20 MiB image 1 → 1 MB/s', ratio(imageRates[1], imageRates[0])],
    ],
  );
  return `${load}\n${images}\n${cost}`;
}

// Every benchmark message carries its own proof: sender, sequence number, send time and a checksum, so the
// receiver can measure latency and detect loss, corruption, duplication and reordering without trusting the
// server under test. Sender and receivers live in the same process, so performance.now() is one clock.
import { performance } from 'node:perf_hooks';

/** `~P<sender>.<seq>.<sendMicros>.<check>.<padding>~`: ASCII only, no spaces, survives any chat formatting. */
const PROBE = /~P(\d+)\.(\d+)\.(\d+)\.([0-9a-f]{8})\.([a-z]*)~/g;
/** Filler so a probe is a realistic chat line (~64 bytes of text). */
const PADDING = 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'.slice(0, 24);

function check(sender: number, seq: number, micros: number): number {
  // Cheap integer mix of the three numbers (the generator checks millions of probes a second; a string hash was a
  // third of its CPU). Any changed digit changes a number and so, almost surely, this value; the padding is
  // compared as a whole separately.
  let h = Math.imul(sender + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seq + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (micros % 0x7fffffff), 0x27d4eb2f) ^ Math.floor(micros / 0x7fffffff);
  return (h ^ (h >>> 15)) >>> 0;
}

export function makeProbe(sender: number, seq: number): string {
  const micros = Math.round(performance.now() * 1000);
  return `~P${sender}.${seq}.${micros}.${check(sender, seq, micros).toString(16).padStart(8, '0')}.${PADDING}~`;
}

/** The first few corrupted probes seen, for the report (what went wrong, not just how often). */
export const corruptSamples: string[] = [];

export interface ReceiptStats {
  delivered: number;
  duplicates: number;
  outOfOrder: number;
  corrupted: number;
}

/**
 * What one receiver has seen. Latencies go into a shared preallocated sample so memory is bounded by the
 * number of expected deliveries (the caller sizes it).
 */
export class Receiver {
  /** Highest sequence number seen per sender; -1 = none yet. */
  private readonly lastSeq: Int32Array;
  readonly stats: ReceiptStats = { delivered: 0, duplicates: 0, outOfOrder: 0, corrupted: 0 };

  constructor(
    senders: number,
    private readonly latencies: LatencySample,
  ) {
    this.lastSeq = new Int32Array(senders).fill(-1);
  }

  /** Scans received text for probes (a chunk may hold several, or a line may hold one amid formatting). */
  scan(text: string): void {
    PROBE.lastIndex = 0;
    for (let match = PROBE.exec(text); match; match = PROBE.exec(text)) {
      const [, senderText, seqText, microsText, sum, padding] = match;
      const sender = Number(senderText);
      const seq = Number(seqText);
      const micros = Number(microsText);
      if (sender >= this.lastSeq.length || padding !== PADDING || check(sender, seq, micros) !== parseInt(sum, 16)) {
        this.stats.corrupted++;
        if (corruptSamples.length < 5) corruptSamples.push(match[0]);
        continue;
      }
      this.accept(sender, seq, micros);
    }
  }

  private accept(sender: number, seq: number, micros: number): void {
    const last = this.lastSeq[sender];
    if (seq === last) {
      this.stats.duplicates++;
      return;
    }
    if (seq < last) {
      // Older than something already seen: either a duplicate of an earlier one or out of order. Both are bad.
      this.stats.outOfOrder++;
      return;
    }
    // A gap (seq > last + 1) is loss, counted at the end as expected − delivered.
    this.lastSeq[sender] = seq;
    this.stats.delivered++;
    this.latencies.add(performance.now() - micros / 1000);
  }
}

/** Latencies in ms, preallocated; beyond capacity, samples are dropped (counted) rather than growing memory. */
export class LatencySample {
  private readonly values: Float64Array;
  private count = 0;
  dropped = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (this.count < this.values.length) this.values[this.count++] = ms;
    else this.dropped++;
  }

  get size(): number {
    return this.count;
  }

  /** p in [0, 100]. */
  percentiles(...ps: number[]): number[] {
    if (this.count === 0) return ps.map(() => NaN);
    const sorted = this.values.slice(0, this.count).sort();
    return ps.map((p) => sorted[Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1))]);
  }
}

export function sumStats(receivers: readonly Receiver[]): ReceiptStats {
  const total: ReceiptStats = { delivered: 0, duplicates: 0, outOfOrder: 0, corrupted: 0 };
  for (const r of receivers) {
    total.delivered += r.stats.delivered;
    total.duplicates += r.stats.duplicates;
    total.outOfOrder += r.stats.outOfOrder;
    total.corrupted += r.stats.corrupted;
  }
  return total;
}

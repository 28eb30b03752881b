// Reconnect timing for ChatClient: exponential backoff (1 s, 2 s, 4 s … capped) with jitter, so a room full of
// clients does not hammer a restarting server in lockstep.
import { diagnose } from '../../core/diagnostics';
import { formatDuration } from '../../core/units';

export interface ReconnectOptions {
  /** Delay before the first attempt (default 1000 ms); each later attempt doubles it. */
  initialDelayMs?: number;
  /** Cap on the delay (default 30000 ms). */
  maxDelayMs?: number;
  /** Give up after this many failed attempts in a row (default Infinity). */
  maxAttempts?: number;
}

export type ReconnectPolicy = Required<ReconnectOptions>;

export function reconnectPolicy(options: ReconnectOptions | false | undefined): ReconnectPolicy | undefined {
  if (!options) return undefined;
  return {
    initialDelayMs: Math.max(0, options.initialDelayMs ?? 1000),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 30_000),
    maxAttempts: Math.max(1, options.maxAttempts ?? Infinity),
  };
}

/**
 * Delay before attempt `attempt` (1-based): initial × 2^(attempt−1), capped, then ±20 % jitter (never above
 * the cap). `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(policy.maxDelayMs, jittered));
}

export interface ReconnectHooks {
  /** One connection attempt; rejects with the reason it failed. */
  attempt(): Promise<void>;
  /** True once the user closed: stop quietly. */
  cancelled(): boolean;
  /** True for failures that another try cannot fix (wrong password, kicked). */
  final(error: Error & { code?: string }): boolean;
  notice(level: 'system' | 'error', text: string, code?: string): void;
  /** Between attempts ('reconnecting') or done for good ('closed'). */
  state(state: 'reconnecting' | 'closed'): void;
}

/** Runs reconnect attempts after a lost connection until one succeeds, a final error, or maxAttempts. */
export class Reconnector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly policy: ReconnectPolicy,
    private readonly where: string,
    private readonly hooks: ReconnectHooks,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts over at attempt 1 (a connection that worked was lost). */
  start(): void {
    this.schedule(1);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(attempt: number, failure?: Error): void {
    const { hooks, policy } = this;
    if (attempt > policy.maxAttempts) {
      const tries = `${policy.maxAttempts} attempt${policy.maxAttempts === 1 ? '' : 's'}`;
      diagnose('client', `gave up reconnecting to ${this.where} after ${tries}`);
      hooks.notice('error', `Gave up reconnecting to ${this.where} after ${tries}.`, 'reconnect-failed');
      hooks.state('closed');
      return;
    }
    const delay = backoffDelay(attempt, policy, this.random);
    hooks.state('reconnecting');
    diagnose('client', `reconnect to ${this.where}: attempt ${attempt} in ${formatDuration(delay)}`);
    const lead = failure ? `Reconnect failed (${failure.message.replace(/\.$/, '')})` : 'Connection lost';
    hooks.notice('system', `${lead} — reconnecting in ${formatDuration(delay)} (attempt ${attempt})`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Success needs no notice of its own: entering the room already says "Connected to …".
      hooks.attempt().catch((error: Error & { code?: string }) => {
        if (hooks.cancelled()) return;
        if (!hooks.final(error)) return this.schedule(attempt + 1, error);
        diagnose(
          'client',
          `stopped reconnecting to ${this.where}: ${error.code ?? 'error'} cannot be fixed by trying again`,
        );
        hooks.notice('error', error.message, error.code);
        hooks.state('closed');
      });
    }, delay);
  }
}

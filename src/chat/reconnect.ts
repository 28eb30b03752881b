// Reconnect timing for ChatClient: exponential backoff (1 s, 2 s, 4 s … capped) with jitter, so a room full of
// clients does not hammer a restarting server in lockstep.

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

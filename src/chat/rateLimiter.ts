// Per-client message rate limit: a token bucket, plus a short mute once it runs dry, so a flooder gets ONE clear
// notice ("dropped for N s") instead of a trickle of half-accepted messages.
import type { RateLimit } from './serverOptions';

export type RateVerdict =
  | { ok: true }
  /** `firstDrop` is true for the first refused message of a mute: the moment to tell the sender. */
  | { ok: false; firstDrop: boolean; muteSeconds: number };

export class RateLimiter {
  private tokens: number;
  private last: number;
  private mutedUntil = 0;
  /** Long enough for the bucket to refill completely. */
  private readonly muteMs: number;

  constructor(private readonly limit: RateLimit, now = Date.now()) {
    this.tokens = limit.burst;
    this.last = now;
    this.muteMs = Math.max(1000, Math.ceil((limit.burst / limit.perSecond) * 1000));
  }

  take(now = Date.now()): RateVerdict {
    if (now < this.mutedUntil) return { ok: false, firstDrop: false, muteSeconds: this.seconds() };
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    this.mutedUntil = now + this.muteMs;
    this.tokens = this.limit.burst;
    this.last = this.mutedUntil;
    return { ok: false, firstDrop: true, muteSeconds: this.seconds() };
  }

  private seconds(): number {
    return Math.ceil(this.muteMs / 1000);
  }
}

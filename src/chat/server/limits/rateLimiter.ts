// Rate limits. Per client, as token buckets: one for messages (plus a short mute once it runs dry, so a flooder
// gets ONE clear notice "dropped for N s" instead of a trickle of half-accepted messages), one for image bytes
// (each image costs its size, so a client cannot fill every receiver's disk at the message rate). And one for the
// host's log (NoticeThrottle), so that a flood of identical errors cannot drown it.
import type { Notice } from '../../core/events';
import type { RateLimit } from '../options';

/** `capacity` tokens, refilled continuously at `perSecond`; a take of `cost` succeeds only when that many are there. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Tokens spent and not yet refilled (for "you sent N in the last minute"). */
  used(now = Date.now()): number {
    this.refill(now);
    return this.capacity - this.tokens;
  }

  take(cost = 1, now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are there (a cost above the capacity: until the bucket is full). */
  msUntil(cost: number, now = Date.now()): number {
    this.refill(now);
    const missing = Math.min(cost, this.capacity) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.perSecond) * 1000);
  }

  /** Fills the bucket to the brim as of `at`. */
  fill(at: number): void {
    this.tokens = this.capacity;
    this.last = at;
  }

  private refill(now: number): void {
    if (now <= this.last) return;
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

export type RateVerdict =
  | { ok: true }
  /** `firstDrop` is true for the first refused message of a mute: the moment to tell the sender. */
  | { ok: false; firstDrop: boolean; muteSeconds: number };

export class RateLimiter {
  private readonly bucket: TokenBucket;
  private mutedUntil = 0;
  /** Long enough for the bucket to refill completely. */
  private readonly muteMs: number;

  constructor(limit: RateLimit, now = Date.now()) {
    this.bucket = new TokenBucket(limit.burst, limit.perSecond, now);
    this.muteMs = Math.max(1000, Math.ceil((limit.burst / limit.perSecond) * 1000));
  }

  take(now = Date.now()): RateVerdict {
    if (now < this.mutedUntil) return { ok: false, firstDrop: false, muteSeconds: this.seconds() };
    if (this.bucket.take(1, now)) return { ok: true };
    this.mutedUntil = now + this.muteMs;
    this.bucket.fill(this.mutedUntil); // a full burst again once the mute is over
    return { ok: false, firstDrop: true, muteSeconds: this.seconds() };
  }

  private seconds(): number {
    return Math.ceil(this.muteMs / 1000);
  }
}

export type ImageBudgetVerdict = { ok: true } | { ok: false; usedBytes: number; retrySeconds: number };

/** Image bytes one client may send per minute (bursting up to a minute's worth), charged when an image is announced. */
export class ImageByteBudget {
  private readonly bucket: TokenBucket;

  constructor(
    readonly bytesPerMinute: number,
    now = Date.now(),
  ) {
    this.bucket = new TokenBucket(bytesPerMinute, bytesPerMinute / 60, now);
  }

  take(bytes: number, now = Date.now()): ImageBudgetVerdict {
    if (this.bucket.take(bytes, now)) return { ok: true };
    return {
      ok: false,
      usedBytes: Math.round(this.bucket.used(now)),
      retrySeconds: Math.max(1, Math.ceil(this.bucket.msUntil(bytes, now) / 1000)),
    };
  }
}

// NoticeThrottle keeps the host's log readable under attack: at most N error notices per code per second (a
// connection flood or a password-guessing loop would otherwise write thousands of identical lines); the rest are
// counted and summed up in one line when the second is over, so nothing happens silently.
interface Window {
  until: number;
  shown: number;
  hidden: number;
  timer?: NodeJS.Timeout;
}

export class NoticeThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly perSecond: number,
    private readonly emit: (notice: Notice) => void,
  ) {}

  notice(notice: Notice): void {
    const code = notice.code;
    if (notice.level !== 'error' || !code) return this.emit(notice);
    const now = Date.now();
    let window = this.windows.get(code);
    if (!window || now >= window.until) {
      window = { until: now + 1000, shown: 0, hidden: 0 };
      this.windows.set(code, window);
    }
    if (window.shown < this.perSecond) {
      window.shown++;
      return this.emit(notice);
    }
    window.hidden++;
    if (window.timer) return;
    const current = window;
    current.timer = setTimeout(
      () => {
        if (this.windows.get(code) === current) this.windows.delete(code);
        const text = `…and ${current.hidden} more like that (${code}) in the last second.`;
        this.emit({ at: Date.now(), level: 'error', text, code });
      },
      Math.max(1, current.until - now),
    );
    current.timer.unref();
  }

  dispose(): void {
    for (const window of this.windows.values()) if (window.timer) clearTimeout(window.timer);
    this.windows.clear();
  }
}

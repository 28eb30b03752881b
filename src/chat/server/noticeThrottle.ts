// Keeps the host's log readable under attack: at most N error notices per code per second (a connection flood
// or a password-guessing loop would otherwise write thousands of identical lines); the rest are counted and
// summed up in one line when the second is over, so nothing happens silently.
import type { Notice } from '../core/events';

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

import type { RateLimit } from '../../contracts';

/** One request's view of its bucket, as the X-Rate-Limit-* headers tell it. */
export interface RateDecision {
  readonly admitted: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until the window resets. */
  readonly resetSeconds: number;
}

interface Window {
  start: number;
  used: number;
}

/**
 * Fixed-window limiter per app and bucket. A window opens with the first request after the last one
 * ended, so a window is always whole. The process is single-threaded, so taking a unit is atomic: no
 * window ever admits more than its limit, however many clients race.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number) {}

  take(appKey: string, bucketKey: string, rate: RateLimit): RateDecision {
    const w = this.current(`${appKey} ${bucketKey}`, rate);
    const admitted = w.used < rate.limit;
    if (admitted) w.used++;
    return this.view(w, rate, admitted);
  }

  /** Uses up the bucket's current window, as a burst of requests would. */
  exhaust(appKey: string, bucketKey: string, rate: RateLimit): void {
    const w = this.current(`${appKey} ${bucketKey}`, rate);
    w.used = Math.max(w.used, rate.limit);
  }

  reset(): void {
    this.windows.clear();
  }

  private current(key: string, rate: RateLimit): Window {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now >= w.start + rate.windowSeconds * 1000) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  private view(w: Window, rate: RateLimit, admitted: boolean): RateDecision {
    const resetMs = w.start + rate.windowSeconds * 1000 - this.now();
    return { admitted, limit: rate.limit, remaining: Math.max(0, rate.limit - w.used), resetSeconds: Math.max(0, Math.ceil(resetMs / 1000)) };
  }
}

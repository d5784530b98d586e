import type { Clock } from '../../../core/clock.js';

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
  burst: number;
}

/** Token buckets (rate per second, burst capacity) read against the injected clock. */
export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one token from the bucket `key`; false when it is empty. */
  take(key: string, rate: number, burst: number): boolean {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b || b.rate !== rate || b.burst !== burst) {
      b = { tokens: burst, at: now, rate, burst };
      this.buckets.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  forget(prefix: string): void {
    for (const k of this.buckets.keys()) if (k.startsWith(prefix)) this.buckets.delete(k);
  }
}

/** Account-level defaults (per region): 10,000 requests per second, burst 5,000. */
export const ACCOUNT_RATE = 10_000;
export const ACCOUNT_BURST = 5_000;

interface Bucket {
  rate: number;
  burst: number;
  tokens: number;
  at: number;
}

/**
 * Token buckets on the injected clock: each holds up to `burst` tokens and refills at `rate`
 * tokens per second; a request takes one token or is throttled.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, rate: number, burst: number, now: number): boolean {
    let b = this.buckets.get(key);
    if (!b || b.rate !== rate || b.burst !== burst) {
      b = { rate, burst, tokens: burst, at: now };
      this.buckets.set(key, b);
    }
    if (now > b.at) {
      b.tokens = Math.min(b.burst, b.tokens + ((now - b.at) / 1000) * b.rate);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  clear(prefix?: string): void {
    if (prefix === undefined) this.buckets.clear();
    else for (const k of this.buckets.keys()) if (k.startsWith(prefix)) this.buckets.delete(k);
  }
}

/** `YYYY-MM-DD` (UTC) of a time. */
export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Start (ms, UTC midnight) of the quota period containing `now`. `offset` is the day the period
 * starts on: for WEEK 0 = Sunday, for MONTH 0 = the first day of the month.
 */
export function periodStart(quota: { period: 'DAY' | 'WEEK' | 'MONTH'; offset?: number }, now: number): number {
  const d = new Date(now);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const offset = quota.offset ?? 0;
  if (quota.period === 'DAY') return midnight;
  if (quota.period === 'WEEK') {
    const back = (d.getUTCDay() - (offset % 7) + 7) % 7;
    return midnight - back * 86_400_000;
  }
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1 + offset);
  if (start > midnight) start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1 + offset);
  return start;
}

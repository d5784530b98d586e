import type { Clock } from '../../../core/clock.js';
import { idempotentParameterMismatch } from '../errors.js';

const WINDOW_MS = 10 * 60 * 1000;

interface Entry {
  fingerprint: string;
  at: number;
  response: unknown;
}

/** ClientRequestToken idempotency for TransactWriteItems: 10 minutes on the injected clock. */
export class IdempotencyTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** The earlier response for this token and payload, or undefined; throws on a payload mismatch. */
  lookup(scope: string, token: string, fingerprint: string): unknown {
    this.expire();
    const entry = this.entries.get(`${scope}\u0000${token}`);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) throw idempotentParameterMismatch();
    return entry.response;
  }

  remember(scope: string, token: string, fingerprint: string, response: unknown): void {
    this.entries.set(`${scope}\u0000${token}`, { fingerprint, at: this.clock.now(), response });
  }

  private expire(): void {
    const cutoff = this.clock.now() - WINDOW_MS;
    for (const [k, v] of this.entries) if (v.at < cutoff) this.entries.delete(k);
  }
}

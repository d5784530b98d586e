import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { Store } from '../../../storage/store.js';
import type { Scope } from './registry.js';

/** How long a GetAuthorizationToken token is valid (ECR: 12 hours). */
export const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Registry passwords handed out by GetAuthorizationToken: `<payload>.<hmac>` where the payload
 * names the account, region and expiry, signed with a per-data-directory secret (so tokens survive
 * a restart and cannot be forged).
 */
export class Tokens {
  private constructor(
    private readonly secret: Buffer,
    private readonly clock: Clock,
  ) {}

  static async load(store: Store, clock: Clock): Promise<Tokens> {
    const row = await store.get<{ value: string }>(
      "SELECT value FROM ecr_settings WHERE account = '' AND region = '' AND name = 'token-secret'",
    );
    if (row) return new Tokens(Buffer.from(row.value, 'base64'), clock);
    const secret = randomBytes(32);
    await store.run(
      "INSERT INTO ecr_settings (account, region, name, value) VALUES ('', '', 'token-secret', ?) ON CONFLICT DO NOTHING",
      [secret.toString('base64')],
    );
    return new Tokens(secret, clock);
  }

  /** A password for `AWS` valid for 12 hours on the injected clock. */
  issue(scope: Scope): { password: string; expiresAt: number } {
    const expiresAt = this.clock.now() + TOKEN_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ a: scope.account, r: scope.region, e: expiresAt })).toString(
      'base64url',
    );
    return { password: `${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The scope of a valid, unexpired password; undefined otherwise. */
  verify(password: string): Scope | undefined {
    const dot = password.indexOf('.');
    if (dot < 0) return undefined;
    const payload = password.slice(0, dot);
    const mac = Buffer.from(password.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a: string; r: string; e: number };
      if (p.e <= this.clock.now()) return undefined;
      return { account: p.a, region: p.r };
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

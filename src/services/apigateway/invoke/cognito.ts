import type { JWTPayload } from 'jose';
import type { Clock } from '../../../core/clock.js';
import { JwtVerifier } from '../../../core/auth/jwt.js';
import type { Logger } from '../../../core/log.js';
import type { AuthorizerDoc, MethodDoc } from '../types.js';
import type { InvokeRequest } from './event.js';
import { GatewayError } from './gateway-responses.js';

export interface CognitoSettings {
  /** `{issuer}`, `{region}`, `{poolId}` are filled in. */
  jwksUrl: string;
  /** The `iss` of the pool's tokens; `{region}`, `{poolId}` are filled in. */
  issuer: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Java's `Date.toString()` in UTC, as API Gateway renders `exp` and `iat`: `Sun Dec 17 07:28:12 UTC 2017`. */
export function javaDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** Claims as REST APIs hand them on: strings, `exp`/`iat` as dates, arrays as `[a b]`. */
export function restClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if ((k === 'exp' || k === 'iat') && typeof v === 'number') out[k] = javaDate(v);
    else if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = `[${v.join(' ')}]`;
    else if (v !== null && typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

function unverifiedIssuer(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    const iss = claims && typeof claims === 'object' ? (claims as { iss?: unknown }).iss : undefined;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

const unauthorized = () => new GatewayError('UNAUTHORIZED', 'Unauthorized');

/**
 * COGNITO_USER_POOLS authorizers: the token of the identity source must be signed by a key of the
 * JWKS of one of the authorizer's user pools (`providerARNs`), carry that pool's issuer, be within
 * `exp`/`nbf`, and be an ID token — or, when the method has `authorizationScopes`, an access token
 * whose `scope` holds at least one of them.
 */
export class CognitoAuthorizer {
  private readonly verifier = new JwtVerifier();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: CognitoSettings,
  ) {}

  /** `requestContext.authorizer` for the request, or throws the GatewayError AWS answers with. */
  async authorize(a: AuthorizerDoc, method: MethodDoc, req: InvokeRequest): Promise<Record<string, unknown>> {
    const header = (a.identitySource ?? 'method.request.header.Authorization')
      .trim()
      .replace(/^method\.request\.header\./i, '')
      .toLowerCase();
    let raw: string | undefined;
    for (const [k, v] of req.rawHeaders) if (k.toLowerCase() === header) raw = v;
    if (!raw) throw unauthorized();
    const token = raw.replace(/^Bearer\s+/i, '').trim();
    const iss = unverifiedIssuer(token);
    const pool = iss === undefined ? undefined : this.pools(a).find((p) => p.issuer === iss);
    if (!pool) throw unauthorized();
    let payload: JWTPayload;
    try {
      payload = await this.verifier.verify(token, {
        issuer: pool.issuer,
        jwksUri: pool.jwksUri,
        now: this.clock.now(),
        algorithms: ['RS256'],
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw new GatewayError('UNAUTHORIZED', 'The incoming token has expired');
      this.log.debug({ err, code }, 'Cognito token rejected');
      throw unauthorized();
    }
    const scopes = method.authorizationScopes ?? [];
    if (scopes.length > 0) {
      const granted = typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [];
      if (payload['token_use'] !== 'access' || !scopes.some((s) => granted.includes(s))) throw unauthorized();
    } else if (payload['token_use'] !== 'id') {
      throw unauthorized();
    }
    return { claims: restClaims(payload) };
  }

  /** The pools of the authorizer's `providerARNs` (`arn:aws:cognito-idp:<region>:<account>:userpool/<id>`). */
  private pools(a: AuthorizerDoc): { issuer: string; jwksUri: string }[] {
    const out: { issuer: string; jwksUri: string }[] = [];
    for (const arn of a.providerARNs ?? []) {
      const m = /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/(.+)$/.exec(arn);
      if (!m) continue;
      const fill = (t: string, issuer = '') =>
        t
          .replace(/\{region\}/g, m[1]!)
          .replace(/\{poolId\}/g, m[2]!)
          .replace(/\{issuer\}/g, issuer);
      const issuer = fill(this.settings.issuer);
      out.push({ issuer, jwksUri: fill(this.settings.jwksUrl, issuer) });
    }
    return out;
  }
}

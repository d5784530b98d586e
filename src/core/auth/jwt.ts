import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;

export interface JwtCheck {
  /** The `iss` the token must carry. */
  issuer: string;
  /** Epoch ms to check `exp` / `nbf` against (the injected clock). */
  now: number;
  /** Where the signing keys are; found by OIDC discovery on the issuer when absent. */
  jwksUri?: string;
  algorithms?: string[];
}

/**
 * Verifies JWT signatures against a remote JWKS (cached per URI; jose refetches it for an unknown
 * `kid`) plus `iss`, `exp` and `nbf`. Failures are jose's errors, whose `code` says why
 * (`ERR_JWT_EXPIRED`, `ERR_JWT_CLAIM_VALIDATION_FAILED`, `ERR_JWKS_NO_MATCHING_KEY`, ...).
 * Shared by the HTTP API JWT authorizer and the REST API Cognito user pool authorizer.
 */
export class JwtVerifier {
  private readonly jwks = new Map<string, RemoteKeys>();
  private readonly discovery = new Map<string, Promise<string>>();

  /** `timeoutMs`: each JWKS or discovery fetch (API Gateway: 1500 ms). */
  constructor(private readonly timeoutMs = 1500) {}

  async verify(token: string, check: JwtCheck): Promise<JWTPayload> {
    const keys = this.keysAt(check.jwksUri ?? (await this.discover(check.issuer)));
    const { payload } = await jwtVerify(token, keys, {
      issuer: check.issuer,
      currentDate: new Date(check.now),
      algorithms: check.algorithms ?? ['RS256', 'RS384', 'RS512'],
    });
    return payload;
  }

  /** The `jwks_uri` of an OpenID Connect issuer (cached; a failure is retried next time). */
  discover(issuer: string): Promise<string> {
    let uri = this.discovery.get(issuer);
    if (!uri) {
      uri = (async () => {
        const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!res.ok) throw new Error(`OIDC discovery failed: ${res.status}`);
        const body = (await res.json()) as { jwks_uri?: string };
        if (!body.jwks_uri) throw new Error('OIDC discovery without jwks_uri');
        return body.jwks_uri;
      })();
      this.discovery.set(issuer, uri);
      uri.catch(() => this.discovery.delete(issuer));
    }
    return uri;
  }

  private keysAt(jwksUri: string): RemoteKeys {
    let keys = this.jwks.get(jwksUri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: this.timeoutMs });
      this.jwks.set(jwksUri, keys);
    }
    return keys;
  }
}

import type { JWTPayload } from 'jose';
import { JwtVerifier } from '../../../core/auth/jwt.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Ports } from '../../ports.js';
import type { Doc } from '../control/store.js';
import type { Answer } from './responses.js';
import { gatewayErrors } from './responses.js';
import { functionOf, invokeFunction } from './lambda.js';

export type AuthOutcome =
  { ok: true; v2: Record<string, unknown>; v1: Record<string, unknown> } | { ok: false; answer: Answer; error: string };

/** Where an identity source reads from: `$request.header.X`, `$request.querystring.X`, `$context.X`, `$stageVariables.X` (WebSocket: `route.request.*`). */
export interface IdentityInput {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  context(name: string): string | undefined;
  stageVariable(name: string): string | undefined;
}

export function identityValue(source: string, input: IdentityInput): string | undefined {
  const m = /^(?:\$request|route\.request)\.(header|querystring)\.(.+)$/.exec(source.trim());
  if (m) return m[1] === 'header' ? input.header(m[2]!) : input.query(m[2]!);
  const c = /^\$context\.(.+)$/.exec(source.trim());
  if (c) return input.context(c[1]!);
  const s = /^\$stageVariables\.(.+)$/.exec(source.trim());
  if (s) return input.stageVariable(s[1]!);
  return undefined;
}

const stringify = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : Array.isArray(v)
      ? `[${v.join(' ')}]`
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** `arn:...:api/stage/GET/pets` against a policy resource with `*` and `?` wildcards. */
export function arnMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
        .join('') +
      '$',
  );
  return re.test(arn);
}

function evaluatePolicy(policy: unknown, arn: string): 'allow' | 'deny' | 'invalid' {
  if (!policy || typeof policy !== 'object') return 'invalid';
  const statements = (policy as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements)
    ? statements
    : statements && typeof statements === 'object'
      ? [statements]
      : undefined;
  if (!list) return 'invalid';
  let allowed = false;
  for (const st of list as Record<string, unknown>[]) {
    const resources = ([] as unknown[]).concat(st['Resource'] ?? []).map(String);
    const actions = ([] as unknown[]).concat(st['Action'] ?? []).map(String);
    if (!actions.some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke')) continue;
    if (!resources.some((r) => arnMatches(r, arn))) continue;
    if (st['Effect'] === 'Deny') return 'deny';
    if (st['Effect'] === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'deny';
}

interface Cached {
  until: number;
  outcome: AuthOutcome;
}

export interface LambdaAuthRequest {
  account: string;
  region: string;
  apiId: string;
  stage: string;
  routeArn: string;
  stageVariables: Record<string, string>;
  identity: IdentityInput;
  /** Builds the authorizer event of the authorizer's payload version from the identity values. */
  event(version: '1.0' | '2.0', identityValues: string[]): Record<string, unknown>;
  /** WebSocket authorizers answer IAM policies only; HTTP ones may answer simple responses. */
  websocket?: boolean;
}

/** JWT and Lambda REQUEST authorizers with result caching on the injected clock. */
export class Authorizers {
  private readonly cache = new Map<string, Cached>();
  private readonly verifier = new JwtVerifier();

  constructor(
    private readonly ports: Ports,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  reset(apiId: string): void {
    for (const k of this.cache.keys()) if (k.startsWith(apiId + '/')) this.cache.delete(k);
  }

  async jwt(authorizer: Doc, route: Doc, identity: IdentityInput): Promise<AuthOutcome> {
    const sources: string[] = authorizer['IdentitySource'] ?? ['$request.header.Authorization'];
    const raw = identityValue(sources[0] ?? '$request.header.Authorization', identity);
    const fail = (description: string): AuthOutcome => ({
      ok: false,
      error: description,
      answer: gatewayErrors.unauthorized([
        ['www-authenticate', `Bearer scope="" error="invalid_token" error_description="${description}"`],
      ]),
    });
    if (!raw) return fail('the token is missing');
    const token = raw.replace(/^Bearer\s+/i, '');
    const cfg = authorizer['JwtConfiguration'] ?? {};
    const issuer = String(cfg['Issuer'] ?? '');
    let payload: JWTPayload;
    try {
      payload = await this.verifier.verify(token, { issuer, now: this.clock.now() });
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'ERR_JWT_EXPIRED') return fail('the token has expired');
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
        return fail(`the token has an invalid claim: ${(err as Error).message}`);
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') return fail('the token signing key was not found');
      this.log.debug({ err }, 'JWT rejected');
      return fail('the token signature is invalid');
    }
    const audience: string[] = cfg['Audience'] ?? [];
    const auds = ([] as unknown[]).concat(payload.aud ?? []).map(String);
    const clientId = payload['client_id'];
    if (
      audience.length > 0 &&
      !auds.some((a) => audience.includes(a)) &&
      !(typeof clientId === 'string' && audience.includes(clientId))
    ) {
      return fail('the token does not have a valid audience');
    }
    const tokenScopes =
      typeof payload['scope'] === 'string'
        ? payload['scope'].split(' ').filter(Boolean)
        : Array.isArray(payload['scp'])
          ? payload['scp'].map(String)
          : typeof payload['scp'] === 'string'
            ? payload['scp'].split(' ')
            : [];
    const required: string[] = route['AuthorizationScopes'] ?? [];
    if (required.length > 0 && !required.some((s) => tokenScopes.includes(s))) {
      return {
        ok: false,
        error: 'insufficient scope',
        answer: gatewayErrors.forbidden([
          [
            'www-authenticate',
            `Bearer scope="${required.join(' ')}" error="insufficient_scope" error_description="expected scopes: [${required.join(' ')}]"`,
          ],
        ]),
      };
    }
    const claims = Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, stringify(v)]));
    const scopes = required.length > 0 ? tokenScopes : null;
    return { ok: true, v2: { jwt: { claims, scopes } }, v1: { claims, scopes } };
  }

  async lambda(authorizer: Doc, req: LambdaAuthRequest): Promise<AuthOutcome> {
    const sources: string[] = authorizer['IdentitySource'] ?? [];
    const values: string[] = [];
    for (const s of sources) {
      const v = identityValue(s, req.identity);
      if (v === undefined || v === '')
        return { ok: false, answer: gatewayErrors.unauthorized(), error: 'missing identity source' };
      values.push(v);
    }
    const ttl = Number(authorizer['AuthorizerResultTtlInSeconds'] ?? 0);
    const key = `${req.apiId}/${req.stage}/${authorizer['AuthorizerId'] as string}/${JSON.stringify(values)}`;
    if (ttl > 0 && values.length > 0) {
      const hit = this.cache.get(key);
      if (hit && hit.until > this.clock.now()) return hit.outcome;
    }
    const version = (req.websocket ? '1.0' : authorizer['AuthorizerPayloadFormatVersion']) === '2.0' ? '2.0' : '1.0';
    let outcome: AuthOutcome;
    try {
      const fn = functionOf(String(authorizer['AuthorizerUri']), req.stageVariables);
      const r = await invokeFunction(this.ports, req.account, req.region, fn, req.event(version, values), 10_000);
      outcome = this.interpret(authorizer, version, r, req);
    } catch (err) {
      this.log.debug({ err }, 'authorizer invocation failed');
      outcome = { ok: false, answer: gatewayErrors.internal(), error: 'authorizer failed' };
    }
    // Only definite answers are cached (an authorizer failure is retried).
    if (ttl > 0 && values.length > 0 && (outcome.ok || outcome.answer.status !== 500))
      this.cache.set(key, { until: this.clock.now() + ttl * 1000, outcome });
    return outcome;
  }

  private interpret(
    authorizer: Doc,
    version: string,
    r: { payload: Buffer; functionError?: string },
    req: LambdaAuthRequest,
  ): AuthOutcome {
    let value: unknown;
    try {
      value = JSON.parse(r.payload.toString('utf8'));
    } catch {
      value = undefined;
    }
    const invalid: AuthOutcome = { ok: false, answer: gatewayErrors.internal(), error: 'invalid authorizer response' };
    if (r.functionError !== undefined) {
      const msg = (value as { errorMessage?: unknown } | undefined)?.errorMessage;
      return msg === 'Unauthorized'
        ? { ok: false, answer: gatewayErrors.unauthorized(), error: 'Unauthorized' }
        : invalid;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return invalid;
    const v = value as Record<string, unknown>;
    const context = v['context'];
    if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context)))
      return invalid;
    const ctx = (context ?? {}) as Record<string, unknown>;
    if (!req.websocket && version === '2.0' && authorizer['EnableSimpleResponses']) {
      if (typeof v['isAuthorized'] !== 'boolean') return invalid;
      if (!v['isAuthorized']) return { ok: false, answer: gatewayErrors.forbidden(), error: 'not authorized' };
      return { ok: true, v2: { lambda: ctx }, v1: { lambda: ctx } };
    }
    const decision = evaluatePolicy(v['policyDocument'], req.routeArn);
    if (decision === 'invalid') return invalid;
    if (decision === 'deny') return { ok: false, answer: gatewayErrors.forbidden(), error: 'denied by policy' };
    const principalId = v['principalId'];
    if (req.websocket) {
      const flat = Object.fromEntries(Object.entries(ctx).map(([k, x]) => [k, stringify(x)]));
      return { ok: true, v2: { ...flat, ...(principalId !== undefined ? { principalId } : {}) }, v1: {} };
    }
    const withPrincipal = { ...ctx, ...(principalId !== undefined ? { principalId } : {}) };
    return { ok: true, v2: { lambda: withPrincipal }, v1: { lambda: withPrincipal } };
  }
}

import type { Clock } from '../../../core/clock.js';
import type { LambdaInvoker } from '../context.js';
import type { AuthorizerDoc } from '../types.js';
import { GatewayError } from './gateway-responses.js';
import type { InvokeRequest } from './event.js';
import { headerMaps, queryMaps } from './event.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

export interface AuthorizerResult {
  principalId: string;
  statements: Statement[];
  context: Record<string, string | number | boolean>;
  usageIdentifierKey?: string;
}

function globToRegex(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM evaluation over the method ARN: an explicit Deny wins, then an Allow, else an implicit deny. */
export function evaluatePolicy(statements: Statement[], methodArn: string): 'allow' | 'deny' | 'implicit' {
  let allowed = false;
  for (const s of statements) {
    const actions = asList(s.Action);
    if (!actions.some((a) => a === '*' || globToRegex(a.toLowerCase()).test('execute-api:invoke'))) continue;
    if (!asList(s.Resource).some((r) => globToRegex(r).test(methodArn))) continue;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit';
}

/** The function ARN in an authorizer or integration URI (`arn:aws:apigateway:r:lambda:path/2015-03-31/functions/<arn>/invocations`). */
export function lambdaTarget(uri: string): string | undefined {
  const m = /:lambda:path\/[^/]+\/functions\/(.+?)\/invocations/.exec(uri);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function identityValue(source: string, req: InvokeRequest): string | undefined {
  const s = source.trim();
  let m = /^method\.request\.header\.(.+)$/i.exec(s);
  if (m) {
    const name = m[1]!.toLowerCase();
    let v: string | undefined;
    for (const [k, val] of req.rawHeaders) if (k.toLowerCase() === name) v = val;
    return v;
  }
  m = /^method\.request\.querystring\.(.+)$/.exec(s);
  if (m) {
    let v: string | undefined;
    for (const [k, val] of req.query) if (k === m[1]) v = val;
    return v;
  }
  m = /^stageVariables\.(.+)$/.exec(s);
  if (m) return req.stageVariables?.[m[1]!];
  m = /^context\.(.+)$/.exec(s);
  if (m) {
    const ctx: Record<string, unknown> = {
      httpMethod: req.method,
      resourceId: req.resourceId,
      resourcePath: req.resourcePath,
      stage: req.stage,
      sourceIp: req.sourceIp,
      requestId: req.requestId,
      path: req.path,
    };
    const v = m[1] === 'identity.sourceIp' ? req.sourceIp : ctx[m[1]!];
    return v === undefined ? undefined : String(v);
  }
  return undefined;
}

interface CacheEntry {
  result: AuthorizerResult;
  expires: number;
}

/** Lambda TOKEN and REQUEST authorizers with result caching (TTL on the injected clock). */
export class Authorizers {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly invoker: () => LambdaInvoker | undefined,
  ) {}

  flush(prefix: string): void {
    for (const k of this.cache.keys()) if (k.startsWith(prefix)) this.cache.delete(k);
  }

  /** Authorizes the request or throws the GatewayError AWS answers with. */
  async authorize(a: AuthorizerDoc, req: InvokeRequest, methodArn: string): Promise<AuthorizerResult> {
    const sources = (a.identitySource ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const values: string[] = [];
    for (const s of sources) {
      const v = identityValue(s, req);
      if (v === undefined || v === '') throw new GatewayError('UNAUTHORIZED', 'Unauthorized');
      values.push(v);
    }
    if (
      a.type === 'TOKEN' &&
      a.identityValidationExpression &&
      !new RegExp(`^(?:${a.identityValidationExpression})$`).test(values[0] ?? '')
    ) {
      throw new GatewayError('UNAUTHORIZED', 'Unauthorized');
    }
    const ttl = a.authorizerResultTtlInSeconds ?? 300;
    const cacheable = ttl > 0 && values.length > 0;
    const key = `${req.apiId}/${req.stage}/${a.id}/${JSON.stringify(values)}`;
    const now = this.clock.now();
    let result: AuthorizerResult | undefined;
    const hit = cacheable ? this.cache.get(key) : undefined;
    if (hit && hit.expires > now) result = hit.result;
    if (!result) {
      result = await this.call(a, req, methodArn, values[0]);
      if (cacheable) this.cache.set(key, { result, expires: now + ttl * 1000 });
    }
    const decision = evaluatePolicy(result.statements, methodArn);
    if (decision === 'deny')
      throw new GatewayError('ACCESS_DENIED', 'User is not authorized to access this resource with an explicit deny');
    if (decision === 'implicit')
      throw new GatewayError('ACCESS_DENIED', 'User is not authorized to access this resource');
    return result;
  }

  private async call(
    a: AuthorizerDoc,
    req: InvokeRequest,
    methodArn: string,
    token: string | undefined,
  ): Promise<AuthorizerResult> {
    const fn = lambdaTarget(a.authorizerUri ?? '');
    const invoker = this.invoker();
    if (!fn || !invoker) throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
    let event: Record<string, unknown>;
    if (a.type === 'TOKEN') event = { type: 'TOKEN', methodArn, authorizationToken: token };
    else {
      const { headers, multi } = headerMaps(req.rawHeaders);
      const q = queryMaps(req.query);
      event = {
        type: 'REQUEST',
        methodArn,
        resource: req.resourcePath,
        path: req.path,
        httpMethod: req.method,
        headers: headers ?? {},
        multiValueHeaders: multi ?? {},
        queryStringParameters: q.single ?? {},
        multiValueQueryStringParameters: q.multi ?? {},
        pathParameters: req.pathParameters,
        stageVariables: req.stageVariables ?? {},
        requestContext: {
          path: `/${req.stage}${req.path}`,
          accountId: req.account,
          resourceId: req.resourceId,
          stage: req.stage,
          requestId: req.requestId,
          identity: { apiKey: req.apiKey ?? null, sourceIp: req.sourceIp, clientCert: null },
          resourcePath: req.resourcePath,
          httpMethod: req.method,
          apiId: req.apiId,
        },
      };
    }
    let out: { payload: Buffer; functionError?: string };
    try {
      out = await invoker.invoke({
        account: req.account,
        region: req.region,
        functionName: fn,
        payload: Buffer.from(JSON.stringify(event)),
      });
    } catch {
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
    }
    let parsed: any;
    try {
      parsed = JSON.parse(out.payload.toString('utf8'));
    } catch {
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
    }
    if (out.functionError) {
      if (parsed?.errorMessage === 'Unauthorized') throw new GatewayError('UNAUTHORIZED', 'Unauthorized');
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
    }
    if (parsed === 'Unauthorized') throw new GatewayError('UNAUTHORIZED', 'Unauthorized');
    const doc = parsed?.policyDocument;
    const statements = doc ? (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) : undefined;
    if (!parsed || typeof parsed !== 'object' || parsed.principalId === undefined || !statements) {
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
    }
    const context: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries((parsed.context ?? {}) as Record<string, unknown>)) {
      if (v !== null && typeof v === 'object') throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
      if (v !== null && v !== undefined) context[k] = v as string | number | boolean;
    }
    return {
      principalId: String(parsed.principalId),
      statements: statements as Statement[],
      context,
      ...(typeof parsed.usageIdentifierKey === 'string' ? { usageIdentifierKey: parsed.usageIdentifierKey } : {}),
    };
  }
}

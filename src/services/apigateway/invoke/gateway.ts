import { randomUUID } from 'node:crypto';
import { pooledRandomBytes } from '../../../core/ids.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMount, RequestHead } from '../../../core/http/mount.js';
import type { ApigwContext, LambdaInvoker } from '../context.js';
import type { ApiKeyDoc, ApiSnapshot, MethodDoc, RestApiDoc, StageDoc, UsagePlanDoc } from '../types.js';
import { Authenticator } from '../../../core/auth/authenticate.js';
import { Authorizers } from './authorizers.js';
import { CognitoAuthorizer } from './cognito.js';
import { IamAuthorizer } from './iam.js';
import type { InvokeRequest } from './event.js';
import { contextVariables, extendedRequestId } from './event.js';
import { GatewayError, gatewayAnswer } from './gateway-responses.js';
import type { Answer } from './integrations.js';
import { IntegrationFailure, integrator, isBinaryType, requestSource } from './integrations.js';
import { ACCOUNT_BURST, ACCOUNT_RATE, TokenBuckets, dayKey, periodStart } from './limits.js';
import { route } from './router.js';
import { renderTemplate } from './vtl.js';

/** Largest request body: 10 MB. */
export const MAX_PAYLOAD = 10_485_760;
/** Request line plus headers: 10,240 bytes. */
export const MAX_HEADER_BYTES = 10_240;

const HOST = /^([a-z0-9]{10})\.execute-api\.(?:[a-z0-9-]+\.)*localhost$/;
const HOST_ANY = /^([a-z0-9]{10})\.execute-api\./;
const PATH = /^\/_aws\/execute-api\/([a-z0-9]{10})(\/.*)?$/;

interface Located {
  apiId: string;
  /** Raw path after the API id (host form: the whole path). */
  rawPath: string;
}

function send(
  res: ServerResponse,
  status: number,
  headers: [string, string][],
  body: Buffer | string,
  head = false,
): void {
  const flat: string[] = [];
  const cookies: string[] = [];
  const seen = new Map<string, number>();
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    if (lower === 'set-cookie') {
      cookies.push(v);
      continue;
    }
    const at = seen.get(lower);
    if (at !== undefined) flat[at + 1] = `${flat[at + 1]}, ${v}`;
    else {
      seen.set(lower, flat.length);
      flat.push(k, v);
    }
  }
  for (const c of cookies) flat.push('Set-Cookie', c);
  flat.push('Content-Length', String(Buffer.byteLength(body)));
  res.writeHead(status, flat);
  res.end(head ? undefined : body);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
      } else if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseQuery(raw: string): [string, string][] {
  const out: [string, string][] = [];
  if (!raw) return out;
  for (const [k, v] of new URLSearchParams(raw)) out.push([k, v]);
  return out;
}

function rawHeaderPairs(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return out;
}

function decodePath(raw: string): string {
  return raw
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join('/');
}

/** Method settings key of a resource path: `/pets/{id}` + GET → `~1pets~1{id}/GET`. */
function settingKey(resourcePath: string, method: string): string {
  return `${resourcePath.replace(/\//g, '~1')}/${method}`;
}

/** The REST API data plane: invoke URLs of this service's APIs. */
export class RestGateway {
  readonly authorizers: Authorizers;
  private readonly iam: IamAuthorizer;
  private readonly cognito: CognitoAuthorizer;
  private readonly buckets = new TokenBuckets();
  private readonly integrations;

  constructor(private readonly gw: ApigwContext) {
    const lambda = (): LambdaInvoker | undefined => gw.ports['lambda'] as LambdaInvoker | undefined;
    this.authorizers = new Authorizers(gw.clock, lambda);
    this.integrations = integrator(gw, lambda);
    const { config } = gw;
    const auth = new Authenticator(
      {
        mode: config.auth,
        credentials: config.credentials,
        defaultAccount: config.account,
        defaultRegion: config.region,
      },
      gw.clock,
    );
    this.iam = new IamAuthorizer(auth, config.credentials);
    this.cognito = new CognitoAuthorizer(gw.clock, gw.log, {
      jwksUrl: process.env['OVERCAST_APIGW_COGNITO_JWKS_URL'] ?? config.apigateway.cognitoJwksUrl,
      issuer: process.env['OVERCAST_APIGW_COGNITO_ISSUER'] ?? config.apigateway.cognitoIssuer,
    });
  }

  flush(apiId: string, stage?: string): void {
    this.authorizers.flush(stage === undefined ? `${apiId}/` : `${apiId}/${stage}/`);
  }

  private locate(head: RequestHead): Located | undefined {
    const byHost = HOST.exec(head.hostname) ?? HOST_ANY.exec(head.hostname);
    if (byHost && this.gw.state.apiIndex.has(byHost[1]!)) return { apiId: byHost[1]!, rawPath: head.rawPath };
    const byPath = PATH.exec(head.rawPath);
    if (byPath && this.gw.state.apiIndex.has(byPath[1]!)) return { apiId: byPath[1]!, rawPath: byPath[2] ?? '/' };
    return undefined;
  }

  mount(): HttpMount {
    return {
      name: 'apigateway-rest',
      matches: (head) => this.locate(head) !== undefined,
      handle: (head, req, res) => this.handle(head, req, res),
    };
  }

  private async handle(head: RequestHead, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const located = this.locate(head)!;
    const found = this.gw.state.apiById(located.apiId)!;
    const { api, account, region } = found;
    const requestId = randomUUID();
    const extId = extendedRequestId();
    const isHead = head.method === 'HEAD';
    const rawHeaders = rawHeaderPairs(req);
    const parts = located.rawPath.split('/');
    const stageName = decodePath(parts[1] ?? '');
    const stage: StageDoc | undefined = stageName ? api.stages[stageName] : undefined;
    const deployment = stage ? api.deployments[stage.deploymentId] : undefined;
    const snapshot: ApiSnapshot | undefined = deployment?.snapshot;
    const restRaw = '/' + parts.slice(2).join('/');
    const ireq: InvokeRequest = {
      apiId: api.id,
      account,
      region,
      stage: stageName,
      deploymentId: stage?.deploymentId ?? '',
      method: head.method,
      path: decodePath(restRaw),
      resourceId: '',
      resourcePath: '',
      rawHeaders,
      query: parseQuery(head.rawQuery),
      pathParameters: {},
      stageVariables: stage?.variables,
      body: Buffer.alloc(0),
      isBinary: false,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      userAgent: head.headers['user-agent'],
      requestId,
      extendedRequestId: extId,
      requestTimeEpoch: this.gw.clock.now(),
      domainName: HOST_ANY.test(head.hostname) ? head.hostname : `${api.id}.execute-api.${region}.localhost`,
      protocol: `HTTP/${req.httpVersion}`,
    };
    let answer: Answer;
    let errorInfo: { message: string | null; type: string } | undefined;
    let integrationLatency: number | undefined;
    try {
      let headerBytes = head.method.length + head.rawPath.length + head.rawQuery.length + 12;
      for (const [k, v] of rawHeaders) headerBytes += k.length + v.length + 4;
      if (headerBytes > MAX_HEADER_BYTES) throw new GatewayError('DEFAULT_4XX', 'Request Header Fields Too Large', 431);
      const length = Number(head.headers['content-length'] ?? '0');
      if (length > MAX_PAYLOAD) {
        res.setHeader('connection', 'close');
        req.resume();
        throw new GatewayError('REQUEST_TOO_LARGE', 'Request Too Long');
      }
      if (!snapshot || !stage || api.disableExecuteApiEndpoint)
        throw new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');
      const match = route(snapshot.resources, restRaw, head.method);
      if (!match) throw new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');
      ireq.resourceId = match.resource.id;
      ireq.resourcePath = match.resource.path;
      ireq.pathParameters = match.pathParameters;
      const body = await readBody(req, MAX_PAYLOAD);
      if (!body) {
        res.setHeader('connection', 'close');
        throw new GatewayError('REQUEST_TOO_LARGE', 'Request Too Long');
      }
      ireq.body = body;
      ireq.isBinary = isBinaryType(head.headers['content-type'], snapshot.binaryMediaTypes);
      this.throttleStage(api, stage, match.resource.path, head.method);
      await this.authorize(snapshot, match.method, ireq, head, req.rawHeaders);
      await this.checkApiKey(snapshot, match.method, ireq);
      this.validate(snapshot, match.method, ireq);
      const integration = match.method.methodIntegration;
      if (!integration) throw new IntegrationFailure(500);
      const t0 = Date.now();
      answer = await this.integrations.run(integration, ireq, snapshot.binaryMediaTypes);
      integrationLatency = Date.now() - t0;
      if (!answer.headers.some(([k]) => k.toLowerCase() === 'content-type'))
        answer.headers.push(['Content-Type', 'application/json']);
    } catch (err) {
      if (err instanceof IntegrationFailure) {
        errorInfo = { message: err.message, type: 'INTEGRATION_FAILURE' };
        answer = {
          status: err.status,
          headers: [
            ['Content-Type', 'application/json'],
            ['x-amzn-ErrorType', 'InternalServerErrorException'],
          ],
          body: Buffer.from(JSON.stringify({ message: err.message }).replace('":"', '": "')),
        };
      } else if (err instanceof GatewayError) {
        errorInfo = { message: err.errorMessage, type: err.type };
        const g = gatewayAnswer(
          err,
          snapshot,
          (template) =>
            renderTemplate(template, {
              context: contextVariables(ireq, {
                error: {
                  message: err.errorMessage,
                  messageString: JSON.stringify(err.errorMessage),
                  responseType: err.type,
                },
              }),
              stageVariables: ireq.stageVariables ?? {},
              input: { params: () => ({}), json: () => '{}', path: () => ({}), body: '' },
            }),
          (source) => requestSource(source, ireq),
        );
        answer = { status: g.status, headers: Object.entries(g.headers), body: Buffer.from(g.body) };
      } else {
        this.gw.log.error({ err }, 'API Gateway invoke failed');
        errorInfo = { message: 'Internal server error', type: 'DEFAULT_5XX' };
        answer = {
          status: 500,
          headers: [['Content-Type', 'application/json']],
          body: Buffer.from('{"message": "Internal server error"}'),
        };
      }
    }
    answer.headers.push(
      ['x-amzn-RequestId', requestId],
      ['x-amz-apigw-id', extId],
      [
        'X-Amzn-Trace-Id',
        `Root=1-${Math.floor(ireq.requestTimeEpoch / 1000).toString(16)}-${pooledRandomBytes(12).toString('hex')}`,
      ],
    );
    send(res, answer.status, answer.headers, answer.body, isHead);
    if (stage?.accessLogSettings?.destinationArn && stage.accessLogSettings.format) {
      this.accessLog(stage, ireq, answer, errorInfo, integrationLatency, Date.now() - started).catch((err: unknown) =>
        this.gw.log.warn({ err }, 'API Gateway access log failed'),
      );
    }
  }

  private throttleStage(api: RestApiDoc, stage: StageDoc, resourcePath: string, method: string): void {
    const now = this.gw.clock.now();
    if (!this.buckets.take(`account/${api.id}`, ACCOUNT_RATE, ACCOUNT_BURST, now))
      throw new GatewayError('THROTTLED', 'Too Many Requests');
    const key = settingKey(resourcePath, method);
    const setting = stage.methodSettings[key] ?? stage.methodSettings['*/*'];
    if (
      setting &&
      !this.buckets.take(
        `stage/${api.id}/${stage.stageName}/${stage.methodSettings[key] ? key : '*/*'}`,
        setting.throttlingRateLimit,
        setting.throttlingBurstLimit,
        now,
      )
    ) {
      throw new GatewayError('THROTTLED', 'Too Many Requests');
    }
  }

  private async authorize(
    snapshot: ApiSnapshot,
    method: MethodDoc,
    req: InvokeRequest,
    head: RequestHead,
    rawHeaders: string[],
  ): Promise<void> {
    const type = method.authorizationType;
    if (type === 'CUSTOM') {
      const a = method.authorizerId ? snapshot.authorizers[method.authorizerId] : undefined;
      if (!a) throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
      const methodArn = `arn:aws:execute-api:${req.region}:${req.account}:${req.apiId}/${req.stage}/${req.method}${req.resourcePath === '/' ? '/' : req.path}`;
      const t0 = Date.now();
      const result = await this.authorizers.authorize(a, req, methodArn);
      const context: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(result.context)) context[k] = String(v);
      req.authorizer = { ...context, principalId: result.principalId, integrationLatency: Date.now() - t0 };
      if (result.usageIdentifierKey !== undefined)
        (req as InvokeRequest & { usageKey?: string }).usageKey = result.usageIdentifierKey;
    } else if (type === 'COGNITO_USER_POOLS') {
      const a = method.authorizerId ? snapshot.authorizers[method.authorizerId] : undefined;
      if (!a) throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', null);
      req.authorizer = await this.cognito.authorize(a, method, req);
    } else if (type === 'AWS_IAM') {
      req.iam = this.iam.check(
        {
          method: head.method,
          rawPath: head.rawPath,
          rawQuery: head.rawQuery,
          headers: head.headers,
          rawHeaders,
          body: req.body,
        },
        head.query,
        req.region,
      );
    }
  }

  private async checkApiKey(snapshot: ApiSnapshot, method: MethodDoc, req: InvokeRequest): Promise<void> {
    if (!method.apiKeyRequired) return;
    const value =
      snapshot.apiKeySource === 'AUTHORIZER'
        ? (req as InvokeRequest & { usageKey?: string }).usageKey
        : req.rawHeaders.find(([k]) => k.toLowerCase() === 'x-api-key')?.[1];
    const r = this.gw.state.region(req.account, req.region);
    const key: ApiKeyDoc | undefined = value ? [...r.apiKeys.values()].find((k) => k.value === value) : undefined;
    if (!key || !key.enabled) throw new GatewayError('INVALID_API_KEY', 'Forbidden');
    const plans = [...r.usagePlans.values()].filter(
      (p) => p.keys.includes(key.id) && p.apiStages.some((s) => s.apiId === req.apiId && s.stage === req.stage),
    );
    if (plans.length === 0) throw new GatewayError('INVALID_API_KEY', 'Forbidden');
    req.apiKey = key.value;
    req.apiKeyId = key.id;
    const now = this.gw.clock.now();
    for (const plan of plans) {
      this.throttlePlan(plan, key, req, now);
    }
    for (const plan of plans) await this.consumeQuota(plan, key, req, now);
  }

  private throttlePlan(plan: UsagePlanDoc, key: ApiKeyDoc, req: InvokeRequest, now: number): void {
    const stage = plan.apiStages.find((s) => s.apiId === req.apiId && s.stage === req.stage);
    const methodThrottle =
      stage?.throttle?.[`${req.resourcePath}/${req.method}`] ?? stage?.throttle?.[`${req.resourcePath}/*`];
    const t = methodThrottle ?? plan.throttle;
    if (t && t.rateLimit !== undefined && t.burstLimit !== undefined) {
      const scope = methodThrottle ? `${req.resourcePath}/${req.method}` : 'plan';
      if (!this.buckets.take(`plan/${plan.id}/${key.id}/${scope}`, t.rateLimit, t.burstLimit, now))
        throw new GatewayError('THROTTLED', 'Too Many Requests');
    }
  }

  private async consumeQuota(plan: UsagePlanDoc, key: ApiKeyDoc, req: InvokeRequest, now: number): Promise<void> {
    const r = this.gw.state.region(req.account, req.region);
    const today = `${plan.id}/${key.id}/${dayKey(now)}`;
    if (plan.quota) {
      let used = 0;
      for (let t = periodStart(plan.quota, now); t <= now; t += 86_400_000)
        used += r.usage.get(`${plan.id}/${key.id}/${dayKey(t)}`) ?? 0;
      if (used >= plan.quota.limit) throw new GatewayError('QUOTA_EXCEEDED', 'Limit Exceeded');
    }
    await this.gw.state.saveUsage(req.account, req.region, today, (r.usage.get(today) ?? 0) + 1);
  }

  private validate(snapshot: ApiSnapshot, method: MethodDoc, req: InvokeRequest): void {
    const v = method.requestValidatorId ? snapshot.requestValidators[method.requestValidatorId] : undefined;
    if (!v) return;
    if (v.validateRequestParameters) {
      const missing: string[] = [];
      for (const [name, required] of Object.entries(method.requestParameters ?? {})) {
        if (required && requestSource(name, req) === undefined)
          missing.push(
            name
              .replace(/^method\.request\./, '')
              .split('.')
              .slice(1)
              .join('.'),
          );
      }
      if (missing.length)
        throw new GatewayError(
          'BAD_REQUEST_PARAMETERS',
          `Missing required request parameters: [${missing.join(', ')}]`,
        );
    }
    if (v.validateRequestBody) {
      const ct = (req.rawHeaders.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json')
        .split(';')[0]!
        .trim();
      const modelName = method.requestModels?.[ct] ?? method.requestModels?.['$default'];
      const model = modelName ? snapshot.models[modelName] : undefined;
      if (model?.schema) {
        let body: unknown;
        try {
          body = JSON.parse(req.body.toString('utf8'));
        } catch {
          throw new GatewayError('BAD_REQUEST_BODY', 'Invalid request body');
        }
        const problem = checkSchema(JSON.parse(model.schema), body, '');
        if (problem) throw new GatewayError('BAD_REQUEST_BODY', `Invalid request body`);
      }
    }
  }

  private async accessLog(
    stage: StageDoc,
    req: InvokeRequest,
    answer: Answer,
    error: { message: string | null; type: string } | undefined,
    integrationLatency: number | undefined,
    latency: number,
  ): Promise<void> {
    const arn = stage.accessLogSettings!.destinationArn!;
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)/.exec(arn);
    if (!m) return;
    const ctx = contextVariables(req, {
      status: answer.status,
      responseLength: answer.body.length,
      responseLatency: latency,
      integrationLatency: integrationLatency ?? '-',
      integrationStatus: integrationLatency === undefined ? '-' : answer.status,
      error: {
        message: error?.message ?? '-',
        messageString: error ? JSON.stringify(error.message) : '-',
        responseType: error?.type ?? '-',
      },
      requestTime: contextVariables(req)['requestTime'],
    });
    const line = stage.accessLogSettings!.format!.replace(
      /\$context\.([A-Za-z0-9_.]+[A-Za-z0-9_])/g,
      (_x, path: string) => {
        let v: unknown = ctx;
        for (const p of path.split('.'))
          v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
        return v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      },
    );
    await this.gw.logs.append(m[2]!, m[1]!, m[3]!, `${req.apiId}-${req.stage}`, [
      { timestamp: this.gw.clock.now(), message: line },
    ]);
  }
}

/** A small JSON Schema (draft 4) check: type, required, properties, items, enum. Returns a problem or undefined. */
function checkSchema(schema: any, value: unknown, at: string): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const type = schema.type;
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value;
  if (type) {
    const types = Array.isArray(type) ? type : [type];
    const ok = types.some((t: string) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return `${at || '/'}: expected ${types.join('|')}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value)))
    return `${at}: not in enum`;
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) return `${at}/${r}: required`;
    for (const [k, s] of Object.entries(schema.properties ?? {})) {
      if (k in obj) {
        const p = checkSchema(s, obj[k], `${at}/${k}`);
        if (p) return p;
      }
    }
  }
  if (actual === 'array' && schema.items) {
    for (const [i, item] of (value as unknown[]).entries()) {
      const p = checkSchema(schema.items, item, `${at}/${i}`);
      if (p) return p;
    }
  }
  return undefined;
}

import { randomUUID } from 'node:crypto';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { RequestHead } from '../../../core/http/mount.js';
import { writeWhole } from '../../../core/http/mount.js';
import { readBodyWithin } from '../../../core/http/read-body.js';
import type { HttpRequest, WholeResponse } from '../../../core/http/types.js';
import type { ApiState, Doc } from '../control/store.js';
import type { Snapshot } from '../control/deploy.js';
import { renderAccessLog, writeAccessLog } from './access-log.js';
import type { AuthOutcome } from './authorizers.js';
import { applyCors, preflight } from './cors.js';
import type { Incoming } from './events.js';
import { clf, eventV1, eventV2, headerValues, queryValues } from './events.js';
import { functionOf, IntegrationTimeout, invokeFunction } from './lambda.js';
import type { Answer } from './responses.js';
import { gatewayErrors, parseV1, parseV2 } from './responses.js';
import { HttpRouter } from './router.js';
import { serviceIntegration } from './service-integrations.js';
import { mapRequest, mapResponse } from './mapping.js';
import type { RuntimeDeps } from './deps.js';

/** Largest request body an HTTP API accepts: 10 MB. */
export const MAX_PAYLOAD = 10 * 1024 * 1024;

const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'content-length',
  'host',
]);
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** The stage a request names (its first path segment) or `$default`, and the path after it. */
export function stageOf(state: ApiState, rawPath: string): { stage: Doc; stageName: string; rest: string } | undefined {
  const slash = rawPath.indexOf('/', 1);
  const first = rawPath.slice(1, slash < 0 ? undefined : slash);
  let name = first;
  try {
    name = decodeURIComponent(first);
  } catch {
    // keep it raw
  }
  const named = name !== '$default' ? state.items.stage.get(name) : undefined;
  if (named) return { stage: named, stageName: name, rest: slash < 0 ? '/' : rawPath.slice(slash) };
  const def = state.items.stage.get('$default');
  return def ? { stage: def, stageName: '$default', rest: rawPath } : undefined;
}

export function snapshotOf(state: ApiState, stage: Doc): { id: string; snap: Snapshot } | undefined {
  const id = stage['DeploymentId'] as string | undefined;
  const snap = id ? (state.items.deployment.get(id)?.['_snapshot'] as Snapshot | undefined) : undefined;
  return id && snap ? { id, snap } : undefined;
}

/** The caller's IP as API Gateway shows it (an IPv4-mapped IPv6 address as plain IPv4). */
export function sourceIp(address: string | undefined): string {
  return (address ?? '127.0.0.1').replace(/^::ffff:/, '');
}

export function sourceIpOf(req: IncomingMessage): string {
  return sourceIp(req.socket.remoteAddress);
}

/** The HTTP API data plane: stage, CORS preflight, route, throttle, authorize, integrate, log. */
export class HttpGateway {
  private readonly routers = new Map<string, HttpRouter>();

  constructor(private readonly d: RuntimeDeps) {}

  router(deploymentId: string, snap: Snapshot): HttpRouter {
    let r = this.routers.get(deploymentId);
    if (!r) {
      r = new HttpRouter(snap.routes);
      if (this.routers.size > 1000) this.routers.clear();
      this.routers.set(deploymentId, r);
    }
    return r;
  }

  /** The node:http door: reads the body, answers, writes the answer. */
  async handle(
    state: ApiState,
    rawPath: string,
    head: RequestHead,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = await readBodyWithin(req, MAX_PAYLOAD);
    const answer = await this.answer(state, rawPath, head, body, req.rawHeaders, sourceIpOf(req));
    writeWhole(res, head.method, answer);
  }

  /** The whole-request door (the core's fast path read the body). */
  respondWhole(state: ApiState, rawPath: string, head: RequestHead, request: HttpRequest): Promise<WholeResponse> {
    const body = request.body.length > MAX_PAYLOAD ? undefined : request.body;
    return this.answer(state, rawPath, head, body, request.rawHeaders, sourceIp(request.remoteAddress));
  }

  /** The answer to one request whose body is read (`undefined`: over the payload limit). */
  private async answer(
    state: ApiState,
    rawPath: string,
    head: RequestHead,
    body: Buffer | undefined,
    rawHeaders: string[],
    sourceIp: string,
  ): Promise<WholeResponse> {
    const requestId = randomUUID();
    const start = Date.now();
    const now = this.d.clock.now();
    const apiId = state.api['ApiId'] as string;
    const host = head.headers['host'] ?? 'localhost';
    const found = stageOf(state, rawPath);
    const inc: Incoming = {
      method: head.method,
      rawPath,
      path: safeDecode(rawPath),
      rawQuery: head.rawQuery,
      rawHeaders,
      body: body ?? Buffer.alloc(0),
      sourceIp,
      host,
      requestId,
      now,
      account: state.account,
      region: state.region,
      apiId,
      stage: found?.stageName ?? '',
      stageVariables: (found?.stage['StageVariables'] as Record<string, string> | undefined) ?? {},
      routeKey: '-',
      route: undefined,
      resource: '',
      pathParameters: {},
    };
    let answer: Answer;
    let integrationLatency: number | undefined;
    let auth: AuthOutcome | undefined;
    try {
      if (body === undefined) answer = gatewayErrors.tooLarge();
      else {
        const r = await this.process(state, found, inc, head);
        answer = r.answer;
        integrationLatency = r.integrationLatency;
        auth = r.auth;
      }
    } catch (err) {
      this.d.log.error({ err }, 'HTTP API request failed');
      answer = gatewayErrors.internal();
    }
    const cors = state.api['CorsConfiguration'] as Doc | undefined;
    let headers = answer.headers;
    if (cors && !(head.method === 'OPTIONS' && answer.status === 204 && answer.error === 'preflight'))
      headers = applyCors(cors, head.headers['origin'], headers);
    const lines: [string, string][] = [...headers, ['apigw-requestid', requestId]];
    const access = found?.stage['AccessLogSettings'] as Doc | undefined;
    if (access?.['DestinationArn'] && access['Format']) {
      const vars = contextVars(inc, answer, Date.now() - start, integrationLatency, auth);
      writeAccessLog(
        this.d.logs,
        this.d.log,
        String(access['DestinationArn']),
        `${apiId}_${inc.stage}`,
        renderAccessLog(String(access['Format']), vars),
        now,
      );
    }
    return { status: answer.status, headers: lines, body: answer.body };
  }

  private async process(
    state: ApiState,
    found: ReturnType<typeof stageOf>,
    inc: Incoming,
    head: RequestHead,
  ): Promise<{ answer: Answer; integrationLatency?: number; auth?: AuthOutcome }> {
    if (!found) return { answer: gatewayErrors.notFound() };
    const deployed = snapshotOf(state, found.stage);
    if (!deployed) return { answer: gatewayErrors.notFound() };
    const cors = state.api['CorsConfiguration'] as Doc | undefined;
    if (cors && head.method === 'OPTIONS' && head.headers['origin'] && head.headers['access-control-request-method']) {
      return {
        answer: {
          status: 204,
          headers: preflight(cors, head.headers['origin']),
          body: Buffer.alloc(0),
          error: 'preflight',
        },
      };
    }
    const routed = this.router(deployed.id, deployed.snap).match(head.method, found.rest);
    if (!routed) return { answer: gatewayErrors.notFound() };
    const route = routed.route;
    inc.route = route;
    inc.routeKey = String(route['RouteKey']);
    inc.resource = routed.resource;
    inc.pathParameters = routed.pathParameters;
    if (!this.throttled(state, found.stage, inc)) return { answer: gatewayErrors.tooMany() };
    let auth: AuthOutcome | undefined;
    const authType = route['AuthorizationType'];
    if (authType === 'JWT' || authType === 'CUSTOM') {
      const authorizer = deployed.snap.authorizers[String(route['AuthorizerId'])];
      if (!authorizer) return { answer: gatewayErrors.internal() };
      auth =
        authType === 'JWT'
          ? await this.d.authorizers.jwt(authorizer, route, identityOf(inc))
          : await this.lambdaAuth(authorizer, inc);
    } else if (authType === 'AWS_IAM') {
      auth = this.iamAuth(inc, head);
    }
    if (auth && !auth.ok) return { answer: auth.answer, auth };
    if (auth?.ok) {
      inc.authorizer = auth.v2;
      inc.authorizerV1 = auth.v1;
    }
    const iid = /^integrations\/(.+)$/.exec(String(route['Target'] ?? ''))?.[1];
    const integration = iid ? deployed.snap.integrations[iid] : undefined;
    if (!integration) return { answer: gatewayErrors.notFound(), auth };
    const t0 = Date.now();
    const answer =
      integration['RequestParameters'] || integration['ResponseParameters']
        ? await this.integrateMapped(integration, inc, head)
        : await this.integrate(integration, inc, head);
    return { answer, integrationLatency: Date.now() - t0, auth };
  }

  private throttled(state: ApiState, stage: Doc, inc: Incoming): boolean {
    const rs = (stage['RouteSettings'] as Record<string, Doc> | undefined)?.[inc.routeKey] ?? {};
    const def = (stage['DefaultRouteSettings'] as Doc | undefined) ?? {};
    const rate = rs['ThrottlingRateLimit'] ?? def['ThrottlingRateLimit'];
    const burst = rs['ThrottlingBurstLimit'] ?? def['ThrottlingBurstLimit'];
    if (rate !== undefined || burst !== undefined) {
      const key = `${inc.apiId}/${inc.stage}/${inc.routeKey}`;
      if (!this.d.throttle.take(key, Number(rate ?? 10000), Number(burst ?? 5000))) return false;
    }
    return this.d.throttle.take(`account/${state.account}/${state.region}`, this.d.accountRate, this.d.accountBurst);
  }

  private lambdaAuth(authorizer: Doc, inc: Incoming): Promise<AuthOutcome> {
    const method = inc.method;
    const routeArn = `arn:aws:execute-api:${inc.region}:${inc.account}:${inc.apiId}/${inc.stage}/${method}${inc.resource === '$default' ? '/' + stripStage(inc) : stripStageRaw(inc)}`;
    return this.d.authorizers.lambda(authorizer, {
      account: inc.account,
      region: inc.region,
      apiId: inc.apiId,
      stage: inc.stage,
      routeArn,
      stageVariables: inc.stageVariables,
      identity: identityOf(inc),
      event: (version, values) => {
        if (version === '2.0') {
          const e = eventV2(inc);
          delete e['body'];
          delete e['isBase64Encoded'];
          return { version: '2.0', type: 'REQUEST', routeArn, identitySource: values, ...e };
        }
        const e = eventV1(inc);
        delete e['body'];
        delete e['isBase64Encoded'];
        return {
          ...e,
          type: 'REQUEST',
          methodArn: routeArn,
          identitySource: values.join(','),
          authorizationToken: values[0],
        };
      },
    });
  }

  private iamAuth(inc: Incoming, head: RequestHead): AuthOutcome {
    try {
      const caller = this.d.auth.authenticate(
        {
          method: head.method,
          rawPath: head.rawPath,
          rawQuery: head.rawQuery,
          headers: head.headers,
          rawHeaders: inc.rawHeaders,
          body: inc.body,
        },
        head.query,
      );
      const iam = {
        accessKey: caller.accessKeyId,
        accountId: caller.account,
        callerId: caller.userId,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: caller.principalArn,
        userId: caller.userId,
      };
      return { ok: true, v2: { iam }, v1: {} };
    } catch (err) {
      const message = err instanceof Error && /signature/i.test(err.message) ? err.message : 'Forbidden';
      return {
        ok: false,
        error: message,
        answer: { ...gatewayErrors.forbidden(), body: Buffer.from(JSON.stringify({ message })) },
      };
    }
  }

  /** An integration with parameter mapping: the request is transformed, then the integration's answer. */
  private async integrateMapped(integration: Doc, inc: Incoming, head: RequestHead): Promise<Answer> {
    const reqParams = integration['RequestParameters'] as Record<string, string> | undefined;
    const mapped = reqParams && integration['IntegrationSubtype'] === undefined ? mapRequest(reqParams, inc) : { inc };
    const answer = await this.integrate(integration, mapped.inc, head, mapped.path);
    const resParams = integration['ResponseParameters'] as Record<string, Record<string, string>> | undefined;
    return resParams && answer.error === undefined ? mapResponse(resParams, answer, inc) : answer;
  }

  private async integrate(integration: Doc, inc: Incoming, head: RequestHead, path?: string): Promise<Answer> {
    const timeout = Number(integration['TimeoutInMillis'] ?? 30000);
    const type = integration['IntegrationType'];
    try {
      if (type === 'AWS_PROXY' && integration['IntegrationSubtype'] !== undefined)
        return await serviceIntegration(this.d.ports, integration, inc);
      if (type === 'AWS_PROXY') {
        const v2 = integration['PayloadFormatVersion'] === '2.0';
        const fn = functionOf(String(integration['IntegrationUri']), inc.stageVariables);
        const r = await invokeFunction(
          this.d.ports,
          inc.account,
          inc.region,
          fn,
          v2 ? eventV2(inc) : eventV1(inc),
          timeout,
        );
        if (r.functionError !== undefined)
          return {
            ...gatewayErrors.internal(),
            error: 'The Lambda function returned an error.',
            integrationStatus: 200,
          };
        return v2 ? parseV2(r.payload) : parseV1(r.payload);
      }
      if (type === 'HTTP_PROXY') return await this.proxy(integration, inc, head, timeout, path);
      return gatewayErrors.internal();
    } catch (err) {
      if (err instanceof IntegrationTimeout) return { ...gatewayErrors.unavailable(), error: 'Integration timed out' };
      this.d.log.debug({ err }, 'integration failed');
      return { ...gatewayErrors.internal(), error: err instanceof Error ? err.message : 'integration failed' };
    }
  }

  private proxy(integration: Doc, inc: Incoming, head: RequestHead, timeout: number, path?: string): Promise<Answer> {
    let uri = String(integration['IntegrationUri']).replace(
      /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g,
      (_m, k: string) => inc.stageVariables[k] ?? '',
    );
    uri = uri.replace(/\{([^}+]+)\+?\}/g, (m, k: string) =>
      inc.pathParameters[k] !== undefined ? inc.pathParameters[k].split('/').map(encodeURIComponent).join('/') : m,
    );
    if (inc.rawQuery) uri += (uri.includes('?') ? '&' : '?') + inc.rawQuery;
    const url = new URL(uri);
    if (path !== undefined) url.pathname = path;
    const method =
      integration['IntegrationMethod'] === 'ANY' || !integration['IntegrationMethod']
        ? head.method
        : String(integration['IntegrationMethod']);
    const headers: [string, string][] = [];
    for (const { name, values } of headerValues(inc.rawHeaders).values())
      if (!HOP.has(name.toLowerCase())) for (const v of values) headers.push([name, v]);
    headers.push(
      ['host', url.host],
      ['x-forwarded-for', inc.sourceIp],
      ['x-forwarded-proto', 'http'],
      ['content-length', String(inc.body.length)],
    );
    const https = url.protocol === 'https:';
    return new Promise<Answer>((resolve, reject) => {
      const out = (https ? httpsRequest : httpRequest)(
        url,
        { method, headers: headers.flat(), agent: https ? httpsAgent : httpAgent, timeout },
        (resp) => {
          const chunks: Buffer[] = [];
          resp.on('data', (c: Buffer) => chunks.push(c));
          resp.on('error', reject);
          resp.on('end', () => {
            const h: [string, string][] = [];
            for (let i = 0; i + 1 < resp.rawHeaders.length; i += 2)
              if (!HOP.has(resp.rawHeaders[i]!.toLowerCase())) h.push([resp.rawHeaders[i]!, resp.rawHeaders[i + 1]!]);
            resolve({
              status: resp.statusCode ?? 502,
              headers: h,
              body: Buffer.concat(chunks),
              integrationStatus: resp.statusCode,
            });
          });
        },
      );
      out.on('timeout', () => out.destroy(new IntegrationTimeout('integration timed out')));
      out.on('error', reject);
      out.end(inc.body);
    });
  }
}

function stripStage(inc: Incoming): string {
  const p = stripStageRaw(inc);
  return p.startsWith('/') ? p.slice(1) : p;
}

function stripStageRaw(inc: Incoming): string {
  if (inc.stage === '$default') return inc.path;
  const prefix = '/' + inc.stage;
  return inc.path.startsWith(prefix) ? inc.path.slice(prefix.length) || '/' : inc.path;
}

export function identityOf(inc: Incoming) {
  const hv = headerValues(inc.rawHeaders);
  const qv = queryValues(inc.rawQuery);
  return {
    header: (n: string) => hv.get(n.toLowerCase())?.values.join(','),
    query: (n: string) => qv.get(n)?.join(','),
    context: (n: string) => {
      const v = (
        {
          routeKey: inc.routeKey,
          stage: inc.stage,
          apiId: inc.apiId,
          requestId: inc.requestId,
          'identity.sourceIp': inc.sourceIp,
        } as Record<string, string>
      )[n];
      return v;
    },
    stageVariable: (n: string) => inc.stageVariables[n],
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function contextVars(
  inc: Incoming,
  answer: Answer,
  latency: number,
  integrationLatency: number | undefined,
  auth: AuthOutcome | undefined,
): Record<string, unknown> {
  const hv = headerValues(inc.rawHeaders);
  const vars: Record<string, unknown> = {
    accountId: inc.account,
    apiId: inc.apiId,
    awsEndpointRequestId: inc.requestId,
    domainName: inc.host.split(':')[0],
    domainPrefix: inc.host.split('.')[0],
    'error.message': answer.error ?? (answer.status >= 400 ? undefined : undefined),
    'error.messageString': answer.error !== undefined ? JSON.stringify(answer.error) : undefined,
    extendedRequestId: inc.requestId,
    httpMethod: inc.method,
    'identity.sourceIp': inc.sourceIp,
    'identity.userAgent': hv.get('user-agent')?.values[0],
    integrationErrorMessage: answer.integrationStatus === undefined ? undefined : answer.error,
    'integration.status': answer.integrationStatus,
    integrationStatus: answer.integrationStatus,
    'integration.latency': integrationLatency,
    integrationLatency,
    path: inc.path,
    protocol: 'HTTP/1.1',
    requestId: inc.requestId,
    requestTime: clf(inc.now),
    requestTimeEpoch: Math.floor(inc.now / 1000),
    responseLatency: latency,
    responseLength: answer.body.length,
    routeKey: inc.routeKey,
    stage: inc.stage,
    status: answer.status,
    'authorizer.error': auth && !auth.ok ? auth.error : undefined,
  };
  const a = inc.authorizer as Record<string, any> | undefined;
  for (const [k, v] of Object.entries(a?.['jwt']?.['claims'] ?? {})) vars[`authorizer.claims.${k}`] = v;
  for (const [k, v] of Object.entries(a?.['lambda'] ?? {})) vars[`authorizer.${k}`] = v;
  return vars;
}

import { signRequest } from '../../../core/auth/sign.js';
import type { ApigwContext } from '../context.js';
import type { IntegrationDoc, IntegrationResponseDoc } from '../types.js';
import { GatewayError } from './gateway-responses.js';
import { lambdaTarget } from './authorizers.js';
import type { InvokeRequest } from './event.js';
import { contextVariables, proxyEvent } from './event.js';
import type { InputParams } from './vtl.js';
import { jsonPath, renderTemplate, vtlInput } from './vtl.js';

export interface Answer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** Raised when an integration fails the way AWS answers `{"message": "Internal server error"}`. */
export class IntegrationFailure extends Error {
  constructor(
    readonly status: number,
    message = 'Internal server error',
  ) {
    super(message);
  }
}

const HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);

/** `${stageVariables.x}` in integration URIs. */
export function substituteStageVariables(text: string, vars: Record<string, string> | undefined): string {
  return text.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, k: string) => vars?.[k] ?? '');
}

export function inputParams(req: InvokeRequest): InputParams {
  const header: Record<string, string> = {};
  for (const [k, v] of req.rawHeaders) header[k] = v;
  const querystring: Record<string, string> = {};
  for (const [k, v] of req.query) querystring[k] = v;
  return { path: { ...req.pathParameters }, querystring, header };
}

function headerOf(req: InvokeRequest, name: string): string | undefined {
  let v: string | undefined;
  for (const [k, val] of req.rawHeaders) if (k.toLowerCase() === name.toLowerCase()) v = val;
  return v;
}

/** The value of a mapping source: `'literal'`, `method.request.*`, `stageVariables.x`, `context.x`. */
export function requestSource(source: string, req: InvokeRequest): string | undefined {
  const s = source.trim();
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1);
  let m = /^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)$/.exec(s);
  if (m) {
    if (m[1] === 'path') return req.pathParameters[m[2]!];
    if (m[1] === 'header') return headerOf(req, m[2]!);
    if (m[1] === 'multivalueheader') {
      const all = req.rawHeaders.filter(([k]) => k.toLowerCase() === m![2]!.toLowerCase()).map(([, v]) => v);
      return all.length ? all.join(',') : undefined;
    }
    const all = req.query.filter(([k]) => k === m![2]).map(([, v]) => v);
    if (all.length === 0) return undefined;
    return m[1] === 'querystring' ? all[all.length - 1] : all.join(',');
  }
  m = /^stageVariables\.(.+)$/.exec(s);
  if (m) return req.stageVariables?.[m[1]!];
  m = /^context\.(.+)$/.exec(s);
  if (m) {
    const v = jsonPath(contextVariables(req), `$.${m[1]}`);
    return v === undefined || v === null ? undefined : String(v);
  }
  return undefined;
}

function pickTemplate(
  templates: Record<string, string | null> | undefined,
  contentType: string,
): { found: boolean; template?: string | null } {
  if (!templates || Object.keys(templates).length === 0) return { found: false };
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  const key = Object.keys(templates).find((k) => k.toLowerCase() === ct);
  if (key !== undefined) return { found: true, template: templates[key] };
  return { found: false };
}

export interface Integrator {
  run(integration: IntegrationDoc, req: InvokeRequest, binaryMediaTypes: string[] | undefined): Promise<Answer>;
}

function isBinaryType(contentType: string | undefined, types: string[] | undefined): boolean {
  if (!contentType || !types?.length) return false;
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  return types.some((t) => {
    const p = t.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return ct.startsWith(p.slice(0, -1));
    return p === ct;
  });
}

export { isBinaryType };

/** Runs integrations: Lambda (proxy and not), AWS services over Overcast's own endpoint, HTTP, MOCK. */
export function integrator(
  gw: ApigwContext,
  lambda: () => import('../context.js').LambdaInvoker | undefined,
): Integrator {
  const withTimeout = async <T>(ms: number, p: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out')), ms);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const invokeLambda = async (uri: string, req: InvokeRequest, payload: Buffer, jsonSerialized = false) => {
    const fn = lambdaTarget(substituteStageVariables(uri, req.stageVariables));
    const invoker = lambda();
    if (!fn || !invoker) throw new IntegrationFailure(500);
    try {
      return await invoker.invoke({
        account: req.account,
        region: req.region,
        functionName: fn,
        payload,
        jsonSerialized,
      });
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 429) throw new GatewayError('THROTTLED', 'Too Many Requests');
      throw new IntegrationFailure(500);
    }
  };

  /** An AWS service action (`arn:aws:apigateway:region:dynamodb:action/PutItem`) against Overcast itself. */
  const callService = async (uri: string, req: InvokeRequest, body: Buffer): Promise<Answer> => {
    const m = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+):([a-z0-9.-]+):action\/([A-Za-z0-9]+)/.exec(uri);
    const targets: Record<string, [string, string]> = {
      dynamodb: ['DynamoDB_20120810', '1.0'],
      logs: ['Logs_20140328', '1.1'],
    };
    const t = m ? targets[m[2]!] : undefined;
    if (!m || !t) {
      gw.log.warn({ uri }, 'API Gateway AWS integration: unsupported service');
      throw new IntegrationFailure(500);
    }
    const region = m[1]!;
    const cred = gw.config.credentials.find((c) => c.account === req.account);
    const url = new URL('/', gw.server.endpoint);
    const text = body.toString('utf8');
    const headers = signRequest({
      method: 'POST',
      url,
      headers: { 'content-type': `application/x-amz-json-${t[1]}`, 'x-amz-target': `${t[0]}.${m[3]}` },
      body: text,
      region,
      service: m[2]!,
      accessKeyId: cred?.accessKeyId ?? req.account,
      secretAccessKey: cred?.secretAccessKey ?? 'overcast',
      now: Date.now(),
    });
    const res = await fetch(url, { method: 'POST', headers, body: text });
    const out = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: [...res.headers.entries()], body: out };
  };

  const callHttp = async (
    integration: IntegrationDoc,
    req: InvokeRequest,
    body: Buffer | undefined,
    proxy: boolean,
  ): Promise<Answer> => {
    let uri = substituteStageVariables(integration.uri ?? '', req.stageVariables);
    const headers = new Headers();
    const query = new URLSearchParams();
    const pathVars: Record<string, string> = {};
    if (proxy) {
      for (const [k, v] of req.rawHeaders) if (!HOP.has(k.toLowerCase())) headers.append(k, v);
      for (const [k, v] of req.query) query.append(k, v);
      Object.assign(pathVars, req.pathParameters);
    }
    for (const [target, source] of Object.entries(integration.requestParameters ?? {})) {
      const m = /^integration\.request\.(header|querystring|path)\.(.+)$/.exec(target);
      const v = requestSource(source, req);
      if (!m || v === undefined) continue;
      if (m[1] === 'header') headers.set(m[2]!, v);
      else if (m[1] === 'querystring') query.set(m[2]!, v);
      else pathVars[m[2]!] = v;
    }
    uri = uri.replace(/\{([A-Za-z0-9_.-]+)\+?\}/g, (_x, name: string) => {
      const v = pathVars[name] ?? '';
      return name === 'proxy' ? v.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(v);
    });
    const url = new URL(uri);
    for (const [k, v] of query) url.searchParams.append(k, v);
    const method = (
      proxy && integration.httpMethod === 'ANY' ? req.method : (integration.httpMethod ?? req.method)
    ).toUpperCase();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(method === 'GET' || method === 'HEAD' || !body?.length ? {} : { body: new Uint8Array(body) }),
        redirect: 'manual',
      });
    } catch {
      throw new IntegrationFailure(500);
    }
    return {
      status: res.status,
      headers: [...res.headers.entries()].filter(([k]) => !HOP.has(k) && k !== 'content-encoding'),
      body: Buffer.from(await res.arrayBuffer()),
    };
  };

  const lambdaProxyAnswer = (payload: Buffer): Answer => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      throw new IntegrationFailure(502);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new IntegrationFailure(502);
    const r = parsed as Record<string, unknown>;
    const allowed = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
    if (Object.keys(r).length === 0 || Object.keys(r).some((k) => !allowed.has(k))) throw new IntegrationFailure(502);
    let status = 200;
    if (r['statusCode'] !== undefined && r['statusCode'] !== null) {
      const s =
        typeof r['statusCode'] === 'string' && /^\d+$/.test(r['statusCode'])
          ? Number(r['statusCode'])
          : r['statusCode'];
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) throw new IntegrationFailure(502);
      status = s;
    }
    const headers: [string, string][] = [];
    const single = r['headers'];
    const multi = r['multiValueHeaders'];
    if (
      (single !== undefined && single !== null && (typeof single !== 'object' || Array.isArray(single))) ||
      (multi !== undefined && multi !== null && (typeof multi !== 'object' || Array.isArray(multi)))
    ) {
      throw new IntegrationFailure(502);
    }
    const multiMap = (multi ?? {}) as Record<string, unknown>;
    const multiLower = new Set(Object.keys(multiMap).map((k) => k.toLowerCase()));
    for (const [k, v] of Object.entries(multiMap)) {
      const list = Array.isArray(v) ? v : [v];
      for (const item of list) if (item !== null && item !== undefined) headers.push([k, String(item)]);
    }
    for (const [k, v] of Object.entries((single ?? {}) as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v === 'object') throw new IntegrationFailure(502);
      if (multiLower.has(k.toLowerCase())) headers.push([k, String(v)]);
      else headers.push([k, String(v)]);
    }
    let body: Buffer;
    const raw = r['body'];
    if (raw === undefined || raw === null) body = Buffer.alloc(0);
    else if (typeof raw === 'string')
      body = r['isBase64Encoded'] === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    else if (typeof raw === 'number' || typeof raw === 'boolean') body = Buffer.from(String(raw));
    else throw new IntegrationFailure(502);
    return { status, headers, body };
  };

  /** Integration response selection and mapping (non-proxy integrations). */
  const respond = (
    integration: IntegrationDoc,
    req: InvokeRequest,
    backend: { status: number; headers: [string, string][]; body: Buffer },
    selector: string | undefined,
  ): Answer => {
    const responses = Object.values(integration.integrationResponses ?? {});
    let chosen: IntegrationResponseDoc | undefined;
    for (const r of selector === undefined ? [] : responses) {
      if (!r.selectionPattern) continue;
      try {
        if (new RegExp(`^(?:${r.selectionPattern})$`, 's').test(selector!)) {
          chosen = r;
          break;
        }
      } catch {
        // an invalid pattern never matches
      }
    }
    chosen ??= responses.find((r) => !r.selectionPattern);
    if (!chosen) throw new IntegrationFailure(500);
    const bodyText = backend.body.toString('utf8');
    const accept = (headerOf(req, 'accept') ?? 'application/json').split(',')[0]!.trim();
    const templates = chosen.responseTemplates;
    let picked = pickTemplate(templates, accept);
    if (!picked.found) picked = pickTemplate(templates, 'application/json');
    if (!picked.found && templates && Object.keys(templates).length > 0)
      picked = { found: true, template: Object.values(templates)[0] };
    const override: { status?: number | string; header: Record<string, string> } = { header: {} };
    let body = backend.body;
    let contentType = backend.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
    if (picked.found && picked.template) {
      body = Buffer.from(
        renderTemplate(picked.template, {
          input: vtlInput(bodyText, inputParams(req)),
          context: contextVariables(req, { responseOverride: override }),
          stageVariables: req.stageVariables ?? {},
        }),
      );
      contentType = 'application/json';
    }
    const headers: [string, string][] = [['Content-Type', contentType]];
    for (const [target, source] of Object.entries(chosen.responseParameters ?? {})) {
      const m = /^method\.response\.header\.(.+)$/.exec(target);
      if (!m) continue;
      let v: string | undefined;
      const s = source.trim();
      if (s.startsWith("'") && s.endsWith("'")) v = s.slice(1, -1);
      else if (s.startsWith('integration.response.header.')) {
        const name = s.slice('integration.response.header.'.length).toLowerCase();
        v = backend.headers.find(([k]) => k.toLowerCase() === name)?.[1];
      } else if (s === 'integration.response.body') v = bodyText;
      else if (s.startsWith('integration.response.body.')) {
        try {
          const x = jsonPath(JSON.parse(bodyText), `$.${s.slice('integration.response.body.'.length)}`);
          v = x === undefined ? undefined : typeof x === 'string' ? x : JSON.stringify(x);
        } catch {
          v = undefined;
        }
      } else v = requestSource(s, req);
      if (v !== undefined) headers.push([m[1]!, v]);
    }
    for (const [k, v] of Object.entries(override.header)) headers.push([k, String(v)]);
    const status =
      override.status !== undefined && /^\d{3}$/.test(String(override.status))
        ? Number(override.status)
        : Number(chosen.statusCode);
    return { status, headers, body };
  };

  /** Request mapping (templates and passthrough behaviour) for non-proxy integrations. */
  const mapRequest = (integration: IntegrationDoc, req: InvokeRequest): Buffer => {
    const contentType = headerOf(req, 'content-type') ?? 'application/json';
    const picked = pickTemplate(integration.requestTemplates, contentType);
    const hasTemplates = Object.keys(integration.requestTemplates ?? {}).length > 0;
    const behavior = integration.passthroughBehavior ?? 'WHEN_NO_MATCH';
    if (!picked.found) {
      if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && hasTemplates)) {
        throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type');
      }
      return req.body;
    }
    if (!picked.template) return req.body;
    return Buffer.from(
      renderTemplate(picked.template, {
        input: vtlInput(req.body.toString('utf8'), inputParams(req)),
        context: contextVariables(req),
        stageVariables: req.stageVariables ?? {},
      }),
    );
  };

  return {
    async run(integration, req, binaryMediaTypes) {
      const ms = integration.timeoutInMillis ?? 29000;
      const uri = integration.uri ?? '';
      switch (integration.type) {
        case 'AWS_PROXY': {
          const out = await withTimeout(
            ms,
            invokeLambda(
              uri,
              req,
              Buffer.from(
                JSON.stringify(
                  proxyEvent({ ...req, isBinary: isBinaryType(headerOf(req, 'content-type'), binaryMediaTypes) }),
                ),
              ),
              true,
            ),
          );
          if (out.functionError) throw new IntegrationFailure(502);
          return lambdaProxyAnswer(out.payload);
        }
        case 'HTTP_PROXY':
          return withTimeout(ms, callHttp(integration, req, req.body, true));
        case 'MOCK': {
          const mapped = mapRequest(integration, req).toString('utf8');
          let status = 200;
          try {
            const parsed = JSON.parse(mapped);
            if (parsed && typeof parsed === 'object' && parsed.statusCode !== undefined)
              status = Number(parsed.statusCode);
          } catch {
            if (mapped.trim() !== '') throw new IntegrationFailure(500);
          }
          return respond(integration, req, { status, headers: [], body: Buffer.alloc(0) }, String(status));
        }
        case 'HTTP': {
          const mapped = mapRequest(integration, req);
          const out = await withTimeout(ms, callHttp(integration, req, mapped, false));
          return respond(integration, req, out, String(out.status));
        }
        case 'AWS': {
          const mapped = mapRequest(integration, req);
          if (/:lambda:path\//.test(uri)) {
            const out = await withTimeout(ms, invokeLambda(uri, req, mapped));
            let selector: string | undefined;
            if (out.functionError) {
              try {
                selector = String(JSON.parse(out.payload.toString('utf8'))?.errorMessage ?? '');
              } catch {
                selector = out.payload.toString('utf8');
              }
            }
            return respond(integration, req, { status: 200, headers: [], body: out.payload }, selector);
          }
          const out = await withTimeout(
            ms,
            callService(substituteStageVariables(uri, req.stageVariables), req, mapped),
          );
          return respond(integration, req, out, String(out.status));
        }
        default:
          throw new IntegrationFailure(500);
      }
    },
  };
}

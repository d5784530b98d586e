import type { Logger } from '../../../core/log.js';
import { jsonPath, renderTemplate, vtlInput } from '../../apigateway/invoke/vtl.js';
import type { LambdaPort } from '../../lambda/port.js';
import type { Ports } from '../../ports.js';
import { port } from '../../ports.js';
import type { Snapshot } from '../control/deploy.js';
import type { Doc } from '../control/store.js';
import { functionOf } from './lambda.js';

/** What a WebSocket route hands a non-proxy (AWS / HTTP / MOCK) integration. */
export interface NonProxyRequest {
  /** The message (`base64` when `isBinary`). */
  body: string;
  isBinary: boolean;
  context: Record<string, unknown>;
  headers: Record<string, string>;
  query: Record<string, string>;
  stageVariables: Record<string, string>;
  account: string;
  region: string;
}

export interface NonProxyResult {
  status?: number;
  /** What a two-way route sends back (a Buffer goes out as a binary frame). */
  body?: string | Buffer;
  error?: boolean;
  errorMessage?: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const asText = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * A template / integration response selection expression: `\$default` (a literal), a single
 * `$a.b.c` reference, `${a.b.c}` interpolations, or a constant. No expression selects `$default`.
 */
export function evaluateSelection(expression: unknown, lookup: (ref: string) => string | undefined): string {
  if (expression === undefined || expression === null || expression === '') return '$default';
  const e = String(expression);
  if (e.startsWith('\\$')) return e.slice(1);
  const whole = /^\$([A-Za-z][\w]*(?:\.[^\s${}]+)+)$/.exec(e);
  if (whole) return lookup(whole[1]!) ?? '';
  return e.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => lookup(ref) ?? '');
}

function requestLookup(req: NonProxyRequest, text: string): (ref: string) => string | undefined {
  let root: unknown;
  let parsed = false;
  return (ref) => {
    if (ref.startsWith('request.body')) {
      if (!parsed) {
        parsed = true;
        root = parseJson(text);
      }
      const path = ref.slice(12);
      return path === '' ? text : asText(jsonPath(root, `$${path}`));
    }
    if (ref.startsWith('request.header.')) {
      const n = ref.slice(15).toLowerCase();
      const k = Object.keys(req.headers).find((h) => h.toLowerCase() === n);
      return k === undefined ? undefined : req.headers[k];
    }
    if (ref.startsWith('request.querystring.')) return req.query[ref.slice(20)];
    if (ref.startsWith('context.')) return asText(jsonPath(req.context, `$.${ref.slice(8)}`));
    if (ref.startsWith('stageVariables.')) return req.stageVariables[ref.slice(15)];
    return undefined;
  };
}

/** The template a selection key picks: the key's own, else `$default`. */
function pick(templates: Record<string, string> | undefined, key: string): string | undefined {
  if (!templates) return undefined;
  return templates[key] ?? templates['$default'];
}

function vars(req: NonProxyRequest, body: string, params: boolean) {
  return {
    input: vtlInput(body, { path: {}, querystring: params ? req.query : {}, header: params ? req.headers : {} }),
    context: req.context,
    stageVariables: req.stageVariables,
  };
}

interface Backend {
  status: number;
  body: string;
}

async function callLambda(ports: Ports, req: NonProxyRequest, integration: Doc, payload: Buffer): Promise<Backend> {
  const uri = String(integration['IntegrationUri'] ?? '');
  if (!/:lambda:path\/2015-03-31\/functions\/|^arn:aws[a-z-]*:lambda:/.test(uri))
    throw new Error(`unsupported AWS integration URI ${uri}`);
  const lambda = port<LambdaPort>(ports, 'lambda');
  if (!lambda) throw new Error('Lambda is not available');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('integration timed out')),
      Number(integration['TimeoutInMillis'] ?? 29000),
    );
  });
  try {
    const r = await Promise.race([
      lambda.invoke({
        account: req.account,
        region: req.region,
        functionName: functionOf(uri, req.stageVariables),
        payload,
      }),
      timeout,
    ]);
    if (r.functionError !== undefined) throw new Error(`function error ${r.functionError}`);
    return { status: 200, body: r.payload.toString('utf8') };
  } finally {
    clearTimeout(timer);
  }
}

async function callHttp(req: NonProxyRequest, integration: Doc, payload: Buffer): Promise<Backend> {
  const uri = String(integration['IntegrationUri']).replace(
    /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g,
    (_m, k: string) => req.stageVariables[k] ?? '',
  );
  const method = String(integration['IntegrationMethod'] ?? 'POST').toUpperCase();
  const r = await fetch(uri, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: new Uint8Array(payload) }),
    signal: AbortSignal.timeout(Number(integration['TimeoutInMillis'] ?? 29000)),
  });
  return { status: r.status, body: await r.text() };
}

/** The integration response whose key matches the selection value: `/regex/`, a literal, else `$default`. */
function integrationResponseFor(responses: Doc[], value: string): Doc | undefined {
  let fallback: Doc | undefined;
  for (const r of responses) {
    const key = String(r['IntegrationResponseKey'] ?? '');
    if (key === '$default') {
      fallback = r;
      continue;
    }
    const re = /^\/(.*)\/$/.exec(key);
    if (re) {
      try {
        if (new RegExp(`^(?:${re[1]!})$`).test(value)) return r;
      } catch {
        // an invalid pattern matches nothing
      }
    } else if (key === value) return r;
  }
  return fallback;
}

/**
 * A WebSocket route's non-proxy integration: the request template (picked by the integration's
 * `TemplateSelectionExpression`, `PassthroughBehavior` when none matches) builds the backend
 * payload; the matching integration response's template builds what a two-way route sends back.
 */
export async function runNonProxy(
  ports: Ports,
  log: Logger,
  snap: Snapshot,
  integration: Doc,
  req: NonProxyRequest,
): Promise<NonProxyResult> {
  const type = integration['IntegrationType'];
  const handling = integration['ContentHandlingStrategy'];
  let text = req.isBinary
    ? handling === 'CONVERT_TO_TEXT'
      ? req.body
      : Buffer.from(req.body, 'base64').toString('utf8')
    : req.body;
  let payload: Buffer | undefined;
  if (!req.isBinary && handling === 'CONVERT_TO_BINARY') payload = Buffer.from(text, 'base64');
  const templates = integration['RequestTemplates'] as Record<string, string> | undefined;
  const key = evaluateSelection(integration['TemplateSelectionExpression'], requestLookup(req, text));
  const template = pick(templates, key);
  if (template !== undefined) {
    try {
      text = renderTemplate(template, vars(req, text, true));
    } catch (err) {
      log.debug({ err }, 'WebSocket request template failed');
      return { error: true };
    }
    payload = undefined;
  } else {
    const behavior = integration['PassthroughBehavior'] ?? 'WHEN_NO_MATCH';
    const hasTemplates = templates !== undefined && Object.keys(templates).length > 0;
    if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && hasTemplates))
      return { error: true, errorMessage: 'Unsupported Media Type' };
  }
  payload ??= Buffer.from(text, 'utf8');
  let backend: Backend;
  try {
    if (type === 'MOCK') {
      const status = (parseJson(text) as { statusCode?: unknown } | undefined)?.statusCode;
      backend = { status: Number.isInteger(Number(status)) && status !== undefined ? Number(status) : 200, body: '' };
    } else if (type === 'AWS') backend = await callLambda(ports, req, integration, payload);
    else if (type === 'HTTP') backend = await callHttp(req, integration, payload);
    else return { error: true };
  } catch (err) {
    log.debug({ err }, 'WebSocket integration failed');
    return { error: true };
  }
  const id = integration['IntegrationId'];
  const responses = snap.integrationResponses.filter((r) => r['_parent'] === id);
  const plain = backend.body === '' ? {} : { body: backend.body };
  if (responses.length === 0) return { status: backend.status, ...plain };
  let root: unknown;
  const responseLookup = (ref: string): string | undefined => {
    if (ref === 'integration.response.statuscode') return String(backend.status);
    if (ref.startsWith('integration.response.body')) {
      root ??= parseJson(backend.body);
      return asText(jsonPath(root, `$${ref.slice(25)}`));
    }
    return requestLookup(req, text)(ref);
  };
  const selected = evaluateSelection(
    integration['IntegrationResponseSelectionExpression'] ?? '${integration.response.statuscode}',
    responseLookup,
  );
  const response = integrationResponseFor(responses, selected);
  if (!response) return { status: backend.status, ...plain };
  let out: string | Buffer = backend.body;
  const responseTemplate = pick(
    response['ResponseTemplates'] as Record<string, string> | undefined,
    evaluateSelection(response['TemplateSelectionExpression'], responseLookup),
  );
  if (responseTemplate !== undefined) {
    try {
      out = renderTemplate(responseTemplate, vars(req, backend.body, false));
    } catch (err) {
      log.debug({ err }, 'WebSocket response template failed');
      return { error: true };
    }
  }
  const convert = response['ContentHandlingStrategy'];
  if (convert === 'CONVERT_TO_BINARY') out = Buffer.from(out as string, 'base64');
  else if (convert === 'CONVERT_TO_TEXT') out = Buffer.from(out as string, 'utf8').toString('base64');
  return out.length === 0 ? { status: backend.status } : { status: backend.status, body: out };
}

import { isUtf8 } from 'node:buffer';
import type { Doc } from '../control/store.js';

/** What the data plane knows of one HTTP request once routed. */
export interface Incoming {
  method: string;
  /** Raw path as the client sent it, relative to the API's host (stage included), e.g. `/dev/pets/1`. */
  rawPath: string;
  /** Decoded `rawPath`. */
  path: string;
  rawQuery: string;
  /** Header names in the client's case, in arrival order. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  host: string;
  requestId: string;
  now: number;
  account: string;
  region: string;
  apiId: string;
  stage: string;
  stageVariables: Record<string, string>;
  routeKey: string;
  route: Doc | undefined;
  /** The route's path template (`/pets/{id}`) or `$default`. */
  resource: string;
  pathParameters: Record<string, string>;
  /** The authorizer's output for the event (`{jwt: ...}`, `{lambda: ...}`, `{iam: ...}`). */
  authorizer?: Record<string, unknown>;
  /** Payload 1.0 form of the authorizer output (REST-like). */
  authorizerV1?: Record<string, unknown>;
}

const TEXT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql|.*\+json|.*\+xml))/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 27/Nov/2026:12:34:56 +0000 */
export function clf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Text bodies reach the function as strings; binary ones (and invalid UTF-8) base64-encoded. */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  if (body.length === 0) return true;
  if (!isUtf8(body)) return false;
  if (contentType) return TEXT.test(contentType);
  // No content type: text unless it holds control bytes.
  return !/[\u0000-\u0008\u000E-\u001F]/.test(body.toString('utf8'));
}

/** Header name (lower-case) → values in order. */
export function headerValues(rawHeaders: readonly string[]): Map<string, { name: string; values: string[] }> {
  const out = new Map<string, { name: string; values: string[] }>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const key = name.toLowerCase();
    const e = out.get(key);
    if (e) e.values.push(rawHeaders[i + 1]!);
    else out.set(key, { name, values: [rawHeaders[i + 1]!] });
  }
  return out;
}

function decodeQ(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Query key → values in order (keys and values percent-decoded). */
export function queryValues(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (rawQuery === '') return out;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decodeQ(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeQ(part.slice(eq + 1));
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

function forwarded(inc: Incoming, port: string): [string, string][] {
  return [
    ['X-Forwarded-For', inc.sourceIp],
    ['X-Forwarded-Port', port],
    ['X-Forwarded-Proto', 'http'],
    [
      'X-Amzn-Trace-Id',
      `Root=1-${Math.floor(inc.now / 1000).toString(16)}-${inc.requestId.replace(/-/g, '').slice(0, 24)}`,
    ],
  ];
}

function hostParts(inc: Incoming): { domainName: string; domainPrefix: string; port: string } {
  const colon = inc.host.lastIndexOf(':');
  const domainName = colon > 0 && !inc.host.endsWith(']') ? inc.host.slice(0, colon) : inc.host;
  const port = colon > 0 ? inc.host.slice(colon + 1) : '80';
  return { domainName, domainPrefix: domainName.split('.')[0]!, port };
}

function bodyOf(
  inc: Incoming,
  headers: Map<string, { values: string[] }>,
): { body: string | undefined; isBase64Encoded: boolean } {
  if (inc.body.length === 0) return { body: undefined, isBase64Encoded: false };
  const text = isTextBody(headers.get('content-type')?.values[0], inc.body);
  return text
    ? { body: inc.body.toString('utf8'), isBase64Encoded: false }
    : { body: inc.body.toString('base64'), isBase64Encoded: true };
}

/** HTTP API payload format 2.0. */
export function eventV2(inc: Incoming): Record<string, unknown> {
  const hv = headerValues(inc.rawHeaders);
  const { domainName, domainPrefix, port } = hostParts(inc);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [key, { values }] of hv) {
    if (key === 'cookie') {
      for (const v of values) for (const c of v.split(';')) if (c.trim() !== '') cookies.push(c.trim());
    } else headers[key] = values.join(',');
  }
  for (const [k, v] of forwarded(inc, port)) headers[k.toLowerCase()] ??= v;
  const query: Record<string, string> = {};
  for (const [k, vs] of queryValues(inc.rawQuery)) query[k] = vs.join(',');
  const { body, isBase64Encoded } = bodyOf(inc, hv);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: inc.routeKey,
    rawPath: inc.rawPath,
    rawQueryString: inc.rawQuery,
  };
  if (cookies.length > 0) event['cookies'] = cookies;
  event['headers'] = headers;
  if (Object.keys(query).length > 0) event['queryStringParameters'] = query;
  if (Object.keys(inc.pathParameters).length > 0) event['pathParameters'] = inc.pathParameters;
  if (Object.keys(inc.stageVariables).length > 0) event['stageVariables'] = inc.stageVariables;
  event['requestContext'] = {
    accountId: inc.account,
    apiId: inc.apiId,
    ...(inc.authorizer ? { authorizer: inc.authorizer } : {}),
    domainName,
    domainPrefix,
    http: {
      method: inc.method,
      path: inc.path,
      protocol: 'HTTP/1.1',
      sourceIp: inc.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: inc.requestId,
    routeKey: inc.routeKey,
    stage: inc.stage,
    time: clf(inc.now),
    timeEpoch: inc.now,
  };
  if (body !== undefined) event['body'] = body;
  event['isBase64Encoded'] = isBase64Encoded;
  return event;
}

export function identityV1(sourceIp: string, userAgent: string | null): Record<string, unknown> {
  return {
    accessKey: null,
    accountId: null,
    caller: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

/** HTTP API payload format 1.0 (the REST API proxy event plus `version`). */
export function eventV1(inc: Incoming): Record<string, unknown> {
  const hv = headerValues(inc.rawHeaders);
  const { domainName, domainPrefix, port } = hostParts(inc);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const { name, values } of hv.values()) {
    headers[name] = values[values.length - 1]!;
    multiValueHeaders[name] = values;
  }
  for (const [k, v] of forwarded(inc, port)) {
    if (!hv.has(k.toLowerCase())) {
      headers[k] = v;
      multiValueHeaders[k] = [v];
    }
  }
  const qv = queryValues(inc.rawQuery);
  let query: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  if (qv.size > 0) {
    query = {};
    multiQuery = {};
    for (const [k, vs] of qv) {
      query[k] = vs[vs.length - 1]!;
      multiQuery[k] = vs;
    }
  }
  const { body, isBase64Encoded } = bodyOf(inc, hv);
  return {
    version: '1.0',
    resource: inc.resource,
    path: inc.path,
    httpMethod: inc.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    requestContext: {
      accountId: inc.account,
      apiId: inc.apiId,
      ...(inc.authorizerV1 ? { authorizer: inc.authorizerV1 } : {}),
      domainName,
      domainPrefix,
      extendedRequestId: inc.requestId,
      httpMethod: inc.method,
      identity: identityV1(inc.sourceIp, hv.get('user-agent')?.values[0] ?? null),
      path: inc.path,
      protocol: 'HTTP/1.1',
      requestId: inc.requestId,
      requestTime: clf(inc.now),
      requestTimeEpoch: inc.now,
      resourceId: inc.route ? `${inc.routeKey}` : '$default',
      resourcePath: inc.resource,
      stage: inc.stage,
    },
    pathParameters: Object.keys(inc.pathParameters).length > 0 ? inc.pathParameters : null,
    stageVariables: Object.keys(inc.stageVariables).length > 0 ? inc.stageVariables : null,
    body: body ?? null,
    isBase64Encoded,
  };
}

import { randomUUID } from 'node:crypto';
import type { RequestHead } from '../../../core/http/mount.js';

const TEXT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|.*\+json|.*\+xml))/i;

/** The API Gateway payload 2.0 event a function URL sends (AWS's shape for Function URLs). */
export function functionUrlEvent(
  head: RequestHead,
  body: Buffer,
  urlId: string,
  accountId: string,
  sourceIp: string,
  now: number,
): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(head.headers)) {
    if (v === undefined) continue;
    if (k === 'cookie') cookies.push(...String(v).split(/;\s*/).filter(Boolean));
    else headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of head.query) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = head.headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT.test(contentType);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: head.rawPath,
    rawQueryString: head.rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId,
      apiId: urlId,
      domainName: head.headers['host'] ?? '',
      domainPrefix: urlId,
      http: {
        method: head.method,
        path: head.path,
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: head.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clf(now),
      timeEpoch: now,
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
  return event;
}

/** 27/Nov/2026:12:34:56 +0000 */
function clf(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** Response inference of payload 2.0: an object with statusCode is a response; anything else is a JSON 200. */
export function inferResponse(payload: Buffer): HttpAnswer {
  const text = payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: payload };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
    const r = value as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      body?: unknown;
      isBase64Encoded?: boolean;
      cookies?: unknown[];
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    const bodyText =
      r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return {
      status: Number(r.statusCode) || 200,
      headers,
      cookies: (r.cookies ?? []).map(String),
      body: r.isBase64Encoded ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText, 'utf8'),
    };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(typeof value === 'string' ? value : text),
  };
}

import type { Call } from './context.js';
import { S3Error, s3Errors } from './errors.js';
import { send } from './respond.js';
import type { Bucket, CorsRule } from './storage/catalog.js';

function wildcard(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern.toLowerCase() === value.toLowerCase();
  const head = pattern.slice(0, star).toLowerCase();
  const tail = pattern.slice(star + 1).toLowerCase();
  const v = value.toLowerCase();
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

function findRule(bucket: Bucket, origin: string, method: string, headers: string[]): CorsRule | undefined {
  return bucket.config.cors?.find(
    (r) =>
      r.allowedOrigins.some((o) => wildcard(o, origin)) &&
      r.allowedMethods.includes(method) &&
      headers.every((h) => r.allowedHeaders.some((a) => wildcard(a, h))),
  );
}

function ruleHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const any = rule.allowedOrigins.includes('*');
  const h: Record<string, string> = {
    'access-control-allow-origin': any ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!any) h['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders.length > 0) h['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h['access-control-max-age'] = String(rule.maxAgeSeconds);
  return h;
}

/** The CORS headers an actual (non-preflight) request with an Origin gets, when a rule allows it. */
export function corsHeaders(call: Call, bucket: Bucket | undefined): Record<string, string> {
  const origin = call.head.headers['origin'];
  if (!origin || !bucket?.config.cors) return {};
  const method = call.head.method === 'OPTIONS' ? 'GET' : call.head.method;
  const rule = findRule(bucket, origin, method, []);
  return rule ? ruleHeaders(rule, origin) : {};
}

/** An OPTIONS preflight: allowed by a rule of the bucket's CORS configuration, or 403. */
export function preflight(call: Call): void {
  const bucket = call.bucketName ? call.s3.catalog.buckets.get(call.bucketName) : undefined;
  if (!bucket) throw s3Errors.noSuchBucket(call.bucketName ?? '');
  const origin = call.head.headers['origin'];
  const method = call.head.headers['access-control-request-method'];
  if (!origin || !method) {
    throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  }
  if (!bucket.config.cors) {
    throw new S3Error('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', 403, {
      Method: method,
      ResourceType: 'BUCKET',
    });
  }
  const requested = (call.head.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const rule = findRule(bucket, origin, method, requested);
  if (!rule) {
    throw new S3Error(
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      403,
      { Method: method, ResourceType: 'OBJECT' },
    );
  }
  const headers = ruleHeaders(rule, origin);
  if (requested.length > 0) headers['access-control-allow-headers'] = requested.join(', ');
  send(call, 200, headers);
}

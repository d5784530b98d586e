/** A gateway answer before CORS and access logging. Header names are kept as the function gave them. */
export interface Answer {
  status: number;
  headers: [string, string][];
  body: Buffer;
  /** For access logs: `$context.error.message` / `$context.integrationErrorMessage`. */
  error?: string;
  integrationStatus?: number;
}

export const json = (status: number, body: unknown, extra: [string, string][] = []): Answer => ({
  status,
  headers: [['content-type', 'application/json'], ...extra],
  body: Buffer.from(JSON.stringify(body)),
  error:
    typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : undefined,
});

export const gatewayErrors = {
  notFound: () => json(404, { message: 'Not Found' }),
  internal: () => json(500, { message: 'Internal Server Error' }),
  unauthorized: (extra: [string, string][] = []) => json(401, { message: 'Unauthorized' }, extra),
  forbidden: (extra: [string, string][] = []) => json(403, { message: 'Forbidden' }, extra),
  tooMany: () => json(429, { message: 'Too Many Requests' }),
  tooLarge: () => json(413, { message: 'Request Entity Too Large' }),
  unavailable: () => json(503, { message: 'Service Unavailable' }),
  badRequest: () => json(400, { message: 'Bad Request' }),
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

function statusOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

function headerList(headers: unknown, multi: unknown): [string, string][] | undefined {
  const out = new Map<string, [string, string[]]>();
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers)) return undefined;
    for (const [k, v] of Object.entries(headers)) {
      const s = str(v);
      if (s === undefined) {
        if (v === null) continue;
        return undefined;
      }
      out.set(k.toLowerCase(), [k, [s]]);
    }
  }
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object' || Array.isArray(multi)) return undefined;
    for (const [k, v] of Object.entries(multi)) {
      if (!Array.isArray(v)) return undefined;
      const vals = v.map(str);
      if (vals.some((x) => x === undefined)) return undefined;
      const prev = out.get(k.toLowerCase());
      out.set(k.toLowerCase(), [k, [...(vals as string[]), ...(prev ? prev[1] : [])]]);
    }
  }
  const list: [string, string][] = [];
  for (const [key, [name, values]] of out) {
    if (key === 'set-cookie') for (const v of values) list.push([name, v]);
    else list.push([name, values.join(', ')]);
  }
  return list;
}

function bodyBytes(body: unknown, base64: unknown): Buffer | undefined {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== 'string') return undefined;
  return base64 === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Payload 2.0 response: the explicit form with `statusCode`, or anything else as a JSON 200. */
export function parseV2(payload: Buffer): Answer {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ...gatewayErrors.internal(), error: 'The Lambda function returned an invalid response.' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('statusCode' in value)) {
    const body = typeof value === 'string' ? Buffer.from(value) : payload;
    return { status: 200, headers: [['content-type', 'application/json']], body, integrationStatus: 200 };
  }
  const v = value as Record<string, unknown>;
  const status = statusOf(v['statusCode']);
  const headers = headerList(v['headers'], v['multiValueHeaders']);
  const body = bodyBytes(v['body'], v['isBase64Encoded']);
  const cookies = v['cookies'];
  if (
    status === undefined ||
    !headers ||
    !body ||
    (cookies !== undefined && cookies !== null && !Array.isArray(cookies))
  ) {
    return { ...gatewayErrors.internal(), error: 'The Lambda function returned an invalid response.' };
  }
  for (const c of (cookies as unknown[] | undefined) ?? []) {
    if (typeof c !== 'string')
      return { ...gatewayErrors.internal(), error: 'The Lambda function returned an invalid response.' };
    headers.push(['set-cookie', c]);
  }
  if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/json']);
  return { status, headers, body, integrationStatus: 200 };
}

const V1_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'cookies']);

/** Payload 1.0 response: the strict REST proxy shape; anything else is a 500. */
export function parseV1(payload: Buffer): Answer {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    value = undefined;
  }
  const invalid = { ...gatewayErrors.internal(), error: 'The Lambda function returned an invalid response.' };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).length === 0 || Object.keys(v).some((k) => !V1_KEYS.has(k))) return invalid;
  const status = v['statusCode'] === undefined ? 200 : statusOf(v['statusCode']);
  const headers = headerList(v['headers'], v['multiValueHeaders']);
  const body = bodyBytes(v['body'], v['isBase64Encoded']);
  if (status === undefined || !headers || !body) return invalid;
  return { status, headers, body, integrationStatus: 200 };
}

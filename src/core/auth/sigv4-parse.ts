import { coreErrors } from '../errors/aws-error.js';

/** The parts of a SigV4 signature, from the Authorization header or a presigned query string. */
export interface SigV4Parts {
  accessKeyId: string;
  date: string; // yyyymmdd of the scope
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date (or Date header) of the request. */
  amzDate: string | undefined;
  presigned: boolean;
  /** Seconds a presigned URL is valid. */
  expires?: number;
  sessionToken?: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Parse SigV4 from headers (lower-case names) or query; undefined when the request carries none. */
export function parseSigV4(
  headers: Record<string, string | undefined>,
  query: URLSearchParams,
): SigV4Parts | undefined {
  const auth = headers['authorization'];
  if (auth !== undefined) return parseHeader(auth, headers);
  if (query.has('X-Amz-Algorithm') || query.has('X-Amz-Credential')) return parseQuery(query);
  return undefined;
}

/** Value of `name=` in a SigV4 Authorization header (up to the next comma), without allocating a map. */
function param(auth: string, name: string): string | undefined {
  let at = auth.indexOf(name);
  while (at > 0 && auth.charCodeAt(at - 1) !== 32 && auth.charCodeAt(at - 1) !== 44) at = auth.indexOf(name, at + 1);
  if (at < 0) return undefined;
  const start = at + name.length;
  const end = auth.indexOf(',', start);
  const value = (end < 0 ? auth.slice(start) : auth.slice(start, end)).trim();
  return value || undefined;
}

function parseHeader(auth: string, headers: Record<string, string | undefined>): SigV4Parts {
  const credential = auth.startsWith(ALGORITHM + ' ') ? param(auth, 'Credential=') : undefined;
  const signedHeaders = credential ? param(auth, 'SignedHeaders=') : undefined;
  const signature = credential ? param(auth, 'Signature=') : undefined;
  const amzDate = headers['x-amz-date'] ?? headers['date'];
  if (!credential || !signedHeaders || !signature || !amzDate) {
    const missing: string[] = [];
    if (!credential) missing.push(`Authorization header requires 'Credential' parameter.`);
    if (!signature) missing.push(`Authorization header requires 'Signature' parameter.`);
    if (!signedHeaders) missing.push(`Authorization header requires 'SignedHeaders' parameter.`);
    if (!amzDate) missing.push(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
    throw coreErrors.incompleteSignature(`${missing.join(' ')} Authorization=${auth}`);
  }
  const scope = parseCredential(credential);
  return {
    accessKeyId: scope.accessKeyId,
    date: scope.date,
    region: scope.region,
    service: scope.service,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate,
    presigned: false,
    sessionToken: headers['x-amz-security-token'],
  };
}

function parseQuery(query: URLSearchParams): SigV4Parts {
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  const missing = required.filter((k) => !query.get(k));
  if (missing.length > 0 || query.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw coreErrors.incompleteSignature(
      `AWS query-string parameters must include ${required.map((k) => `'${k}'`).join(', ')}. Re-examine the query-string parameters.`,
    );
  }
  const scope = parseCredential(query.get('X-Amz-Credential')!);
  const expires = query.get('X-Amz-Expires');
  return {
    ...scope,
    signedHeaders: query.get('X-Amz-SignedHeaders')!.split(';'),
    signature: query.get('X-Amz-Signature')!,
    amzDate: query.get('X-Amz-Date')!,
    presigned: true,
    expires: expires ? Number(expires) : 604800,
    sessionToken: query.get('X-Amz-Security-Token') ?? undefined,
  };
}

function parseCredential(credential: string): Pick<SigV4Parts, 'accessKeyId' | 'date' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !parts[0]) {
    throw coreErrors.incompleteSignature(`Credential should be scoped to a valid region. Credential=${credential}`);
  }
  return { accessKeyId: parts[0], date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

/** Parse `20260101T000000Z` (or an RFC 1123 date) to epoch ms; NaN when malformed. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Date.parse(value);
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { accountOfKey } from '../../core/auth/authenticate.js';
import { parseAmzDate } from '../../core/auth/sigv4-parse.js';
import { signingKey } from '../../core/auth/sigv4-verify.js';
import type { RequestHead } from '../../core/http/mount.js';
import type { OvercastConfig } from '../../config/schema.js';
import { S3Error, s3Errors } from './errors.js';

/** Who called, and (for signed aws-chunked bodies) what each chunk signature chains from. */
export interface S3Caller {
  account: string;
  region: string;
  accessKeyId: string;
  anonymous: boolean;
  presigned: boolean;
  /** Set in enforce mode: verifies the chunk signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body. */
  chunkVerifier?: (signature: string | undefined, dataSha256Hex: string) => void;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const SKEW_MS = 15 * 60 * 1000;

interface Parsed {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  expires: number;
}

const malformedHeader = (message: string): S3Error => new S3Error('AuthorizationHeaderMalformed', message, 400);
const malformedQuery = (message: string): S3Error => new S3Error('AuthorizationQueryParametersError', message, 400);

function parseScope(credential: string, query: boolean): Pick<Parsed, 'accessKeyId' | 'date' | 'region' | 'service'> {
  const p = credential.split('/');
  if (p.length !== 5 || p[4] !== 'aws4_request' || !p[0]) {
    const msg = `The authorization ${query ? 'query parameters are' : 'header is'} malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`;
    throw query ? malformedQuery(msg) : malformedHeader(msg);
  }
  return { accessKeyId: p[0], date: p[1]!, region: p[2]!, service: p[3]! };
}

function parse(head: RequestHead): Parsed | undefined {
  const auth = head.headers['authorization'];
  if (auth !== undefined) {
    if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
      if (auth.startsWith('AWS '))
        throw s3Errors.invalidRequest(
          'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        );
      throw malformedHeader(
        'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      );
    }
    const fields: Record<string, string> = {};
    for (const part of auth.slice(17).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    if (!fields['Credential'] || !fields['SignedHeaders'] || !fields['Signature']) {
      throw malformedHeader(
        'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      );
    }
    const amzDate = head.headers['x-amz-date'] ?? head.headers['date'];
    if (!amzDate) throw s3Errors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
    return {
      ...parseScope(fields['Credential'], false),
      signedHeaders: fields['SignedHeaders'].split(';'),
      signature: fields['Signature'],
      amzDate,
      presigned: false,
      expires: 0,
    };
  }
  const q = head.query;
  if (!q.has('X-Amz-Credential') && !q.has('X-Amz-Algorithm')) return undefined;
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw malformedQuery('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  for (const k of ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!q.get(k)) {
      throw malformedQuery(
        `Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.`,
      );
    }
  }
  const expires = Number(q.get('X-Amz-Expires') ?? '604800');
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
    throw malformedQuery('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  return {
    ...parseScope(q.get('X-Amz-Credential')!, true),
    signedHeaders: q.get('X-Amz-SignedHeaders')!.split(';'),
    signature: q.get('X-Amz-Signature')!,
    amzDate: q.get('X-Amz-Date')!,
    presigned: true,
    expires,
  };
}

/** True when the request carries SigV4 scoped to the s3 service (a cheap test for routing). */
export function signedForS3(head: RequestHead): boolean {
  const auth = head.headers['authorization'];
  if (auth !== undefined) return /Credential=[^/,]*\/[^/]*\/[^/]*\/s3\//.test(auth);
  const cred = head.query.get('X-Amz-Credential');
  return cred !== null && /^[^/]*\/[^/]*\/[^/]*\/s3\//.test(cred);
}

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  if (!rawQuery) return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(eq < 0 ? '' : safeDecode(part.slice(eq + 1)))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(head: RequestHead, rawHeaders: string[], name: string): string {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!);
  }
  if (values.length === 0) values.push(head.headers[name] ?? '');
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Authenticates an S3 request (header or presigned SigV4); verifies it in enforce mode. */
export function authenticate(config: OvercastConfig, head: RequestHead, rawHeaders: string[], now: number): S3Caller {
  const parsed = parse(head);
  if (!parsed) {
    if (config.auth === 'enforce') throw s3Errors.accessDenied();
    return { account: config.account, region: config.region, accessKeyId: '', anonymous: true, presigned: false };
  }
  const known = config.credentials.find((c) => c.accessKeyId === parsed.accessKeyId);
  const caller: S3Caller = {
    account: known?.account ?? accountOfKey(parsed.accessKeyId, config.account),
    region: parsed.region,
    accessKeyId: parsed.accessKeyId,
    anonymous: false,
    presigned: parsed.presigned,
  };
  if (config.auth !== 'enforce') return caller;
  if (!known) throw s3Errors.invalidAccessKeyId(parsed.accessKeyId);
  const signed = parseAmzDate(parsed.amzDate);
  if (Number.isNaN(signed))
    throw s3Errors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  if (parsed.presigned) {
    if (now > signed + parsed.expires * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired', 403, {
        'X-Amz-Expires': String(parsed.expires),
        Expires: new Date(signed + parsed.expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ServerTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    }
  } else if (Math.abs(now - signed) > SKEW_MS) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
      {
        RequestTime: parsed.amzDate,
        ServerTime: new Date(now).toISOString(),
        MaxAllowedSkewMilliseconds: '900000',
      },
    );
  }
  const payloadHash = parsed.presigned
    ? (head.query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD')
    : head.headers['x-amz-content-sha256'];
  if (payloadHash === undefined) {
    throw s3Errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
  }
  const canonicalRequest = [
    head.method,
    head.rawPath || '/',
    canonicalQuery(head.rawQuery, parsed.presigned),
    parsed.signedHeaders.map((h) => `${h}:${headerValue(head, rawHeaders, h)}\n`).join(''),
    parsed.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', parsed.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(known.secretAccessKey, parsed.date, parsed.region, parsed.service);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!equal(expected, parsed.signature)) {
    throw s3Errors.signatureDoesNotMatch({
      AWSAccessKeyId: parsed.accessKeyId,
      StringToSign: stringToSign,
      SignatureProvided: parsed.signature,
      CanonicalRequest: canonicalRequest,
    });
  }
  if (payloadHash.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) {
    let previous = parsed.signature;
    caller.chunkVerifier = (signature, dataHash) => {
      const sts = ['AWS4-HMAC-SHA256-PAYLOAD', parsed.amzDate, scope, previous, EMPTY_SHA256, dataHash].join('\n');
      const want = createHmac('sha256', key).update(sts).digest('hex');
      if (signature === undefined || !equal(want, signature)) {
        throw s3Errors.signatureDoesNotMatch({
          AWSAccessKeyId: parsed.accessKeyId,
          StringToSign: sts,
          SignatureProvided: signature ?? '',
        });
      }
      previous = signature;
    };
  }
  return caller;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

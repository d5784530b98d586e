import { createHash, createHmac } from 'node:crypto';
import type { SigV4Parts } from './sigv4-parse.js';

/** The request as the signer saw it. */
export interface SignableRequest {
  method: string;
  /** Raw path as sent (percent-encoded), without the query string. */
  rawPath: string;
  /** Raw query string (without `?`). */
  rawQuery: string;
  headers: Record<string, string | undefined>;
  /** Raw header values in arrival order, for headers sent more than once. */
  rawHeaders: string[];
  body: Buffer;
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it. */
function uriEncode(s: string, encodeSlash: boolean): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch;
    else if (ch === '/' && !encodeSlash) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

function canonicalQuery(rawQuery: string, dropSignature: boolean): string {
  if (!rawQuery) return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    if (dropSignature && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k, true), uriEncode(v, true)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaderValue(req: SignableRequest, name: string): string {
  const values: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === name) values.push(req.rawHeaders[i + 1]!);
  }
  if (values.length === 0) values.push(req.headers[name] ?? '');
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

/** Canonical URI: S3 uses the path as is; other services encode each segment again. */
function canonicalUri(rawPath: string, service: string): string {
  const path = rawPath || '/';
  if (service === 's3') return path;
  const normalized = path
    .split('/')
    .map((seg) => uriEncode(safeDecode(seg), true))
    .join('/');
  return normalized;
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/** The canonical request and string to sign of a request (what AWS quotes back on a mismatch). */
export function signingStrings(
  req: SignableRequest,
  parts: SigV4Parts,
): { canonicalRequest: string; stringToSign: string } {
  const headerLines = parts.signedHeaders.map((h) => `${h}:${canonicalHeaderValue(req, h)}\n`).join('');
  const declared = req.headers['x-amz-content-sha256'];
  let payloadHash: string;
  // A declared hex digest must match the body, or the signature cannot be valid.
  if (declared && !/^[0-9a-f]{64}$/.test(declared)) payloadHash = declared;
  else if (declared) payloadHash = sha256Hex(req.body);
  else if (parts.presigned && parts.service === 's3') payloadHash = 'UNSIGNED-PAYLOAD';
  else payloadHash = sha256Hex(req.body);
  const canonicalRequest = [
    req.method,
    canonicalUri(req.rawPath, parts.service),
    canonicalQuery(req.rawQuery, parts.presigned),
    headerLines,
    parts.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate ?? '', scope, sha256Hex(canonicalRequest)].join('\n');
  return { canonicalRequest, stringToSign };
}

/** Compute the signature the client should have sent. */
export function expectedSignature(req: SignableRequest, parts: SigV4Parts, secret: string): string {
  const { stringToSign } = signingStrings(req, parts);
  return createHmac('sha256', signingKey(secret, parts.date, parts.region, parts.service))
    .update(stringToSign)
    .digest('hex');
}

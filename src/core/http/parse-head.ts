import type { RequestHead } from './mount.js';
import type { HttpRequest } from './types.js';

/** What the fast path asks of the server about a head it parsed. */
export interface HeadOwner {
  /**
   * The head when the server answers it here (its pipeline or built-ins, or a mount's whole-request
   * door); undefined when a mount's streaming `handle` must (the connection goes to node:http).
   */
  ownHead(
    method: string,
    rawPath: string,
    rawQuery: string,
    headers: Record<string, string | undefined>,
  ): RequestHead | undefined;
  /** Largest body accepted for a request with these headers. */
  bodyLimit(headers: Record<string, string | undefined>): number;
}

/** A request head parsed by `parseHead`; its body is the `total - headEnd - 4` bytes after the head. */
export interface ParsedHead {
  request: HttpRequest;
  head: RequestHead;
  /** Bytes of head + body. */
  total: number;
  headEnd: number;
  keepAlive: boolean;
}

/**
 * Heads longer than this go to node:http, which applies its own limit (`maxHeaderSize`, 16 KiB: 431);
 * half of it, so the lean paths never accept a head node:http would refuse. SDK heads are ~1 KiB.
 */
export const MAX_HEAD_BYTES = 8 * 1024;
const MAX_HEADER_LINES = 100;

/**
 * In a header value: control characters other than HTAB (a CR or LF left after splitting the head
 * on CRLF is a bare one) and non-ASCII bytes. The request line and header names have stricter
 * patterns of their own.
 */
const UNSAFE_VALUE = /[^\t\x20-\x7e]/;
/**
 * Header names as clients send them (lower case, or capitalised per word) to lower-case constants:
 * a name used as a key of the headers object is then already in V8's string table (a name sliced
 * from the head is not, and every lookup with it would add it first: ~1.5 µs a request).
 */
const KNOWN_NAMES = new Map(
  [
    'host',
    'content-type',
    'content-length',
    'content-md5',
    'connection',
    'authorization',
    'user-agent',
    'accept',
    'accept-encoding',
    'x-amz-target',
    'x-amz-date',
    'x-amz-content-sha256',
    'x-amz-security-token',
    'x-amz-user-agent',
    'x-amz-api-version',
    'amz-sdk-invocation-id',
    'amz-sdk-request',
  ].flatMap((n): [string, string][] => [
    [n, n],
    // As botocore (the AWS CLI) and wrk write them: Content-Length, X-Amz-Target.
    [n.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()), n],
  ]),
);
const REQUEST_LINE = /^(GET|POST|HEAD) (\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*) HTTP\/1\.1$/;
/** An HTTP token (a header name). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^\d{1,15}$/;
const EMPTY = Buffer.alloc(0);

/**
 * The request whose head is `buf[0, headEnd)` when it has the simple form SDKs send —
 * `GET|POST|HEAD <origin-form> HTTP/1.1`, plain header lines, a Content-Length body (no
 * Transfer-Encoding, Expect, Upgrade or content encoding), Host — and the server answers it itself;
 * undefined when node:http must (anything unusual or doubtful, a mount's streaming request, a body
 * over the limit). Its body is left empty for the caller to set.
 */
export function parseHead(buf: Buffer, headEnd: number, owner: HeadOwner): ParsedHead | undefined {
  if (headEnd > MAX_HEAD_BYTES) return undefined;
  const text = buf.toString('latin1', 0, headEnd);
  const lines = text.split('\r\n');
  if (lines.length > MAX_HEADER_LINES + 1) return undefined;
  const m = REQUEST_LINE.exec(lines[0]!);
  if (!m) return undefined;
  const method = m[1]!;
  const url = m[2]!;
  const headers: Record<string, string | undefined> = {};
  const rawHeaders: string[] = [];
  let keepAlive = true;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    let lower = KNOWN_NAMES.get(name);
    if (lower === undefined) {
      if (!TOKEN.test(name)) return undefined;
      const folded = name.toLowerCase();
      lower = KNOWN_NAMES.get(folded) ?? folded;
    }
    const rawValue = line.slice(colon + 1);
    if (UNSAFE_VALUE.test(rawValue)) return undefined;
    const value = rawValue.trim();
    // Duplicates (Node joins some, drops others) and prototype names go to node:http.
    if (lower in headers) return undefined;
    switch (lower) {
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
      case 'content-encoding':
      case 'http2-settings':
        return undefined;
      case 'content-length':
        if (!DIGITS.test(value)) return undefined;
        break;
      case 'connection':
        for (const token of value.split(',')) {
          const t = token.trim().toLowerCase();
          if (t === 'close') keepAlive = false;
          else if (t !== 'keep-alive') return undefined;
        }
        break;
    }
    headers[lower] = value;
    rawHeaders.push(name, value);
  }
  // node:http answers 400 to an HTTP/1.1 request without Host.
  if (headers['host'] === undefined) return undefined;
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
  let head: RequestHead | undefined;
  try {
    head = owner.ownHead(method, rawPath, rawQuery, headers);
    // Too large: node:http's path answers 413.
    if (head === undefined || length > owner.bodyLimit(headers)) return undefined;
  } catch {
    // A mount's test threw: node:http's path meets the same error and answers 500.
    return undefined;
  }
  const request: HttpRequest = {
    method,
    rawPath,
    rawQuery,
    path: head.path,
    query: head.query,
    headers,
    rawHeaders,
    body: EMPTY,
  };
  return { request, head, headEnd, total: headEnd + 4 + length, keepAlive };
}

import type { Call } from './context.js';
import { S3Error } from './errors.js';

/** A character that would end a header line (a tab is allowed). */
export const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

/**
 * A value as a header can carry it. Values stored from request bodies (XML configurations, form
 * fields) may hold what no header can: characters outside ISO-8859-1 go as their UTF-8 bytes, and
 * control characters, which would end the header, as spaces. Without this the answer would fail
 * (a 500) after the request it answers had taken effect.
 */
export function headerValue(v: string): string {
  if (!/[^\t\x20-\x7e\x80-\xff]/.test(v)) return v;
  const line = v.replace(CONTROL_CHARACTERS, ' ');
  return /[^\x00-\xff]/.test(line) ? Buffer.from(line, 'utf8').toString('latin1') : line;
}

/** The status line's header list: S3's request headers, the call's extra ones, then `headers`. */
export function headerList(call: Call, headers: Record<string, string>): string[] {
  const flat: string[] = ['x-amz-request-id', call.requestId, 'x-amz-id-2', call.hostId, 'server', 'AmazonS3'];
  for (const name in call.extraHeaders) flat.push(name, headerValue(call.extraHeaders[name]!));
  for (const name in headers) flat.push(name, headerValue(headers[name]!));
  return flat;
}

/** Sends a complete response (small body or none) with S3's request headers. */
export function send(call: Call, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  const { res, req } = call;
  const flat = headerList(call, headers);
  if (headers['content-length'] === undefined) {
    flat.push('content-length', String(body === undefined ? 0 : Buffer.byteLength(body)));
  }
  res.writeHead(status, flat);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sendXml(call: Call, status: number, xml: string, headers: Record<string, string> = {}): void {
  send(call, status, { 'content-type': 'application/xml', ...headers }, xml);
}

/**
 * Sends an S3 error document (HEAD answers carry no body). When the request body was not read,
 * the connection is closed after the response so an unread (possibly huge) body is never consumed.
 */
export function sendError(call: Call, err: S3Error): void {
  const { res, req } = call;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/xml', ...err.headers };
  if (!req.complete && !req.readableEnded) headers['connection'] = 'close';
  send(call, err.status, headers, err.toXml(call.requestId, call.hostId));
}

export function isS3Error(err: unknown): err is S3Error {
  return err instanceof S3Error;
}

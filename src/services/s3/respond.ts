import type { Call } from './context.js';
import { S3Error } from './errors.js';

/** Sends a complete response (small body or none) with S3's request headers. */
export function send(call: Call, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  const { res, req } = call;
  const flat: string[] = ['x-amz-request-id', call.requestId, 'x-amz-id-2', call.hostId, 'server', 'AmazonS3'];
  for (const name in call.extraHeaders) flat.push(name, call.extraHeaders[name]!);
  for (const name in headers) flat.push(name, headers[name]!);
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

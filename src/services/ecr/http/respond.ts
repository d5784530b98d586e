import type { IncomingMessage, ServerResponse } from 'node:http';

/** OCI distribution-spec error codes and their HTTP statuses. */
export type OciCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'RANGE_INVALID';

export class OciError extends Error {
  constructor(
    readonly code: OciCode,
    readonly status: number,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const API_VERSION_HEADER = ['docker-distribution-api-version', 'registry/2.0'] as const;

/** Send a response with no body or a small body. */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: string | Buffer,
): void {
  const flat: string[] = [API_VERSION_HEADER[0], API_VERSION_HEADER[1]];
  for (const name in headers) flat.push(name, headers[name]!);
  if (headers['content-length'] === undefined)
    flat.push('content-length', String(body === undefined ? 0 : Buffer.byteLength(body)));
  res.writeHead(status, flat);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(req, res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify(value));
}

/**
 * Send a spec error body. When the request body was not read, the connection is closed after the
 * response so an unread (possibly huge) body is never consumed.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, err: OciError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', ...err.headers };
  if (!req.complete) headers['connection'] = 'close';
  const body = JSON.stringify({
    errors: [
      {
        code: err.code === 'RANGE_INVALID' ? 'BLOB_UPLOAD_INVALID' : err.code,
        message: err.message,
        detail: err.detail ?? null,
      },
    ],
  });
  send(req, res, err.status, headers, body);
}

export const ociErrors = {
  nameInvalid: (name: string) => new OciError('NAME_INVALID', 400, 'invalid repository name', { name }),
  digestInvalid: (detail?: unknown) =>
    new OciError('DIGEST_INVALID', 400, 'provided digest did not match uploaded content', detail),
  manifestUnknown: (ref: string) =>
    new OciError('MANIFEST_UNKNOWN', 404, 'Requested image not found', { reference: ref }),
  blobUnknown: (digest: string) => new OciError('BLOB_UNKNOWN', 404, 'blob unknown to registry', { digest }),
  uploadUnknown: (id: string) =>
    new OciError('BLOB_UPLOAD_UNKNOWN', 404, 'blob upload unknown to registry', { uuid: id }),
  uploadInvalid: (message: string, detail?: unknown) => new OciError('BLOB_UPLOAD_INVALID', 400, message, detail),
  unsupported: (message = 'The operation is unsupported.') => new OciError('UNSUPPORTED', 405, message),
  tooLarge: (what: string, limit: number) =>
    new OciError('SIZE_INVALID', 413, `${what} exceeds the limit of ${limit} bytes`, { limit }),
};

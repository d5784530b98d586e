import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHead } from '../../../core/http/mount.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import { requestIdUuid } from '../../../core/ids.js';
import type { RuntimeDeps } from './deps.js';
import type { WebSocketGateway } from './websocket.js';
import { MAX_MESSAGE } from './websocket.js';

function readAll(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': requestIdUuid(),
  };
  if (text) headers['content-type'] = 'application/json';
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}

/** The @connections management API (apigatewaymanagementapi): POST / GET / DELETE `/@connections/{id}`. */
export async function handleConnections(
  d: RuntimeDeps,
  ws: WebSocketGateway,
  apiId: string,
  connectionId: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readAll(req, MAX_MESSAGE + 1024 * 1024);
  try {
    d.auth.authenticate(
      {
        method: head.method,
        rawPath: head.rawPath,
        rawQuery: head.rawQuery,
        headers: head.headers,
        rawHeaders: req.rawHeaders,
        body: body ?? Buffer.alloc(0),
      },
      head.query,
    );
  } catch (err) {
    const e = err instanceof AwsError ? err : undefined;
    return send(res, 403, { message: e?.message ?? 'Forbidden' }, 'ForbiddenException');
  }
  const gone = () => send(res, 410, { message: null }, 'GoneException');
  switch (head.method) {
    case 'POST': {
      if (body === undefined || body.length > MAX_MESSAGE)
        return send(res, 413, { message: 'Message too long' }, 'PayloadTooLargeException');
      return ws.post(apiId, connectionId, body) ? send(res, 200, undefined) : gone();
    }
    case 'GET': {
      const c = ws.find(apiId, connectionId);
      if (!c) return gone();
      return send(res, 200, {
        connectedAt: new Date(c.connectedAt).toISOString(),
        identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
        lastActiveAt: new Date(c.lastActiveAt).toISOString(),
      });
    }
    case 'DELETE':
      return ws.disconnect(apiId, connectionId) ? send(res, 204, undefined) : gone();
    default:
      return send(res, 403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException');
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { RequestHead } from '../../../core/http/mount.js';
import type { ApiState, Doc } from '../control/store.js';
import type { Snapshot } from '../control/deploy.js';
import { identityValue } from './authorizers.js';
import { clf, headerValues, queryValues } from './events.js';
import { functionOf, invokeFunction } from './lambda.js';
import type { RuntimeDeps } from './deps.js';
import { snapshotOf, sourceIpOf } from './http.js';
import { runNonProxy } from './ws-templates.js';

/** Largest WebSocket message: 128 KB (larger frames close the connection with 1009). */
export const MAX_MESSAGE = 128 * 1024;

export interface Connection {
  id: string;
  apiId: string;
  stage: string;
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  account: string;
  region: string;
  host: string;
  authorizer?: Record<string, unknown>;
  stageVariables: Record<string, string>;
  idle?: NodeJS.Timeout;
  hard?: NodeJS.Timeout;
  closed: boolean;
}

/** Connection ids look like AWS's (`L0SM9cOFvHcCIhw=`): 15 base64-ish characters and `=`. */
function connectionId(): string {
  const bytes = randomBytes(15);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const b of bytes) out += abc[b % abc.length];
  return out + '=';
}

/** Value of `$request.body.a.b` in a JSON message ("" when missing). */
function selectRoute(expression: string, message: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return undefined;
  }
  const lookup = (path: string): string => {
    let v: unknown = body;
    for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  if (/^\$request\.body\.[^$]+$/.test(expression)) return lookup(expression.slice('$request.body.'.length));
  return expression.replace(/\$\{request\.body\.([^}]+)\}/g, (_m, p: string) => lookup(p));
}

/** WebSocket APIs: upgrade with `$connect`, messages routed by the selection expression, `$disconnect`. */
export class WebSocketGateway {
  readonly connections = new Map<string, Connection>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE, perMessageDeflate: false });

  constructor(private readonly d: RuntimeDeps) {}

  close(): void {
    for (const c of this.connections.values()) c.socket.terminate();
    this.wss.close();
  }

  upgrade(
    state: ApiState,
    rawPath: string,
    head: RequestHead,
    req: IncomingMessage,
    socket: Duplex,
    firstBytes: Buffer,
  ): void {
    socket.on('error', () => socket.destroy());
    const reject = (status: number, message: string) => {
      const body = JSON.stringify({ message });
      if (socket.writable)
        socket.end(
          `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      else socket.destroy();
    };
    const slash = rawPath.indexOf('/', 1);
    const stageName = decodeURIComponent(rawPath.slice(1, slash < 0 ? undefined : slash));
    const stage = state.items.stage.get(stageName);
    const deployed = stage ? snapshotOf(state, stage) : undefined;
    if (!stage || !deployed) return reject(403, 'Forbidden');
    const conn: Connection = {
      id: connectionId(),
      apiId: state.api['ApiId'] as string,
      stage: stageName,
      socket: undefined as unknown as WebSocket,
      connectedAt: this.d.clock.now(),
      lastActiveAt: this.d.clock.now(),
      sourceIp: sourceIpOf(req),
      userAgent: head.headers['user-agent'] ?? '',
      account: state.account,
      region: state.region,
      host: head.headers['host'] ?? 'localhost',
      stageVariables: (stage['StageVariables'] as Record<string, string> | undefined) ?? {},
      closed: false,
    };
    this.connect(state, deployed.snap, conn, head, req)
      .then((result) => {
        if (!result.ok) return reject(result.status, result.message);
        this.wss.handleUpgrade(req, socket, firstBytes, (ws) => this.opened(state, conn, ws));
      })
      .catch((err: unknown) => {
        this.d.log.error({ err }, 'WebSocket $connect failed');
        reject(500, 'Internal server error');
      });
  }

  private baseContext(
    conn: Connection,
    routeKey: string,
    eventType: string,
    requestId: string,
    now: number,
  ): Record<string, unknown> {
    return {
      routeKey,
      eventType,
      extendedRequestId: requestId,
      requestTime: clf(now),
      messageDirection: 'IN',
      stage: conn.stage,
      connectedAt: conn.connectedAt,
      requestTimeEpoch: now,
      identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent },
      requestId,
      domainName: conn.host.split(':')[0],
      connectionId: conn.id,
      apiId: conn.apiId,
      ...(conn.authorizer ? { authorizer: conn.authorizer } : {}),
    };
  }

  private async connect(
    state: ApiState,
    snap: Snapshot,
    conn: Connection,
    head: RequestHead,
    req: IncomingMessage,
  ): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
    const hv = headerValues(req.rawHeaders);
    const qv = queryValues(head.rawQuery);
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const { name, values } of hv.values()) {
      headers[name] = values[values.length - 1]!;
      multiValueHeaders[name] = values;
    }
    const query = qv.size > 0 ? Object.fromEntries([...qv].map(([k, v]) => [k, v[v.length - 1]!])) : undefined;
    const multiQuery = qv.size > 0 ? Object.fromEntries(qv) : undefined;
    const requestId = randomUUID();
    const now = this.d.clock.now();
    const route = snap.routes.find((r) => r['RouteKey'] === '$connect');
    if (route?.['AuthorizationType'] === 'CUSTOM') {
      const authorizer = snap.authorizers[String(route['AuthorizerId'])];
      if (!authorizer) return { ok: false, status: 500, message: 'Internal server error' };
      const routeArn = `arn:aws:execute-api:${conn.region}:${conn.account}:${conn.apiId}/${conn.stage}/$connect`;
      const outcome = await this.d.authorizers.lambda(authorizer, {
        account: conn.account,
        region: conn.region,
        apiId: conn.apiId,
        stage: conn.stage,
        routeArn,
        stageVariables: conn.stageVariables,
        websocket: true,
        identity: {
          header: (n) => hv.get(n.toLowerCase())?.values.join(','),
          query: (n) => qv.get(n)?.join(','),
          context: (n) => (n === 'routeKey' ? '$connect' : n === 'stage' ? conn.stage : undefined),
          stageVariable: (n) => conn.stageVariables[n],
        },
        event: () => ({
          type: 'REQUEST',
          methodArn: routeArn,
          headers,
          multiValueHeaders,
          queryStringParameters: query ?? {},
          multiValueQueryStringParameters: multiQuery ?? {},
          stageVariables: conn.stageVariables,
          requestContext: this.baseContext(conn, '$connect', 'CONNECT', requestId, now),
        }),
      });
      if (!outcome.ok) {
        const body = JSON.parse(outcome.answer.body.toString()) as { message: string };
        return { ok: false, status: outcome.answer.status, message: body.message };
      }
      conn.authorizer = outcome.v2;
    }
    if (!route) return { ok: true };
    const event = {
      headers,
      multiValueHeaders,
      ...(query ? { queryStringParameters: query, multiValueQueryStringParameters: multiQuery } : {}),
      requestContext: this.baseContext(conn, '$connect', 'CONNECT', requestId, now),
      isBase64Encoded: false,
      ...(Object.keys(conn.stageVariables).length > 0 ? { stageVariables: conn.stageVariables } : {}),
    };
    const r = await this.invokeRoute(snap, route, conn, event);
    if (r.error || (r.status !== undefined && (r.status < 200 || r.status > 299))) {
      return { ok: false, status: r.error ? 500 : r.status!, message: r.error ? 'Internal server error' : 'Forbidden' };
    }
    return { ok: true };
  }

  /** Runs a route's integration; `body` is what a two-way route sends back. */
  private async invokeRoute(
    snap: Snapshot,
    route: Doc,
    conn: Connection,
    event: Record<string, unknown>,
  ): Promise<{ body?: string | Buffer; status?: number; error?: boolean; errorMessage?: string }> {
    const iid = /^integrations\/(.+)$/.exec(String(route['Target'] ?? ''))?.[1];
    const integration = iid ? snap.integrations[iid] : undefined;
    if (!integration) return {};
    const type = integration['IntegrationType'];
    if (type === 'MOCK' || type === 'AWS' || type === 'HTTP') {
      const e = event as Record<string, any>;
      return runNonProxy(this.d.ports, this.d.log, snap, integration, {
        body: typeof e['body'] === 'string' ? e['body'] : '',
        isBinary: e['isBase64Encoded'] === true,
        context: e['requestContext'] ?? {},
        headers: e['headers'] ?? {},
        query: e['queryStringParameters'] ?? {},
        stageVariables: conn.stageVariables,
        account: conn.account,
        region: conn.region,
      });
    }
    if (type !== 'AWS_PROXY') return { error: true };
    const fn = functionOf(String(integration['IntegrationUri']), conn.stageVariables);
    try {
      const r = await invokeFunction(
        this.d.ports,
        conn.account,
        conn.region,
        fn,
        event,
        Number(integration['TimeoutInMillis'] ?? 29000),
      );
      if (r.functionError !== undefined) return { error: true };
      let value: unknown;
      try {
        value = JSON.parse(r.payload.toString('utf8'));
      } catch {
        return { body: r.payload.toString('utf8') };
      }
      if (value && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
        const v = value as Record<string, unknown>;
        const body =
          typeof v['body'] === 'string'
            ? v['isBase64Encoded'] === true
              ? Buffer.from(v['body'], 'base64').toString('utf8')
              : v['body']
            : undefined;
        return { status: Number(v['statusCode']), ...(body !== undefined ? { body } : {}) };
      }
      return { body: typeof value === 'string' ? value : JSON.stringify(value) };
    } catch (err) {
      this.d.log.debug({ err }, 'WebSocket integration failed');
      return { error: true };
    }
  }

  private opened(state: ApiState, conn: Connection, ws: WebSocket): void {
    conn.socket = ws;
    this.connections.set(conn.id, conn);
    this.touch(conn);
    conn.hard = setTimeout(() => ws.close(1001, 'Going away'), this.d.wsMaxMs);
    conn.hard.unref();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.touch(conn);
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.message(state, conn, buf, isBinary).catch((err: unknown) =>
        this.d.log.error({ err }, 'WebSocket message failed'),
      );
    });
    ws.on('error', () => {
      // ws closes the socket itself (e.g. 1009 for an oversized message, 1002 for a bad frame).
    });
    ws.on('close', (code: number, reason: Buffer) => this.closed(state, conn, code, reason.toString('utf8')));
  }

  private touch(conn: Connection): void {
    conn.lastActiveAt = this.d.clock.now();
    if (conn.idle) clearTimeout(conn.idle);
    conn.idle = setTimeout(() => conn.socket.close(1001, 'Going away'), this.d.wsIdleMs);
    conn.idle.unref();
  }

  private currentSnapshot(state: ApiState, conn: Connection): Snapshot | undefined {
    const stage = state.items.stage.get(conn.stage);
    return stage ? snapshotOf(state, stage)?.snap : undefined;
  }

  private async message(state: ApiState, conn: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    const snap = this.currentSnapshot(state, conn);
    if (!snap) return;
    const text = data.toString('utf8');
    const requestId = randomUUID();
    const expression = String(state.api['RouteSelectionExpression'] ?? '$request.body.action');
    const key = isBinary ? undefined : selectRoute(expression, text);
    const route =
      (key !== undefined && key !== '$connect' && key !== '$disconnect'
        ? snap.routes.find((r) => r['RouteKey'] === key)
        : undefined) ?? snap.routes.find((r) => r['RouteKey'] === '$default');
    const errorReply = (message: string) =>
      conn.socket.readyState === conn.socket.OPEN &&
      conn.socket.send(JSON.stringify({ message, connectionId: conn.id, requestId }));
    if (!route) {
      errorReply('Forbidden');
      return;
    }
    const now = this.d.clock.now();
    const event = {
      requestContext: {
        ...this.baseContext(conn, String(route['RouteKey']), 'MESSAGE', requestId, now),
        messageId: randomBytes(9).toString('base64'),
      },
      body: isBinary ? data.toString('base64') : text,
      isBase64Encoded: isBinary,
      ...(Object.keys(conn.stageVariables).length > 0 ? { stageVariables: conn.stageVariables } : {}),
    };
    const r = await this.invokeRoute(snap, route, conn, event);
    if (r.error) {
      errorReply(r.errorMessage ?? 'Internal server error');
      return;
    }
    if (
      route['RouteResponseSelectionExpression'] &&
      r.body !== undefined &&
      conn.socket.readyState === conn.socket.OPEN
    )
      conn.socket.send(r.body);
  }

  private closed(state: ApiState, conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    conn.closed = true;
    clearTimeout(conn.idle);
    clearTimeout(conn.hard);
    this.connections.delete(conn.id);
    const snap = this.currentSnapshot(state, conn);
    const route = snap?.routes.find((r) => r['RouteKey'] === '$disconnect');
    if (!snap || !route) return;
    const requestId = randomUUID();
    const now = this.d.clock.now();
    const event = {
      headers: { Host: conn.host, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
      multiValueHeaders: { Host: [conn.host], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': [''] },
      requestContext: {
        ...this.baseContext(conn, '$disconnect', 'DISCONNECT', requestId, now),
        disconnectStatusCode: code,
        disconnectReason: reason,
      },
      isBase64Encoded: false,
    };
    this.invokeRoute(snap, route, conn, event).catch(() => undefined);
  }

  /** @connections: PostToConnection. */
  post(apiId: string, id: string, data: Buffer): boolean {
    const c = this.connections.get(id);
    if (!c || c.apiId !== apiId || c.socket.readyState !== c.socket.OPEN) return false;
    c.socket.send(data.toString('utf8'));
    return true;
  }

  find(apiId: string, id: string): Connection | undefined {
    const c = this.connections.get(id);
    return c && c.apiId === apiId && !c.closed ? c : undefined;
  }

  disconnect(apiId: string, id: string): boolean {
    const c = this.find(apiId, id);
    if (!c) return false;
    c.socket.close(1000, '');
    return true;
  }

  dropApi(apiId: string): void {
    for (const c of this.connections.values()) if (c.apiId === apiId) c.socket.close(1001, 'Going away');
  }
}

export { identityValue };

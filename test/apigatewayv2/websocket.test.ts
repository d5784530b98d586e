import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNodeFunction } from '../helpers/lambda.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { fnArn, lambdaClient, v2Client } from './helpers.js';

let server: TestServer;
let client: ApiGatewayV2Client;
let lambda: LambdaClient;
let api: string;
let mgmt: ApiGatewayManagementApiClient;
let collector: Server;
const collected: any[] = [];

/** Reports every event to the test's collector; `{"action":"echo"}` echoes. */
const HANDLER = `
exports.handler = async (e) => {
  const rc = e.requestContext;
  if (rc.eventType === 'CONNECT' && e.queryStringParameters && e.queryStringParameters.deny) return { statusCode: 403 };
  await fetch(process.env.COLLECTOR, { method: 'POST', body: JSON.stringify({ routeKey: rc.routeKey, eventType: rc.eventType, connectionId: rc.connectionId, messageId: rc.messageId, body: e.body, code: rc.disconnectStatusCode, hasHeaders: !!e.headers }) });
  if (rc.routeKey === 'echo') return { statusCode: 200, body: 'echo:' + e.body };
  if (rc.routeKey === 'fail') throw new Error('boom');
  return { statusCode: 200 };
};`;

beforeAll(async () => {
  process.env['OVERCAST_APIGW_WS_IDLE_MS'] = '1500';
  server = await startTestServer();
  delete process.env['OVERCAST_APIGW_WS_IDLE_MS'];
  client = v2Client(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      collected.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.end();
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const COLLECTOR = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
  await createNodeFunction(
    lambda,
    'ws-handler',
    { 'index.js': HANDLER },
    { Environment: { Variables: { COLLECTOR } } },
  );
  const a = await client.send(
    new CreateApiCommand({ Name: 'ws', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }),
  );
  api = a.ApiId!;
  const i = await client.send(
    new CreateIntegrationCommand({ ApiId: api, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn('ws-handler') }),
  );
  for (const key of ['$connect', '$disconnect', '$default', 'echo', 'events', 'fail']) {
    await client.send(
      new CreateRouteCommand({
        ApiId: api,
        RouteKey: key,
        Target: `integrations/${i.IntegrationId}`,
        ...(['echo', 'events', 'fail'].includes(key) ? { RouteResponseSelectionExpression: '$default' } : {}),
      }),
    );
  }
  await client.send(new CreateStageCommand({ ApiId: api, StageName: 'prod', AutoDeploy: true }));
  mgmt = new ApiGatewayManagementApiClient({
    endpoint: `${server.endpoint}/_aws/execute-api/${api}/prod`,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}, 120_000);

afterAll(async () => {
  client.destroy();
  lambda.destroy();
  mgmt.destroy();
  collector.close();
  await server.stop();
});

const wsUrl = (q = '') => `${server.endpoint.replace('http', 'ws')}/_aws/execute-api/${api}/prod${q}`;

function open(q = ''): Promise<{ ws: WebSocket; messages: string[]; next: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(q));
    const messages: string[] = [];
    const waiters: ((m: string) => void)[] = [];
    ws.on('message', (d) => {
      const m = d.toString();
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    });
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        next: () => (messages.length > 0 ? Promise.resolve(messages.shift()!) : new Promise((r) => waiters.push(r))),
      }),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<number>((r) => ws.on('close', (code) => r(code)));

async function events(): Promise<any[]> {
  await new Promise((r) => setTimeout(r, 200));
  return collected;
}

describe('WebSocket APIs', () => {
  it('connects, routes messages by the selection expression and answers two-way routes', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'echo', x: 1 }));
    expect(await c.next()).toBe('echo:{"action":"echo","x":1}');
    c.ws.send('not json');
    c.ws.send(JSON.stringify({ action: 'fail' }));
    const err = JSON.parse(await c.next());
    expect(err).toMatchObject({ message: 'Internal server error' });
    expect(err.connectionId).toMatch(/=$/);
    const done = closed(c.ws);
    c.ws.close(1000);
    await done;
    await new Promise((r) => setTimeout(r, 300));
    const list = await events();
    const mine = list.filter((e) => e.connectionId === err.connectionId);
    const byRoute = Object.fromEntries(mine.map((e) => [e.routeKey, e]));
    expect(mine.map((e) => [e.routeKey, e.eventType]).sort()).toEqual([
      ['$connect', 'CONNECT'],
      ['$default', 'MESSAGE'],
      ['$disconnect', 'DISCONNECT'],
      ['echo', 'MESSAGE'],
      ['fail', 'MESSAGE'],
    ]);
    expect(mine[0].routeKey).toBe('$connect');
    expect(mine[mine.length - 1].routeKey).toBe('$disconnect');
    expect(byRoute['$connect'].hasHeaders).toBe(true);
    expect(byRoute['echo'].hasHeaders).toBe(false);
    expect(byRoute['echo'].messageId).toBeTruthy();
    expect(byRoute['$default'].body).toBe('not json');
    expect(byRoute['$disconnect'].code).toBe(1000);
  });

  it('refuses the connection when $connect answers non-2xx', async () => {
    await expect(open('?deny=1')).rejects.toThrow('status 403');
  });

  it('serves @connections through the management API client', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'echo' }));
    await c.next();
    const list = await events();
    const id = list.filter((e) => e.eventType === 'CONNECT').pop().connectionId as string;
    await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('pushed') }));
    expect(await c.next()).toBe('pushed');
    const info = await mgmt.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    const done = closed(c.ws);
    await mgmt.send(new DeleteConnectionCommand({ ConnectionId: id }));
    await done;
    const gone = await mgmt
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') }))
      .catch((e: { name: string; $metadata: { httpStatusCode: number } }) => e);
    expect((gone as { name: string }).name).toBe('GoneException');
    expect((gone as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(410);
    const tooBig = await mgmt
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(129 * 1024) }))
      .catch((e: { name: string }) => e);
    expect((tooBig as { name: string }).name).toBe('PayloadTooLargeException');
  });

  it('closes oversized messages with 1009 and broken frames with 1002, and keeps serving', async () => {
    const c = await open();
    const code = closed(c.ws);
    c.ws.send(Buffer.alloc(129 * 1024, 97).toString());
    expect(await code).toBe(1009);
    // A frame with reserved bits set and no mask.
    const sock = connect(server.overcast.port, '127.0.0.1');
    await new Promise<void>((r) => sock.on('connect', () => r()));
    sock.write(
      `GET /_aws/execute-api/${api}/prod HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const data: Buffer[] = [];
    sock.on('data', (d: Buffer) => data.push(d));
    await new Promise((r) => setTimeout(r, 500));
    expect(Buffer.concat(data).toString()).toContain('101 Switching Protocols');
    sock.write(Buffer.from([0xf1, 0x05, 1, 2, 3, 4, 5]));
    await new Promise<void>((r) => sock.on('close', () => r()));
    const all = Buffer.concat(data);
    const close = all.subarray(all.indexOf(Buffer.from([0x88])));
    expect(close.readUInt16BE(2)).toBe(1002);
    const again = await open();
    again.ws.send(JSON.stringify({ action: 'echo' }));
    expect(await again.next()).toBe('echo:{"action":"echo"}');
    again.ws.close();
  });

  it('closes idle connections', async () => {
    const c = await open();
    const code = await closed(c.ws);
    expect(code).toBe(1001);
  });

  it('answers 403 to unknown stages', async () => {
    const ws = new WebSocket(`${server.endpoint.replace('http', 'ws')}/_aws/execute-api/${api}/nostage`);
    const status = await new Promise<number>((r) => ws.on('unexpected-response', (_q, res) => r(res.statusCode!)));
    expect(status).toBe(403);
  });
});

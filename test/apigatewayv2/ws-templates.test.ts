import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateIntegrationResponseCommand,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
  GetIntegrationResponsesCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNodeFunction } from '../helpers/lambda.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { fnArn, lambdaClient, v2Client } from './helpers.js';

let server: TestServer;
let client: ApiGatewayV2Client;
let lambda: LambdaClient;
let api: string;
let mockIntegration: string;

/** Non-proxy Lambda: gets the template's output as its event and returns it (with a marker). */
const FN = `exports.handler = async (event) => ({ received: event, from: 'lambda' });`;

async function route(key: string, integrationId: string, twoWay: boolean): Promise<void> {
  const r = await client.send(
    new CreateRouteCommand({
      ApiId: api,
      RouteKey: key,
      Target: `integrations/${integrationId}`,
      ...(twoWay ? { RouteResponseSelectionExpression: '$default' } : {}),
    }),
  );
  if (twoWay)
    await client.send(
      new CreateRouteResponseCommand({ ApiId: api, RouteId: r.RouteId!, RouteResponseKey: '$default' }),
    );
}

beforeAll(async () => {
  server = await startTestServer();
  client = v2Client(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  await createNodeFunction(lambda, 'ws-nonproxy', { 'index.js': FN });
  const a = await client.send(
    new CreateApiCommand({
      Name: 'ws-vtl',
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    }),
  );
  api = a.ApiId!;

  // MOCK: the request template decides the status code; integration responses by status.
  const mock = await client.send(
    new CreateIntegrationCommand({
      ApiId: api,
      IntegrationType: 'MOCK',
      TemplateSelectionExpression: '\\$default',
      RequestTemplates: { $default: `{"statusCode": #if($input.path('$.code'))$input.path('$.code')#{else}200#end}` },
    }),
  );
  mockIntegration = mock.IntegrationId!;
  await client.send(
    new CreateIntegrationResponseCommand({
      ApiId: api,
      IntegrationId: mockIntegration,
      IntegrationResponseKey: '/2\\d\\d/',
      TemplateSelectionExpression: '\\$default',
      ResponseTemplates: {
        $default: '{"route": "$context.routeKey", "connectionId": "$context.connectionId", "stage": "$context.stage"}',
      },
    }),
  );
  await client.send(
    new CreateIntegrationResponseCommand({
      ApiId: api,
      IntegrationId: mockIntegration,
      IntegrationResponseKey: '$default',
      TemplateSelectionExpression: '\\$default',
      ResponseTemplates: { $default: '{"failed": true}' },
    }),
  );
  await route('mock', mockIntegration, true);
  await route('oneway', mockIntegration, false);

  // AWS (Lambda non-proxy): the template builds the payload.
  const fn = await client.send(
    new CreateIntegrationCommand({
      ApiId: api,
      IntegrationType: 'AWS',
      IntegrationMethod: 'POST',
      IntegrationUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn('ws-nonproxy')}/invocations`,
      TemplateSelectionExpression: '\\$default',
      RequestTemplates: {
        $default: `{"data": $input.json('$.data'), "connectionId": "$context.connectionId", "env": "$stageVariables.env"}`,
      },
    }),
  );
  await client.send(
    new CreateIntegrationResponseCommand({
      ApiId: api,
      IntegrationId: fn.IntegrationId!,
      IntegrationResponseKey: '$default',
    }),
  );
  await route('lambda', fn.IntegrationId!, true);

  // Template chosen by $request.body.kind; no match and PassthroughBehavior NEVER refuses.
  const sel = await client.send(
    new CreateIntegrationCommand({
      ApiId: api,
      IntegrationType: 'MOCK',
      TemplateSelectionExpression: '$request.body.kind',
      PassthroughBehavior: 'NEVER',
      RequestTemplates: { a: '{"statusCode": 200}', b: '{"statusCode": 500}' },
    }),
  );
  await client.send(
    new CreateIntegrationResponseCommand({
      ApiId: api,
      IntegrationId: sel.IntegrationId!,
      IntegrationResponseKey: '/2\\d\\d/',
      ResponseTemplates: { $default: 'kind ok: $context.routeKey' },
    }),
  );
  await client.send(
    new CreateIntegrationResponseCommand({
      ApiId: api,
      IntegrationId: sel.IntegrationId!,
      IntegrationResponseKey: '/5\\d\\d/',
      ResponseTemplates: { $default: 'kind failed' },
    }),
  );
  await route('select', sel.IntegrationId!, true);
  await client.send(
    new CreateStageCommand({ ApiId: api, StageName: 'prod', AutoDeploy: true, StageVariables: { env: 'prod-env' } }),
  );
}, 120_000);

afterAll(async () => {
  client.destroy();
  lambda.destroy();
  await server.stop();
});

function open(): Promise<{ ws: WebSocket; next: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.endpoint.replace('http', 'ws')}/_aws/execute-api/${api}/prod`);
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
        next: () => (messages.length > 0 ? Promise.resolve(messages.shift()!) : new Promise((r) => waiters.push(r))),
      }),
    );
    ws.on('error', reject);
  });
}

describe('WebSocket non-proxy integrations with mapping templates', () => {
  it('lists integration responses with their keys and templates', async () => {
    const r = await client.send(new GetIntegrationResponsesCommand({ ApiId: api, IntegrationId: mockIntegration }));
    expect(r.Items?.map((i) => i.IntegrationResponseKey).sort()).toEqual(['$default', '/2\\d\\d/']);
  });

  it('MOCK: request template sets the status, the matching integration response template answers', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'mock' }));
    const ok = JSON.parse(await c.next());
    expect(ok.route).toBe('mock');
    expect(ok.stage).toBe('prod');
    expect(ok.connectionId).toMatch(/^[A-Za-z0-9]{15}=$/);
    c.ws.send(JSON.stringify({ action: 'mock', code: 404 }));
    expect(JSON.parse(await c.next())).toEqual({ failed: true });
    c.ws.close();
  });

  it('a route without a route response selection expression sends nothing back', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'oneway' }));
    c.ws.send(JSON.stringify({ action: 'mock' }));
    expect(JSON.parse(await c.next()).route).toBe('mock');
    c.ws.close();
  });

  it('AWS (Lambda non-proxy): the request template builds the payload from $input.json and $context', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'mock' }));
    const id = JSON.parse(await c.next()).connectionId as string;
    c.ws.send(JSON.stringify({ action: 'lambda', data: { a: [1, 2], b: 'x' }, ignored: true }));
    const reply = JSON.parse(await c.next());
    expect(reply).toEqual({
      received: { data: { a: [1, 2], b: 'x' }, connectionId: id, env: 'prod-env' },
      from: 'lambda',
    });
    c.ws.close();
  }, 60_000);

  it('selects request templates by $request.body.<field>; PassthroughBehavior NEVER refuses a miss', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ action: 'select', kind: 'a' }));
    expect(await c.next()).toBe('kind ok: select');
    c.ws.send(JSON.stringify({ action: 'select', kind: 'b' }));
    expect(await c.next()).toBe('kind failed');
    c.ws.send(JSON.stringify({ action: 'select', kind: 'zzz' }));
    const err = JSON.parse(await c.next());
    expect(err.message).toBe('Unsupported Media Type');
    expect(typeof err.connectionId).toBe('string');
    c.ws.close();
  });

  it('$connect with a MOCK integration: the request template ($input.params) decides whether the upgrade succeeds', async () => {
    const a = await client.send(
      new CreateApiCommand({
        Name: 'ws-connect',
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      }),
    );
    const i = await client.send(
      new CreateIntegrationCommand({
        ApiId: a.ApiId!,
        IntegrationType: 'MOCK',
        RequestTemplates: { $default: `{"statusCode": #if($input.params('deny') != '')403#{else}200#end}` },
      }),
    );
    await client.send(
      new CreateRouteCommand({ ApiId: a.ApiId!, RouteKey: '$connect', Target: `integrations/${i.IntegrationId}` }),
    );
    await client.send(new CreateStageCommand({ ApiId: a.ApiId!, StageName: 'prod', AutoDeploy: true }));
    const url = `${server.endpoint.replace('http', 'ws')}/_aws/execute-api/${a.ApiId!}/prod`;
    const attempt = (q: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url + q);
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
        ws.on('error', () => undefined);
      });
    expect(await attempt('')).toBe('open');
    expect(await attempt('?deny=1')).toBe('status 403');
  });
});

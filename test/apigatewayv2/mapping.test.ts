import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  GetIntegrationCommand,
  UpdateIntegrationCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { createEcho, invokeUrl, lambdaClient, v2Client } from './helpers.js';

let server: TestServer;
let client: ApiGatewayV2Client;
let lambda: LambdaClient;
let backend: Server;
let backendUrl: string;
let api: string;
let integrationId: string;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
}

const MAPPING = {
  'append:header.x-request-id': '$context.requestId',
  'overwrite:header.x-env': '$stageVariables.env',
  'append:header.x-user': '$request.body.user.name',
  'append:header.x-first-tag': '$request.body.tags[0]',
  'remove:header.x-secret': "''",
  'overwrite:header.x-mixed': 'id=${request.path.id} stage=${context.stage}',
  'append:header.x-original-path': '$request.path',
  'append:header.x-copied': '$request.header.x-in',
  'append:header.x-static': 'fixed value',
  'append:header.x-missing': '$request.header.x-not-sent',
  'overwrite:querystring.q': '$request.querystring.qin',
  'append:querystring.tag': 'static',
  'remove:querystring.drop': "''",
  'overwrite:path': '/users/${request.path.id}/items',
};

beforeAll(async () => {
  server = await startTestServer();
  client = v2Client(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  backend = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const seen: Seen = { method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders };
      const status = Number(req.headers['x-status'] ?? 200);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-backend': 'b1',
        'x-remove-me': 'gone',
        'x-overwrite-me': 'old',
      });
      res.end(JSON.stringify({ id: 'item-7', seen }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const a = await client.send(new CreateApiCommand({ Name: 'mapping', ProtocolType: 'HTTP' }));
  api = a.ApiId!;
  const i = await client.send(
    new CreateIntegrationCommand({
      ApiId: api,
      IntegrationType: 'HTTP_PROXY',
      IntegrationMethod: 'ANY',
      IntegrationUri: `${backendUrl}/base`,
      PayloadFormatVersion: '1.0',
      RequestParameters: MAPPING,
      ResponseParameters: {
        '200': {
          'append:header.x-added': '$response.header.x-backend',
          'remove:header.x-remove-me': "''",
          'overwrite:header.x-overwrite-me': 'new-${response.body.id}',
          'append:header.x-stage-var': '$stageVariables.env',
        },
        '404': { 'overwrite:statuscode': '410', 'append:header.x-ctx-route': '$context.routeKey' },
      },
    }),
  );
  integrationId = i.IntegrationId!;
  await client.send(
    new CreateRouteCommand({ ApiId: api, RouteKey: 'POST /things/{id}', Target: `integrations/${integrationId}` }),
  );
  await client.send(
    new CreateStageCommand({ ApiId: api, StageName: 'dev', AutoDeploy: true, StageVariables: { env: 'test-env' } }),
  );
}, 120_000);

afterAll(async () => {
  client.destroy();
  lambda.destroy();
  backend.close();
  await server.stop();
});

async function call(path: string, headers: Record<string, string> = {}, body = '') {
  const r = await fetch(invokeUrl(server.endpoint, api, path), { method: 'POST', headers, body });
  return { status: r.status, headers: r.headers, json: (await r.json()) as { id: string; seen: Seen } };
}

describe('HTTP API parameter mapping (HTTP_PROXY)', () => {
  it('transforms headers, query string and path of the request before it reaches the backend', async () => {
    const r = await call(
      '/dev/things/42?qin=hello&drop=1&q=old&keep=yes',
      { 'x-in': 'copied', 'x-secret': 's3cret', 'x-env': 'client', 'content-type': 'application/json' },
      JSON.stringify({ user: { name: 'ada' }, tags: ['t1', 't2'] }),
    );
    expect(r.status).toBe(200);
    const seen = r.json.seen;
    const url = new URL(seen.url, 'http://x');
    expect(url.pathname).toBe('/users/42/items');
    expect(url.searchParams.get('q')).toBe('hello');
    expect(url.searchParams.getAll('tag')).toEqual(['static']);
    expect(url.searchParams.has('drop')).toBe(false);
    expect(url.searchParams.get('keep')).toBe('yes');
    expect(url.searchParams.get('qin')).toBe('hello');
    const h = seen.headers;
    expect(h['x-request-id']).toBe(r.headers.get('apigw-requestid'));
    expect(h['x-env']).toBe('test-env');
    expect(h['x-user']).toBe('ada');
    expect(h['x-first-tag']).toBe('t1');
    expect(h['x-secret']).toBeUndefined();
    expect(h['x-mixed']).toBe('id=42 stage=dev');
    expect(h['x-original-path']).toBe('/things/42');
    expect(h['x-copied']).toBe('copied');
    expect(h['x-in']).toBe('copied');
    expect(h['x-static']).toBe('fixed value');
    expect(h['x-missing']).toBeUndefined();
  });

  it('appends to an existing header rather than replacing it', async () => {
    const r = await call('/dev/things/1', { 'x-request-id': 'client-id' });
    const values = r.json.seen.rawHeaders.filter(
      (_, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === 'x-request-id',
    );
    expect(values[0]).toBe('client-id');
    expect(values).toHaveLength(2);
  });

  it('transforms the response per status code: headers, then the status code', async () => {
    const ok = await call('/dev/things/1');
    expect(ok.headers.get('x-added')).toBe('b1');
    expect(ok.headers.get('x-remove-me')).toBeNull();
    expect(ok.headers.get('x-overwrite-me')).toBe('new-item-7');
    expect(ok.headers.get('x-stage-var')).toBe('test-env');
    const missing = await call('/dev/things/1', { 'x-status': '404' });
    expect(missing.status).toBe(410);
    expect(missing.headers.get('x-ctx-route')).toBe('POST /things/{id}');
    expect(missing.headers.get('x-remove-me')).toBe('gone');
    const other = await call('/dev/things/1', { 'x-status': '202' });
    expect(other.status).toBe(202);
    expect(other.headers.get('x-added')).toBeNull();
  });

  it('UpdateIntegration merges parameter maps; empty maps drop a status code', async () => {
    await client.send(
      new UpdateIntegrationCommand({
        ApiId: api,
        IntegrationId: integrationId,
        RequestParameters: { 'append:header.x-later': 'later' },
        ResponseParameters: { '404': {} },
      }),
    );
    const got = await client.send(new GetIntegrationCommand({ ApiId: api, IntegrationId: integrationId }));
    expect(got.RequestParameters).toEqual({ ...MAPPING, 'append:header.x-later': 'later' });
    expect(Object.keys(got.ResponseParameters ?? {})).toEqual(['200']);
    const r = await call('/dev/things/5', { 'x-status': '404' });
    expect(r.status).toBe(404);
    expect(r.json.seen.headers['x-later']).toBe('later');
    await client.send(
      new UpdateIntegrationCommand({
        ApiId: api,
        IntegrationId: integrationId,
        RequestParameters: { 'append:header.x-later': '' },
      }),
    );
    const after = await client.send(new GetIntegrationCommand({ ApiId: api, IntegrationId: integrationId }));
    expect(after.RequestParameters).toEqual(MAPPING);
  });

  it('refuses invalid keys, values, status codes and reserved headers (BadRequestException)', async () => {
    const create = (extra: Record<string, unknown>) =>
      client
        .send(
          new CreateIntegrationCommand({
            ApiId: api,
            IntegrationType: 'HTTP_PROXY',
            IntegrationMethod: 'ANY',
            IntegrationUri: backendUrl,
            ...extra,
          }),
        )
        .then(
          () => undefined,
          (e: { name: string; message: string }) => e,
        );
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { RequestParameters: { 'append:body.x': 'v' } },
        /Invalid Request Actioned Parameter destination specified: append:body\.x/,
      ],
      [
        { RequestParameters: { 'overwrite:header.Authorization': 'v' } },
        /Operations on header Authorization are restricted/,
      ],
      [{ RequestParameters: { 'append:header.x-amz-date': 'v' } }, /restricted/],
      [{ RequestParameters: { 'remove:header.Access-Control-Allow-Origin': "''" } }, /restricted/],
      [
        { RequestParameters: { 'append:header.x-a': '$request.bogus.x' } },
        /Invalid mapping expression specified: \$request\.bogus\.x/,
      ],
      [{ RequestParameters: { 'append:header.x-a': '$response.header.x' } }, /Invalid mapping expression specified/],
      [{ ResponseParameters: { abc: { 'append:header.x': 'v' } } }, /Invalid status code specified: abc/],
      [
        { ResponseParameters: { '200': { 'append:querystring.x': 'v' } } },
        /Invalid Response Actioned Parameter destination specified/,
      ],
      [{ ResponseParameters: { '200': { 'overwrite:header.x-amzn-RequestId': 'v' } } }, /restricted/],
      [
        { ResponseParameters: { '200': { 'overwrite:statuscode': 'teapot' } } },
        /Invalid status code specified: teapot/,
      ],
    ];
    for (const [extra, message] of cases) {
      const err = await create(extra);
      expect(err?.name, JSON.stringify(extra)).toBe('BadRequestException');
      expect(err?.message).toMatch(
        /^Invalid mapping expression specified: Validation Result: warnings : \[\], errors : \[/,
      );
      expect(err?.message).toMatch(message);
    }
    const upd = await client
      .send(
        new UpdateIntegrationCommand({
          ApiId: api,
          IntegrationId: integrationId,
          RequestParameters: { 'overwrite:header.Host': 'x', 'append:header.Via': 'y' },
        }),
      )
      .catch((e: { name: string; message: string }) => e);
    expect((upd as { name: string }).name).toBe('BadRequestException');
  });
});

describe('HTTP API parameter mapping (AWS_PROXY Lambda)', () => {
  it('maps the request into the event and transforms the function response', async () => {
    const echo = await createEcho(lambda, 'mapping-echo');
    const a = await client.send(new CreateApiCommand({ Name: 'mapping-lambda', ProtocolType: 'HTTP' }));
    const i = await client.send(
      new CreateIntegrationCommand({
        ApiId: a.ApiId!,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: echo,
        PayloadFormatVersion: '2.0',
        RequestParameters: {
          'append:header.x-mapped': '$request.querystring.who',
          'remove:querystring.who': "''",
          'overwrite:path': '/rewritten',
        },
        ResponseParameters: { '200': { 'overwrite:statuscode': '201', 'append:header.x-fn': 'yes' } },
      }),
    );
    await client.send(
      new CreateRouteCommand({ ApiId: a.ApiId!, RouteKey: 'GET /hello', Target: `integrations/${i.IntegrationId}` }),
    );
    await client.send(new CreateStageCommand({ ApiId: a.ApiId!, StageName: '$default', AutoDeploy: true }));
    const r = await fetch(invokeUrl(server.endpoint, a.ApiId!, '/hello?who=me&x=1'));
    expect(r.status).toBe(201);
    expect(r.headers.get('x-fn')).toBe('yes');
    const event = (await r.json()) as Record<string, any>;
    expect(event['headers']['x-mapped']).toBe('me');
    expect(event['queryStringParameters']).toEqual({ x: '1' });
    expect(event['rawQueryString']).toBe('x=1');
    expect(event['rawPath']).toBe('/rewritten');
    expect(event['routeKey']).toBe('GET /hello');
  }, 60_000);
});

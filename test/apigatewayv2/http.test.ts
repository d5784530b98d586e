import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { createEcho, invokeUrl, lambdaClient, v2Client } from './helpers.js';

let server: TestServer;
let client: ApiGatewayV2Client;
let lambda: LambdaClient;
let echo: string;
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
let api: string;
let v1: string;
let backend: Server;
let backendUrl: string;

async function httpApi(name: string, payload: '1.0' | '2.0', routes: string[], stage = '$default') {
  const a = await client.send(new CreateApiCommand({ Name: name, ProtocolType: 'HTTP' }));
  const i = await client.send(
    new CreateIntegrationCommand({
      ApiId: a.ApiId!,
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: echo,
      PayloadFormatVersion: payload,
    }),
  );
  for (const key of routes)
    await client.send(
      new CreateRouteCommand({ ApiId: a.ApiId!, RouteKey: key, Target: `integrations/${i.IntegrationId}` }),
    );
  await client.send(new CreateStageCommand({ ApiId: a.ApiId!, StageName: stage, AutoDeploy: true }));
  return a.ApiId!;
}

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  client = v2Client(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  echo = await createEcho(lambda, 'echo');
  api = await httpApi('events', '2.0', [
    'GET /pets/dog/1',
    'GET /pets/dog/{id}',
    'ANY /pets/{proxy+}',
    'POST /items',
    '$default',
    'ANY /things',
  ]);
  v1 = await httpApi('events1', '1.0', ['ANY /v1/{id}'], 'dev');
  backend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-backend': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  client.destroy();
  lambda.destroy();
  backend.close();
  await server.stop();
});

const call = (path: string, init?: RequestInit, id = api) => fetch(invokeUrl(server.endpoint, id, path), init);

async function event(path: string, init?: RequestInit, id = api): Promise<any> {
  const res = await call(path, init, id);
  expect(res.status).toBe(200);
  return res.json();
}

describe('payload 2.0 events', () => {
  it('builds the event as AWS documents it', async () => {
    const e = await event('/pets/dog/7?b=2&a=1&a=3&empty=', {
      headers: { 'X-Custom-Header': 'Value', Cookie: 'c1=v1; c2=v2' },
    });
    expect(e.version).toBe('2.0');
    expect(e.routeKey).toBe('GET /pets/dog/{id}');
    expect(e.rawPath).toBe('/pets/dog/7');
    expect(e.rawQueryString).toBe('b=2&a=1&a=3&empty=');
    expect(e.queryStringParameters).toEqual({ a: '1,3', b: '2', empty: '' });
    expect(e.pathParameters).toEqual({ id: '7' });
    expect(e.cookies).toEqual(['c1=v1', 'c2=v2']);
    expect(e.headers['x-custom-header']).toBe('Value');
    expect(e.headers['X-Custom-Header']).toBeUndefined();
    expect(e.headers.cookie).toBeUndefined();
    expect(e.isBase64Encoded).toBe(false);
    expect('body' in e).toBe(false);
    expect('stageVariables' in e).toBe(false);
    expect(e.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: api,
      http: { method: 'GET', path: '/pets/dog/7', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      routeKey: 'GET /pets/dog/{id}',
      stage: '$default',
      time: '01/Jan/2026:12:00:00 +0000',
      timeEpoch: Date.UTC(2026, 0, 1, 12, 0, 0),
    });
    expect(e.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves out an empty query string, cookies and path parameters', async () => {
    const e = await event('/things');
    expect(e.rawQueryString).toBe('');
    expect('queryStringParameters' in e).toBe(false);
    expect('cookies' in e).toBe(false);
    expect('pathParameters' in e).toBe(false);
  });

  it('joins repeated headers with commas', async () => {
    const res = await new Promise<any>((resolve, reject) => {
      const req = request(invokeUrl(server.endpoint, api, '/things'), (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      });
      req.on('error', reject);
      req.setHeader('X-Multi', ['a', 'b']);
      req.end();
    });
    expect(res.headers['x-multi']).toBe('a,b');
  });

  it('sends text bodies as strings and binary bodies base64-encoded', async () => {
    const text = await event('/things', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(text.body).toBe('{"a":1}');
    expect(text.isBase64Encoded).toBe(false);
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const bin = await event('/things', {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(bin.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.body, 'base64')).toEqual(bytes);
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const bad = await event('/things', {
      method: 'POST',
      body: invalidUtf8,
      headers: { 'content-type': 'text/plain' },
    });
    expect(bad.isBase64Encoded).toBe(true);
    expect(Buffer.from(bad.body, 'base64')).toEqual(invalidUtf8);
  });

  it('answers on the Host-based URL too', async () => {
    const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(
        `${server.endpoint}/things`,
        { headers: { host: `${api}.execute-api.localhost:${server.overcast.port}` } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.body.requestContext.domainName).toBe(`${api}.execute-api.localhost`);
    expect(res.body.requestContext.domainPrefix).toBe(api);
  });
});

describe('routing', () => {
  it('prefers exact, then parameter, then greedy, then $default', async () => {
    expect((await event('/pets/dog/1')).routeKey).toBe('GET /pets/dog/1');
    expect((await event('/pets/dog/2')).routeKey).toBe('GET /pets/dog/{id}');
    const greedy = await event('/pets/cat/a//b');
    expect(greedy.routeKey).toBe('ANY /pets/{proxy+}');
    expect(greedy.pathParameters).toEqual({ proxy: 'cat/a//b' });
    // POST /pets/dog/1 has no explicit POST route: the greedy ANY wins over $default.
    expect((await event('/pets/dog/1', { method: 'POST' })).routeKey).toBe('ANY /pets/{proxy+}');
    expect((await event('/items', { method: 'POST' })).routeKey).toBe('POST /items');
    expect((await event('/items')).routeKey).toBe('$default');
    expect((await event('/nowhere/at/all')).rawPath).toBe('/nowhere/at/all');
  });

  it('answers 404 Not Found without a route or stage', async () => {
    const res = await call('/v1/1', undefined, v1);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found' });
    const other = await call('/dev/nothing/here', undefined, v1);
    expect(other.status).toBe(404);
  });

  it('survives malformed paths', async () => {
    const res = await call('/pets/%ZZ/x');
    expect(res.status).toBe(200);
    expect((await res.json()).routeKey).toBe('ANY /pets/{proxy+}');
  });
});

describe('payload 1.0 events', () => {
  it('builds the REST-shaped event with nulls, last-value query strings and client header casing', async () => {
    const e = await event('/dev/v1/42?price=10&price=20&price=30', { headers: { 'tEsT-HEADeR': 'aValUE' } }, v1);
    expect(e.version).toBe('1.0');
    expect(e.resource).toBe('/v1/{id}');
    expect(e.path).toBe('/dev/v1/42');
    expect(e.httpMethod).toBe('GET');
    expect(e.queryStringParameters).toEqual({ price: '30' });
    expect(e.multiValueQueryStringParameters).toEqual({ price: ['10', '20', '30'] });
    expect(e.headers['tEsT-HEADeR']).toBe('aValUE');
    expect(e.multiValueHeaders['tEsT-HEADeR']).toEqual(['aValUE']);
    expect(e.pathParameters).toEqual({ id: '42' });
    expect(e.body).toBeNull();
    expect(e.isBase64Encoded).toBe(false);
    expect(e.stageVariables).toBeNull();
    expect(e.requestContext).toMatchObject({
      stage: 'dev',
      httpMethod: 'GET',
      requestTime: '01/Jan/2026:12:00:00 +0000',
      identity: { sourceIp: '127.0.0.1' },
    });
    const noQuery = await event('/dev/v1/1', undefined, v1);
    expect(noQuery.queryStringParameters).toBeNull();
    expect(noQuery.multiValueQueryStringParameters).toBeNull();
  });

  it('applies the strict 1.0 response shape', async () => {
    const ret = (value: unknown) =>
      call(
        '/dev/v1/1',
        {
          method: 'POST',
          headers: { 'x-return': '1', 'content-type': 'application/json' },
          body: JSON.stringify(value),
        },
        v1,
      );
    const ok = await ret({ statusCode: 201, headers: { a: 'solo' }, multiValueHeaders: { a: ['multi'] }, body: 'hi' });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('a')).toBe('multi, solo');
    expect(await ok.text()).toBe('hi');
    expect((await ret({ statusCode: '202' })).status).toBe(202);
    for (const bad of [{ statusCode: 200, wrongValue: 1 }, {}, { statusCode: 'test' }, 'justAString']) {
      const res = await ret(bad);
      expect(res.status, JSON.stringify(bad)).toBe(500);
      expect(await res.json()).toEqual({ message: 'Internal Server Error' });
    }
  });
});

describe('payload 2.0 responses', () => {
  const ret = (value: unknown) =>
    call('/things', {
      method: 'POST',
      headers: { 'x-return': '1', 'content-type': 'application/json' },
      body: JSON.stringify(value),
    });

  it('infers a JSON 200 from a value without statusCode', async () => {
    const obj = await ret({ message: 'hello' });
    expect(obj.status).toBe(200);
    expect(obj.headers.get('content-type')).toBe('application/json');
    expect(await obj.json()).toEqual({ message: 'hello' });
    const str = await ret('Hello from Lambda!');
    expect(await str.text()).toBe('Hello from Lambda!');
  });

  it('maps cookies to Set-Cookie and decodes base64 bodies', async () => {
    const res = await ret({
      statusCode: 203,
      cookies: ['a=1', 'b=2; Path=/'],
      headers: { 'x-h': 'v', 'content-type': 'image/png' },
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(res.status).toBe(203);
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2; Path=/']);
    expect(res.headers.get('x-h')).toBe('v');
    expect(res.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  it('answers 500 for malformed responses and function errors', async () => {
    for (const bad of [
      { statusCode: 'x' },
      { statusCode: 200, body: { not: 'a string' } },
      { statusCode: 200, cookies: 'a=1' },
    ]) {
      const res = await ret(bad);
      expect(res.status, JSON.stringify(bad)).toBe(500);
      expect(await res.json()).toEqual({ message: 'Internal Server Error' });
    }
    const thrown = await call('/things', { headers: { 'x-throw': '1' } });
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('rejects bodies over 10 MB with 413', async () => {
    const res = await call('/things', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: 'Request Entity Too Large' });
    // The server is still fine.
    expect((await call('/things')).status).toBe(200);
  });

  it('does not crash on huge headers', async () => {
    const res = await call('/things', { headers: { 'x-big': 'a'.repeat(70_000) } }).catch(() => undefined);
    if (res) expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await call('/things')).status).toBe(200);
  });
});

describe('HTTP_PROXY, CORS, throttling, access logs', () => {
  let proxied: string;
  beforeAll(async () => {
    const a = await client.send(
      new CreateApiCommand({
        Name: 'proxy',
        ProtocolType: 'HTTP',
        CorsConfiguration: {
          AllowOrigins: ['https://app.example'],
          AllowMethods: ['GET', 'POST'],
          AllowHeaders: ['x-token'],
          MaxAge: 300,
          ExposeHeaders: ['x-backend'],
        },
      }),
    );
    proxied = a.ApiId!;
    const i = await client.send(
      new CreateIntegrationCommand({
        ApiId: proxied,
        IntegrationType: 'HTTP_PROXY',
        IntegrationUri: `${backendUrl}/base/{proxy}`,
        IntegrationMethod: 'ANY',
      }),
    );
    await client.send(
      new CreateRouteCommand({ ApiId: proxied, RouteKey: 'ANY /{proxy+}', Target: `integrations/${i.IntegrationId}` }),
    );
    await client.send(
      new CreateStageCommand({
        ApiId: proxied,
        StageName: 'live',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingBurstLimit: 2, ThrottlingRateLimit: 1 },
      }),
    );
  });

  it('proxies to an HTTP backend with path variables and the query string', async () => {
    const res = await call('/live/a/b?x=1', { method: 'POST', body: 'payload' }, proxied);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-backend')).toBe('yes');
    expect(await res.json()).toEqual({ method: 'POST', url: '/base/a/b?x=1', body: 'payload' });
    clock.advance(10_000);
  });

  it('answers CORS preflights itself and adds CORS headers to responses', async () => {
    const pre = await call(
      '/live/anything',
      { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } },
      proxied,
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-token');
    expect(pre.headers.get('access-control-max-age')).toBe('300');
    const other = await call(
      '/live/anything',
      { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } },
      proxied,
    );
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    clock.advance(10_000);
    const res = await call('/live/x', { headers: { origin: 'https://app.example' } }, proxied);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-backend');
    clock.advance(10_000);
  });

  it('throttles a route with a token bucket on the injected clock', async () => {
    clock.advance(10_000);
    expect((await call('/live/t', undefined, proxied)).status).toBe(201);
    expect((await call('/live/t', undefined, proxied)).status).toBe(201);
    const third = await call('/live/t', undefined, proxied);
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({ message: 'Too Many Requests' });
    clock.advance(1000);
    expect((await call('/live/t', undefined, proxied)).status).toBe(201);
    expect((await call('/live/t', undefined, proxied)).status).toBe(429);
    // A route setting overrides the stage default.
    await client.send(
      new UpdateStageCommand({
        ApiId: proxied,
        StageName: 'live',
        RouteSettings: { 'ANY /{proxy+}': { ThrottlingBurstLimit: 0, ThrottlingRateLimit: 0 } },
      }),
    );
    clock.advance(10_000);
    expect((await call('/live/t', undefined, proxied)).status).toBe(429);
    await client.send(
      new UpdateStageCommand({
        ApiId: proxied,
        StageName: 'live',
        RouteSettings: { 'ANY /{proxy+}': { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 100 } },
      }),
    );
  });

  it('writes access logs with $context variables to CloudWatch Logs', async () => {
    await client.send(
      new UpdateStageCommand({
        ApiId: proxied,
        StageName: 'live',
        AccessLogSettings: {
          DestinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:apigw-access',
          Format:
            '$context.requestId $context.httpMethod $context.routeKey $context.status $context.path $context.missing',
        },
      }),
    );
    const res = await call('/live/logged', undefined, proxied);
    const requestId = res.headers.get('apigw-requestid');
    const logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    let messages: string[] = [];
    for (let i = 0; i < 50 && messages.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const out = await logs
        .send(new GetLogEventsCommand({ logGroupName: 'apigw-access', logStreamName: `${proxied}_live` }))
        .catch(() => undefined);
      messages = out?.events?.map((e) => e.message!) ?? [];
    }
    logs.destroy();
    expect(messages).toEqual([`${requestId} GET ANY /{proxy+} 201 /live/logged -`]);
  });
});

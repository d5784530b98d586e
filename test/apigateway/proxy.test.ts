import { UpdateRestApiCommand } from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';
import { rawSend } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { ECHO_HANDLER, apigwClient, buildApi, deploy, fnUri, invokeUrl } from './helpers.js';

let server: TestServer;
let client: APIGatewayClient;
let lambda: LambdaClient;
let apiId: string;

beforeAll(async () => {
  server = await startTestServer();
  client = apigwClient(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  await createNodeFunction(lambda, 'echo', { 'index.js': ECHO_HANDLER });
  const proxy = { type: 'AWS_PROXY' as const, integrationHttpMethod: 'POST', uri: fnUri('echo') };
  const built = await buildApi(client, 'proxy-api', [
    { path: '/pets/{id}', method: 'GET', integration: proxy },
    { path: '/pets/static', method: 'GET', integration: proxy },
    { path: '/items', method: 'ANY', integration: proxy },
    { path: '/files/{proxy+}', method: 'ANY', integration: proxy },
    { path: '/{proxy+}', method: 'ANY', integration: proxy },
  ]);
  apiId = built.apiId;
  await client.send(
    new UpdateRestApiCommand({
      restApiId: apiId,
      patchOperations: [{ op: 'add', path: '/binaryMediaTypes/application~1octet-stream' }],
    }),
  );
  await deploy(client, apiId, 'test', { env: 'dev' });
}, 60_000);
afterAll(async () => {
  client.destroy();
  lambda.destroy();
  await server.stop();
});

const url = (path: string) => invokeUrl(server.endpoint, apiId, 'test', path);

describe('REST proxy events', () => {
  it('builds the v1 event: path parameters, null query maps, stage variables, request context', async () => {
    const res = await fetch(url('/pets/42'), { headers: { 'tEsT-HEADeR': 'aValUE' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const event = await res.json();
    expect(event).toMatchObject({
      resource: '/pets/{id}',
      path: '/pets/42',
      httpMethod: 'GET',
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { id: '42' },
      stageVariables: { env: 'dev' },
      body: null,
      isBase64Encoded: false,
    });
    expect(event.headers['tEsT-HEADeR']).toBe('aValUE');
    expect(event.multiValueHeaders['tEsT-HEADeR']).toEqual(['aValUE']);
    expect(event.requestContext).toMatchObject({
      resourcePath: '/pets/{id}',
      httpMethod: 'GET',
      path: '/test/pets/42',
      stage: 'test',
      apiId,
      accountId: '000000000000',
      protocol: 'HTTP/1.1',
    });
    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('prefers exact path parts over {param}, and {param} over {proxy+}', async () => {
    const exact = await (await fetch(url('/pets/static'))).json();
    expect(exact.resource).toBe('/pets/static');
    expect(exact.pathParameters).toBeNull();
    const greedy = await (await fetch(url('/files/a/b//c.txt'))).json();
    expect(greedy).toMatchObject({
      resource: '/files/{proxy+}',
      pathParameters: { proxy: 'a/b//c.txt' },
      path: '/files/a/b//c.txt',
    });
    const fallback = await (await fetch(url('/pets/1/more'))).json();
    expect(fallback).toMatchObject({ resource: '/{proxy+}', pathParameters: { proxy: 'pets/1/more' } });
    const any = await (await fetch(url('/items'), { method: 'DELETE' })).json();
    expect(any).toMatchObject({ resource: '/items', httpMethod: 'DELETE' });
  });

  it('keeps repeated query keys: last value wins in the single map, all in the multi map; empty values stay', async () => {
    const event = await (await fetch(url('/items?price=10&price=20&price=30&empty=&flag'))).json();
    expect(event.queryStringParameters).toEqual({ price: '30', empty: '', flag: '' });
    expect(event.multiValueQueryStringParameters).toEqual({ price: ['10', '20', '30'], empty: [''], flag: [''] });
  });

  it('passes text bodies as text and binary media types as base64', async () => {
    const text = await (
      await fetch(url('/items'), { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })
    ).json();
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const bytes = Buffer.from([0, 159, 146, 150, 255]);
    const bin = await (
      await fetch(url('/items'), {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': 'application/octet-stream' },
      })
    ).json();
    expect(bin.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.body, 'base64')).toEqual(bytes);
  });

  it('reaches the API through its execute-api host name too', async () => {
    const res = await rawSend(server.endpoint, {
      method: 'GET',
      path: '/test/pets/7',
      headers: { host: `${apiId}.execute-api.localhost` },
    });
    expect(res.status).toBe(200);
    const event = JSON.parse(res.body.toString());
    expect(event.pathParameters).toEqual({ id: '7' });
    expect(event.requestContext.domainName).toBe(`${apiId}.execute-api.localhost`);
  });
});

describe('REST proxy responses', () => {
  it('parses responses strictly: extra keys and non-objects are 502 Internal server error', async () => {
    for (const path of ['/malformed', '/justastring']) {
      const res = await fetch(url(path));
      expect(res.status).toBe(502);
      expect(await res.text()).toBe('{"message": "Internal server error"}');
    }
  });

  it('answers a function error with 502', async () => {
    const res = await fetch(url('/fail'));
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ message: 'Internal server error' });
  });

  it('accepts a string statusCode, merges multiValueHeaders, handles no body', async () => {
    const created = await fetch(url('/string-status'));
    expect(created.status).toBe(201);
    expect(await created.text()).toBe('created');
    const multi = await fetch(url('/multi'));
    expect(multi.headers.get('x-multi')).toBe('value1, value2');
    expect(multi.headers.get('x-solo')).toBe('solo');
    expect(multi.headers.get('x-both')).toBe('value-multi, value-solo');
    const none = await fetch(url('/nobody'));
    expect(none.status).toBe(204);
  });

  it('decodes base64 bodies', async () => {
    const res = await fetch(url('/binary'), { headers: { accept: 'application/octet-stream' } });
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });
});

describe('routing errors', () => {
  it('answers 403 Missing Authentication Token for unknown stages, paths and methods', async () => {
    for (const target of [
      invokeUrl(server.endpoint, apiId, 'nostage', '/pets/1'),
      url('/pets/1/x/y').replace('/pets/1/x/y', ''),
      invokeUrl(server.endpoint, apiId, '', ''),
    ]) {
      const res = await fetch(target, { method: 'GET' });
      if (target.endsWith('/test')) continue;
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
    }
    const wrongMethod = await fetch(url('/pets/static'), { method: 'POST' });
    expect(wrongMethod.status).toBe(403);
    expect(await wrongMethod.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('does not claim unknown API ids', async () => {
    const res = await fetch(`${server.endpoint}/_aws/execute-api/zzzzzzzzzz/test/`);
    expect(res.status).toBe(404);
  });
});

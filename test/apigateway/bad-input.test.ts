import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSend } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { apigwClient, buildApi, deploy } from './helpers.js';

let server: TestServer;
let client: APIGatewayClient;
let apiId: string;

beforeAll(async () => {
  server = await startTestServer();
  client = apigwClient(server.endpoint);
  const mock = { type: 'MOCK' as const, requestTemplates: { 'application/json': '{"statusCode": 200}' } };
  ({ apiId } = await buildApi(client, 'bad', [
    { path: '/echo', method: 'POST', integration: mock },
    { path: '/{proxy+}', method: 'GET', integration: mock },
  ]));
  const { PutIntegrationResponseCommand, GetResourcesCommand } = await import('@aws-sdk/client-api-gateway');
  for (const r of (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items!) {
    for (const m of Object.keys(r.resourceMethods ?? {})) {
      await client.send(
        new PutIntegrationResponseCommand({
          restApiId: apiId,
          resourceId: r.id!,
          httpMethod: m,
          statusCode: '200',
          responseTemplates: {
            'application/json':
              '{"len": $input.body.length(), "p": "$util.escapeJavaScript($input.params(\'proxy\'))"}',
          },
        }),
      );
    }
  }
  await deploy(client, apiId, 's');
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

const path = (p: string) => `/_aws/execute-api/${apiId}/s${p}`;

describe('bad input', () => {
  it('answers 413 for bodies over 10 MB, by Content-Length and when streamed', async () => {
    const big = Buffer.alloc(10_485_761, 97);
    const res = await rawSend(server.endpoint, {
      method: 'POST',
      path: path('/echo'),
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.headers['x-amzn-errortype']).toBe('RequestTooLargeException');
    expect(JSON.parse(res.body.toString())).toEqual({ message: 'Request Too Long' });
    const streamed = await fetch(`${server.endpoint}${path('/echo')}`, {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 11; i++) c.enqueue(new Uint8Array(1_048_576));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const ok = await rawSend(server.endpoint, {
      method: 'POST',
      path: path('/echo'),
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10_000, 97),
    });
    expect(ok.status).toBe(200);
  });

  it('answers 431 for headers over 10 KB and the server stays up', async () => {
    const res = await rawSend(server.endpoint, {
      method: 'GET',
      path: path('/x'),
      headers: { 'x-big': 'a'.repeat(12_000) },
    });
    expect(res.status).toBe(431);
    const after = await rawSend(server.endpoint, { method: 'GET', path: path('/x') });
    expect(after.status).toBe(200);
  });

  it('handles malformed percent-encoding and invalid UTF-8 without crashing', async () => {
    const malformed = await rawSend(server.endpoint, { method: 'GET', path: path('/a%ZZ/%E0%A4%A') });
    expect(malformed.status).toBe(200);
    expect(JSON.parse(malformed.body.toString()).p).toBe('a%ZZ/%E0%A4%A');
    const invalid = await rawSend(server.endpoint, { method: 'GET', path: path('/%FF%FE') });
    expect(invalid.status).toBe(200);
    const body = await rawSend(server.endpoint, {
      method: 'POST',
      path: path('/echo'),
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    });
    expect(body.status).toBe(200);
    const dots = await rawSend(server.endpoint, { method: 'GET', path: `/_aws/execute-api/${apiId}/../../etc/passwd` });
    expect(dots.status).toBe(403);
  });
});

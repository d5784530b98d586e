import {
  CreateApiKeyCommand,
  CreateAuthorizerCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  PutIntegrationResponseCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { ECHO_HANDLER, apigwClient, buildApi, deploy, fnUri, invokeUrl } from './helpers.js';

const AUTHORIZER = `let calls = 0;
exports.handler = async (event) => {
  calls++;
  const token = event.type === 'TOKEN' ? event.authorizationToken : event.headers['X-User'] + ':' + (event.queryStringParameters.tenant || '');
  if (token.startsWith('unauthorized')) throw new Error('Unauthorized');
  if (token.startsWith('broken')) return { nope: true };
  const effect = token.startsWith('deny') ? 'Deny' : 'Allow';
  const resource = token.includes('narrow') ? event.methodArn.replace(/\\/GET\\/.*$/, '/POST/*') : event.methodArn.split('/').slice(0, 2).join('/') + '/*';
  return {
    principalId: 'user-' + token,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
    context: { calls, admin: true, level: 3, type: event.type },
  };
};`;

let server: TestServer;
let client: APIGatewayClient;
let lambda: LambdaClient;
const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  client = apigwClient(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  await Promise.all([
    createNodeFunction(lambda, 'echo', { 'index.js': ECHO_HANDLER }),
    createNodeFunction(lambda, 'authorizer', { 'index.js': AUTHORIZER }),
  ]);
}, 60_000);
afterAll(async () => {
  client.destroy();
  lambda.destroy();
  await server.stop();
});

async function authorizedApi(type: 'TOKEN' | 'REQUEST', ttl: number) {
  const proxy = { type: 'AWS_PROXY' as const, integrationHttpMethod: 'POST', uri: fnUri('echo') };
  const { apiId } = await buildApi(client, `auth-${type}`, []);
  const authorizer = await client.send(
    new CreateAuthorizerCommand({
      restApiId: apiId,
      name: 'lambda',
      type,
      authorizerUri: fnUri('authorizer'),
      identitySource:
        type === 'TOKEN'
          ? 'method.request.header.Authorization'
          : 'method.request.header.X-User,method.request.querystring.tenant',
      authorizerResultTtlInSeconds: ttl,
    }),
  );
  const built = await buildApiOn(apiId, authorizer.id!, proxy);
  await deploy(client, apiId, 'prod');
  return built;
}

async function buildApiOn(
  apiId: string,
  authorizerId: string,
  integration: { type: 'AWS_PROXY'; integrationHttpMethod: string; uri: string },
) {
  const { GetResourcesCommand, PutMethodCommand, PutIntegrationCommand, CreateResourceCommand } =
    await import('@aws-sdk/client-api-gateway');
  const root = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
  const r = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: root, pathPart: 'secret' }));
  await client.send(
    new PutMethodCommand({
      restApiId: apiId,
      resourceId: r.id!,
      httpMethod: 'GET',
      authorizationType: 'CUSTOM',
      authorizerId,
    }),
  );
  await client.send(
    new PutIntegrationCommand({ restApiId: apiId, resourceId: r.id!, httpMethod: 'GET', ...integration }),
  );
  return { apiId };
}

describe('Lambda TOKEN authorizer', () => {
  let apiId: string;
  beforeAll(async () => {
    ({ apiId } = await authorizedApi('TOKEN', 300));
  }, 30_000);
  const get = (auth?: string) =>
    fetch(invokeUrl(server.endpoint, apiId, 'prod', '/secret'), {
      headers: auth === undefined ? {} : { Authorization: auth },
    });

  it('allows a good token and passes principalId and stringified context to the integration', async () => {
    const res = await get('allow-1');
    expect(res.status).toBe(200);
    const event = await res.json();
    expect(event.requestContext.authorizer).toMatchObject({
      principalId: 'user-allow-1',
      admin: 'true',
      level: '3',
      type: 'TOKEN',
      calls: '1',
    });
  });

  it('answers 401 without invoking when the token is missing', async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('answers 401 when the authorizer says Unauthorized, 403 on an explicit deny, 500 on a broken answer', async () => {
    const unauthorized = await get('unauthorized-1');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ message: 'Unauthorized' });
    const denied = await get('deny-1');
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(await denied.json()).toEqual({
      Message: 'User is not authorized to access this resource with an explicit deny',
    });
    const narrow = await get('allow-narrow');
    expect(narrow.status).toBe(403);
    expect(await narrow.json()).toEqual({ Message: 'User is not authorized to access this resource' });
    const broken = await get('broken-1');
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ message: null });
  });

  it('caches the result by token for the TTL on the injected clock', async () => {
    const first = await (await get('allow-cache')).json();
    const second = await (await get('allow-cache')).json();
    expect(second.requestContext.authorizer.calls).toBe(first.requestContext.authorizer.calls);
    clock.advance(299_000);
    const third = await (await get('allow-cache')).json();
    expect(third.requestContext.authorizer.calls).toBe(first.requestContext.authorizer.calls);
    clock.advance(2_000);
    const fourth = await (await get('allow-cache')).json();
    expect(Number(fourth.requestContext.authorizer.calls)).toBeGreaterThan(
      Number(first.requestContext.authorizer.calls),
    );
  });
});

describe('Lambda REQUEST authorizer', () => {
  let apiId: string;
  beforeAll(async () => {
    ({ apiId } = await authorizedApi('REQUEST', 0));
  }, 30_000);

  it('needs every identity source, and evaluates the policy', async () => {
    const base = invokeUrl(server.endpoint, apiId, 'prod', '/secret');
    const missing = await fetch(`${base}?tenant=t1`);
    expect(missing.status).toBe(401);
    const ok = await fetch(`${base}?tenant=t1`, { headers: { 'X-User': 'alice' } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).requestContext.authorizer).toMatchObject({
      principalId: 'user-alice:t1',
      type: 'REQUEST',
    });
    const deny = await fetch(`${base}?tenant=t1`, { headers: { 'X-User': 'deny-bob' } });
    expect(deny.status).toBe(403);
    // TTL 0: no caching, every request invokes.
    const a = await (await fetch(`${base}?tenant=t1`, { headers: { 'X-User': 'alice' } })).json();
    const b = await (await fetch(`${base}?tenant=t1`, { headers: { 'X-User': 'alice' } })).json();
    expect(Number(b.requestContext.authorizer.calls)).toBe(Number(a.requestContext.authorizer.calls) + 1);
  });
});

describe('API keys and usage plans', () => {
  let apiId: string;
  let keyValue: string;
  let planKeyValue: string;
  beforeAll(async () => {
    const built = await buildApi(client, 'keys', [
      {
        path: '/limited',
        method: 'GET',
        integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } },
        method_: { apiKeyRequired: true },
      },
      {
        path: '/throttled',
        method: 'GET',
        integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } },
        method_: { apiKeyRequired: true },
      },
    ]);
    apiId = built.apiId;
    for (const p of ['/limited', '/throttled']) {
      await client.send(
        new PutIntegrationResponseCommand({
          restApiId: apiId,
          resourceId: built.ids[p]!,
          httpMethod: 'GET',
          statusCode: '200',
          responseTemplates: { 'application/json': '{"ok":true}' },
        }),
      );
    }
    await deploy(client, apiId, 'prod');
    const quotaPlan = await client.send(
      new CreateUsagePlanCommand({
        name: 'quota',
        apiStages: [{ apiId, stage: 'prod' }],
        quota: { limit: 3, period: 'DAY' },
      }),
    );
    const key = await client.send(
      new CreateApiKeyCommand({ name: 'quota-key', enabled: true, value: 'quota-key-value-0123456789' }),
    );
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: quotaPlan.id!, keyId: key.id!, keyType: 'API_KEY' }),
    );
    keyValue = key.value!;
    const throttlePlan = await client.send(
      new CreateUsagePlanCommand({
        name: 'throttle',
        apiStages: [{ apiId, stage: 'prod' }],
        throttle: { rateLimit: 1, burstLimit: 2 },
      }),
    );
    const key2 = await client.send(new CreateApiKeyCommand({ name: 'throttle-key', enabled: true }));
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: throttlePlan.id!, keyId: key2.id!, keyType: 'API_KEY' }),
    );
    planKeyValue = key2.value!;
    await client.send(new CreateApiKeyCommand({ name: 'orphan', enabled: true, value: 'orphan-key-value-0123456789' }));
  }, 30_000);

  const get = (path: string, key?: string) =>
    fetch(invokeUrl(server.endpoint, apiId, 'prod', path), { headers: key ? { 'x-api-key': key } : {} });

  it('answers 403 Forbidden without a key, with an unknown key, or with a key in no plan of the stage', async () => {
    for (const key of [undefined, 'not-a-key', 'orphan-key-value-0123456789']) {
      const res = await get('/limited', key);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(await res.json()).toEqual({ message: 'Forbidden' });
    }
  });

  it('enforces the DAY quota at the configured number and resets the next day', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await get('/limited', keyValue);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
    const over = await get('/limited', keyValue);
    expect(over.status).toBe(429);
    expect(over.headers.get('x-amzn-errortype')).toBe('LimitExceededException');
    expect(await over.json()).toEqual({ message: 'Limit Exceeded' });
    clock.advance(24 * 3600_000);
    expect((await get('/limited', keyValue)).status).toBe(200);
  });

  it('enforces the plan throttle: burst, then the rate on the injected clock', async () => {
    expect((await get('/throttled', planKeyValue)).status).toBe(200);
    expect((await get('/throttled', planKeyValue)).status).toBe(200);
    const throttled = await get('/throttled', planKeyValue);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
    clock.advance(1000);
    expect((await get('/throttled', planKeyValue)).status).toBe(200);
    expect((await get('/throttled', planKeyValue)).status).toBe(429);
  });

  it('enforces stage method throttling from method settings', async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: 'prod',
        patchOperations: [
          { op: 'replace', path: '/~1limited/GET/throttling/rateLimit', value: '0.5' },
          { op: 'replace', path: '/~1limited/GET/throttling/burstLimit', value: '1' },
        ],
      }),
    );
    clock.advance(24 * 3600_000);
    expect((await get('/limited', keyValue)).status).toBe(200);
    const throttled = await get('/limited', keyValue);
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
    clock.advance(2000);
    expect((await get('/limited', keyValue)).status).toBe(200);
  });
});

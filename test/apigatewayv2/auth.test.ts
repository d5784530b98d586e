import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createNodeFunction } from '../helpers/lambda.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { createEcho, fnArn, invokeUrl, lambdaClient, v2Client } from './helpers.js';

let server: TestServer;
let client: ApiGatewayV2Client;
let lambda: LambdaClient;
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
let idp: Server;
let issuer: string;
let key: CryptoKey;
let otherKey: CryptoKey;
let api: string;

const SIMPLE = `
const { randomUUID } = require('node:crypto');
exports.handler = async (e) => ({ isAuthorized: e.headers.authorization === 'good', context: { user: 'u1', nonce: randomUUID(), version: e.version, type: e.type } });`;

const POLICY = `
exports.handler = async (e) => {
  const t = e.authorizationToken;
  if (t === 'unauth') throw new Error('Unauthorized');
  if (t === 'garbage') return { nope: true };
  return { principalId: 'p1', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: t === 'allow' ? 'Allow' : 'Deny', Resource: e.methodArn.split('/').slice(0, 2).join('/') + '/*' }] }, context: { role: 'admin' } };
};`;

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  client = v2Client(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  idp = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration')
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
    else if (req.url === '/jwks.json') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

  const echo = await createEcho(lambda, 'auth-echo');
  await createNodeFunction(lambda, 'simple-auth', { 'index.js': SIMPLE });
  await createNodeFunction(lambda, 'policy-auth', { 'index.js': POLICY });
  const a = await client.send(new CreateApiCommand({ Name: 'auth', ProtocolType: 'HTTP' }));
  api = a.ApiId!;
  const i = await client.send(
    new CreateIntegrationCommand({
      ApiId: api,
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: echo,
      PayloadFormatVersion: '2.0',
    }),
  );
  const jwt = await client.send(
    new CreateAuthorizerCommand({
      ApiId: api,
      AuthorizerType: 'JWT',
      Name: 'jwt',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: issuer, Audience: ['my-api'] },
    }),
  );
  const simple = await client.send(
    new CreateAuthorizerCommand({
      ApiId: api,
      AuthorizerType: 'REQUEST',
      Name: 'simple',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn('simple-auth')}/invocations`,
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 60,
    }),
  );
  const policy = await client.send(
    new CreateAuthorizerCommand({
      ApiId: api,
      AuthorizerType: 'REQUEST',
      Name: 'policy',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerUri: fnArn('policy-auth'),
      AuthorizerPayloadFormatVersion: '1.0',
    }),
  );
  const target = `integrations/${i.IntegrationId}`;
  await client.send(
    new CreateRouteCommand({
      ApiId: api,
      RouteKey: 'GET /jwt',
      Target: target,
      AuthorizationType: 'JWT',
      AuthorizerId: jwt.AuthorizerId,
    }),
  );
  await client.send(
    new CreateRouteCommand({
      ApiId: api,
      RouteKey: 'GET /scoped',
      Target: target,
      AuthorizationType: 'JWT',
      AuthorizerId: jwt.AuthorizerId,
      AuthorizationScopes: ['pets:read'],
    }),
  );
  await client.send(
    new CreateRouteCommand({
      ApiId: api,
      RouteKey: 'GET /simple',
      Target: target,
      AuthorizationType: 'CUSTOM',
      AuthorizerId: simple.AuthorizerId,
    }),
  );
  await client.send(
    new CreateRouteCommand({
      ApiId: api,
      RouteKey: 'GET /policy',
      Target: target,
      AuthorizationType: 'CUSTOM',
      AuthorizerId: policy.AuthorizerId,
    }),
  );
  await client.send(
    new CreateRouteCommand({ ApiId: api, RouteKey: 'GET /iam', Target: target, AuthorizationType: 'AWS_IAM' }),
  );
  await client.send(new CreateStageCommand({ ApiId: api, StageName: '$default', AutoDeploy: true }));
}, 120_000);

afterAll(async () => {
  client.destroy();
  lambda.destroy();
  idp.close();
  await server.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(invokeUrl(server.endpoint, api, path), { headers });

function token(
  claims: Record<string, unknown>,
  opts: { signer?: CryptoKey; iss?: string; exp?: number; kid?: string } = {},
) {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? issuer)
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 3600)
    .setSubject('user-1')
    .sign(opts.signer ?? key);
}

describe('JWT authorizer', () => {
  it('accepts a valid token and passes its claims', async () => {
    const res = await get('/jwt', {
      authorization: `Bearer ${await token({ aud: 'my-api', scope: 'pets:read pets:write' })}`,
    });
    expect(res.status).toBe(200);
    const e = await res.json();
    expect(e.requestContext.authorizer.jwt.claims).toMatchObject({ sub: 'user-1', aud: 'my-api', iss: issuer });
    expect(e.requestContext.authorizer.jwt.scopes).toBeNull();
    // client_id stands in for aud.
    expect((await get('/jwt', { authorization: await token({ client_id: 'my-api' }) })).status).toBe(200);
  });

  it('rejects missing, forged, expired, foreign and wrong-audience tokens with 401', async () => {
    const now = Math.floor(clock.now() / 1000);
    const cases: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'Bearer not.a.jwt',
      forged: `Bearer ${await token({ aud: 'my-api' }, { signer: otherKey })}`,
      expired: `Bearer ${await token({ aud: 'my-api' }, { exp: now - 10 })}`,
      issuer: `Bearer ${await token({ aud: 'my-api' }, { iss: 'https://other.example' })}`,
      audience: `Bearer ${await token({ aud: 'someone-else' })}`,
      kid: `Bearer ${await token({ aud: 'my-api' }, { kid: 'unknown' })}`,
    };
    for (const [name, value] of Object.entries(cases)) {
      const res = await get('/jwt', value ? { authorization: value } : {});
      expect(res.status, name).toBe(401);
      expect(await res.json(), name).toEqual({ message: 'Unauthorized' });
      expect(res.headers.get('www-authenticate'), name).toMatch(/^Bearer /);
    }
  });

  it('checks scopes: one of the route scopes must be in the token (403 otherwise)', async () => {
    const ok = await get('/scoped', { authorization: await token({ aud: 'my-api', scope: 'other pets:read' }) });
    expect(ok.status).toBe(200);
    expect((await ok.json()).requestContext.authorizer.jwt.scopes).toEqual(['other', 'pets:read']);
    expect((await get('/scoped', { authorization: await token({ aud: 'my-api', scp: ['pets:read'] }) })).status).toBe(
      200,
    );
    const no = await get('/scoped', { authorization: await token({ aud: 'my-api', scope: 'pets:write' }) });
    expect(no.status).toBe(403);
    expect(await no.json()).toEqual({ message: 'Forbidden' });
  });
});

describe('Lambda REQUEST authorizers', () => {
  it('simple responses: allow with context, deny with 403, missing identity with 401 without invoking', async () => {
    const ok = await get('/simple', { authorization: 'good' });
    expect(ok.status).toBe(200);
    const e = await ok.json();
    expect(e.requestContext.authorizer.lambda).toMatchObject({ user: 'u1', version: '2.0', type: 'REQUEST' });
    const denied = await get('/simple', { authorization: 'bad' });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'Forbidden' });
    const missing = await get('/simple');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'Unauthorized' });
  });

  it('caches results by identity source for the TTL on the injected clock', async () => {
    const nonce = async () =>
      (await (await get('/simple', { authorization: 'good' })).json()).requestContext.authorizer.lambda.nonce;
    clock.advance(120_000);
    const first = await nonce();
    expect(await nonce()).toBe(first);
    clock.advance(59_000);
    expect(await nonce()).toBe(first);
    clock.advance(2_000);
    const fresh = await nonce();
    expect(fresh).not.toBe(first);
  });

  it('IAM policy responses: Allow passes the context, Deny is 403, Unauthorized 401, garbage 500', async () => {
    const ok = await get('/policy', { authorization: 'allow' });
    expect(ok.status).toBe(200);
    expect((await ok.json()).requestContext.authorizer.lambda).toEqual({ role: 'admin', principalId: 'p1' });
    const deny = await get('/policy', { authorization: 'deny' });
    expect(deny.status).toBe(403);
    expect(await deny.json()).toEqual({ message: 'Forbidden' });
    const unauth = await get('/policy', { authorization: 'unauth' });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ message: 'Unauthorized' });
    const garbage = await get('/policy', { authorization: 'garbage' });
    expect(garbage.status).toBe(500);
    expect(await garbage.json()).toEqual({ message: 'Internal Server Error' });
  });
});

describe('AWS_IAM', () => {
  it('needs a SigV4-signed request', async () => {
    const res = await get('/iam');
    expect(res.status).toBe(403);
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Sha256 } = await import('@smithy/hash-node').then((m) => ({ Sha256: m.Hash.bind(null, 'sha256') }));
    const url = new URL(invokeUrl(server.endpoint, api, '/iam'));
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'us-east-1',
      credentials: { accessKeyId: '123456789012', secretAccessKey: 's' },
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host },
    });
    const ok = await fetch(url, { headers: signed.headers });
    expect(ok.status).toBe(200);
    expect((await ok.json()).requestContext.authorizer.iam).toMatchObject({
      accessKey: '123456789012',
      accountId: '123456789012',
    });
  });
});

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateAuthorizerCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWTPayload, KeyObject } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { ECHO_HANDLER, apigwClient, deploy, fnUri, invokeUrl } from './helpers.js';

const POOL = 'us-east-1_TestPool1';
const OTHER_POOL = 'us-east-1_OtherPool';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const KID = 'test-key-1';

let jwks: Server;
const jwksHits: string[] = [];
let signingKey: KeyObject | CryptoKey;
let strangerKey: KeyObject | CryptoKey;
let server: TestServer;
let client: APIGatewayClient;
let lambda: LambdaClient;
let apiId: string;

const now = () => Math.floor(Date.now() / 1000);

function idClaims(extra: JWTPayload = {}): JWTPayload {
  return {
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    email_verified: true,
    iss: ISSUER,
    'cognito:username': 'alice',
    'cognito:groups': ['admin', 'users'],
    aud: 'client123',
    token_use: 'id',
    auth_time: now() - 10,
    iat: now() - 10,
    exp: now() + 3600,
    email: 'alice@example.com',
    ...extra,
  };
}

function accessClaims(scope: string, extra: JWTPayload = {}): JWTPayload {
  return {
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    iss: ISSUER,
    client_id: 'client123',
    token_use: 'access',
    scope,
    auth_time: now() - 10,
    iat: now() - 10,
    exp: now() + 3600,
    username: 'alice',
    ...extra,
  };
}

function sign(claims: JWTPayload, key: KeyObject | CryptoKey = signingKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(key);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  // A local stand-in for https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json
  jwks = createServer((req, res) => {
    jwksHits.push(req.url ?? '');
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const port = (jwks.address() as AddressInfo).port;
  server = await startTestServer({
    apigateway: { cognitoJwksUrl: `http://127.0.0.1:${port}/{poolId}/.well-known/jwks.json` },
  });
  client = apigwClient(server.endpoint);
  lambda = lambdaClient(server.endpoint);
  await createNodeFunction(lambda, 'echo', { 'index.js': ECHO_HANDLER });
  const api = await client.send(new CreateRestApiCommand({ name: 'cognito-api' }));
  apiId = api.id!;
  const authorizer = await client.send(
    new CreateAuthorizerCommand({
      restApiId: apiId,
      name: 'pool',
      type: 'COGNITO_USER_POOLS',
      providerARNs: [`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}`],
      identitySource: 'method.request.header.Authorization',
    }),
  );
  const routes: [string, string[] | undefined][] = [
    ['profile', undefined],
    ['pets', ['pets/read', 'pets/admin']],
  ];
  for (const [part, scopes] of routes) {
    const res = await client.send(
      new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId!, pathPart: part }),
    );
    await client.send(
      new PutMethodCommand({
        restApiId: apiId,
        resourceId: res.id!,
        httpMethod: 'GET',
        authorizationType: 'COGNITO_USER_POOLS',
        authorizerId: authorizer.id!,
        ...(scopes ? { authorizationScopes: scopes } : {}),
      }),
    );
    await client.send(
      new PutIntegrationCommand({
        restApiId: apiId,
        resourceId: res.id!,
        httpMethod: 'GET',
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: fnUri('echo'),
      }),
    );
  }
  await deploy(client, apiId, 'test');
}, 60_000);

afterAll(async () => {
  client.destroy();
  lambda.destroy();
  await server.stop();
  await new Promise((resolve) => jwks.close(resolve));
});

const call = (path: string, token?: string) =>
  fetch(invokeUrl(server.endpoint, apiId, 'test', path), {
    headers: token === undefined ? {} : { Authorization: token },
  });

async function expectUnauthorized(res: Response, message = 'Unauthorized'): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  expect(await res.json()).toEqual({ message });
}

/** Java's Date.toString() in UTC. */
function javaDate(seconds: number): string {
  const s = new Date(seconds * 1000).toUTCString(); // "Sun, 17 Dec 2017 07:28:12 GMT"
  const m = /^(\w{3}), (\d{2}) (\w{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(s)!;
  return `${m[1]} ${m[3]} ${m[2]} ${m[5]} UTC ${m[4]}`;
}

describe('COGNITO_USER_POOLS authorizers', () => {
  it('passes a valid ID token and hands its claims on as AWS shapes them', async () => {
    const claims = idClaims();
    const res = await call('/profile', await sign(claims));
    expect(res.status).toBe(200);
    const event = await res.json();
    expect(event.requestContext.authorizer).toEqual({
      claims: {
        sub: claims.sub,
        email_verified: 'true',
        iss: ISSUER,
        'cognito:username': 'alice',
        'cognito:groups': '[admin users]',
        aud: 'client123',
        token_use: 'id',
        auth_time: String(claims['auth_time']),
        iat: javaDate(claims.iat!),
        exp: javaDate(claims.exp!),
        email: 'alice@example.com',
      },
    });
    expect(event.requestContext.identity.cognitoIdentityId).toBeNull();
    expect(jwksHits).toContain(`/${POOL}/.well-known/jwks.json`);
  });

  it('accepts the token with a Bearer prefix', async () => {
    expect((await call('/profile', `Bearer ${await sign(idClaims())}`)).status).toBe(200);
  });

  it('refuses a missing or malformed token', async () => {
    await expectUnauthorized(await call('/profile'));
    await expectUnauthorized(await call('/profile', 'not-a-jwt'));
  });

  it('refuses an expired token', async () => {
    await expectUnauthorized(
      await call('/profile', await sign(idClaims({ iat: now() - 7200, exp: now() - 3600 }))),
      'The incoming token has expired',
    );
  });

  it('refuses a token not yet valid (nbf)', async () => {
    await expectUnauthorized(await call('/profile', await sign(idClaims({ nbf: now() + 600 }))));
  });

  it("refuses a token of another pool's issuer", async () => {
    const iss = `https://cognito-idp.us-east-1.amazonaws.com/${OTHER_POOL}`;
    await expectUnauthorized(await call('/profile', await sign(idClaims({ iss }))));
    await expectUnauthorized(await call('/profile', await sign(idClaims({ iss: 'https://evil.example.com' }))));
  });

  it('refuses a token signed by another key', async () => {
    await expectUnauthorized(await call('/profile', await sign(idClaims(), strangerKey)));
    // A signature cut from another token does not verify either.
    const good = await sign(idClaims());
    const other = await sign(idClaims({ email: 'mallory@example.com' }));
    const forged = `${other.split('.').slice(0, 2).join('.')}.${good.split('.')[2]}`;
    await expectUnauthorized(await call('/profile', forged));
  });

  it('refuses an access token where no scopes are set (the ID token is expected)', async () => {
    await expectUnauthorized(await call('/profile', await sign(accessClaims('pets/read'))));
  });

  it('checks the access token scope against the method authorizationScopes', async () => {
    const ok = await call('/pets', await sign(accessClaims('openid pets/read')));
    expect(ok.status).toBe(200);
    const event = await ok.json();
    expect(event.requestContext.authorizer.claims).toMatchObject({
      scope: 'openid pets/read',
      token_use: 'access',
      client_id: 'client123',
    });
    await expectUnauthorized(await call('/pets', await sign(accessClaims('openid pets/write'))));
    await expectUnauthorized(await call('/pets', await sign(accessClaims(''))));
  });

  it('refuses an ID token on a method with scopes', async () => {
    await expectUnauthorized(await call('/pets', await sign(idClaims({ scope: 'pets/read' }))));
  });
});

import { CreateRestApiCommand, PutMethodCommand, PutIntegrationCommand } from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { ECHO_HANDLER, apigwClient, buildApi, deploy, fnUri, invokeUrl } from './helpers.js';

const ALICE = {
  accessKeyId: 'AKIAOVERCASTALICE01',
  secretAccessKey: 'alice-real-secret',
  account: '111122223333',
  userName: 'alice',
};
const ROOT = { ...TEST_CREDENTIALS, account: '000000000000' };

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

/** An API whose `/pets` (GET, POST) and `/open` (GET) call the echo function; `/pets` is AWS_IAM. */
async function iamApi(client: APIGatewayClient): Promise<string> {
  const proxy = { type: 'AWS_PROXY' as const, integrationHttpMethod: 'POST', uri: fnUri('echo') };
  const built = await buildApi(client, 'iam-api', [
    { path: '/pets', method: 'GET', integration: proxy, method_: { authorizationType: 'AWS_IAM' } },
    { path: '/open', method: 'GET', integration: proxy },
  ]);
  const petsId = built.ids['/pets']!;
  await client.send(
    new PutMethodCommand({
      restApiId: built.apiId,
      resourceId: petsId,
      httpMethod: 'POST',
      authorizationType: 'AWS_IAM',
    }),
  );
  await client.send(
    new PutIntegrationCommand({ restApiId: built.apiId, resourceId: petsId, httpMethod: 'POST', ...proxy }),
  );
  await deploy(client, built.apiId, 'test');
  return built.apiId;
}

function makeSigned(server: () => TestServer) {
  return async function signed(
    path: string,
    opts: {
      method?: string;
      body?: string;
      query?: Record<string, string>;
      creds?: Creds;
      service?: string;
      region?: string;
      signingDate?: Date;
      tamper?: (r: { path: string; query: string; body: string | undefined; headers: Record<string, string> }) => void;
    } = {},
  ): Promise<Response> {
    const url = new URL(server().endpoint);
    const signer = new SignatureV4({
      service: opts.service ?? 'execute-api',
      region: opts.region ?? 'us-east-1',
      credentials: opts.creds ?? ALICE,
      sha256: Hash.bind(null, 'sha256'),
    });
    const method = opts.method ?? 'GET';
    const req = await signer.sign(
      {
        method,
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path,
        query: opts.query ?? {},
        headers: { host: url.host, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(opts.body !== undefined ? { body: opts.body } : {}),
      },
      opts.signingDate ? { signingDate: opts.signingDate } : {},
    );
    const headers = { ...(req.headers as Record<string, string>) };
    delete headers['host'];
    const r = {
      path,
      query: opts.query ? new URLSearchParams(opts.query).toString() : '',
      body: opts.body,
      headers,
    };
    opts.tamper?.(r);
    return fetch(`${server().endpoint}${r.path}${r.query ? `?${r.query}` : ''}`, {
      method,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
    });
  };
}

async function errorOf(res: Response): Promise<{ status: number; type: string | null; body: unknown }> {
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: await res.json() };
}

describe('AWS_IAM methods, --auth enforce', () => {
  let server: TestServer;
  let client: APIGatewayClient;
  let lambda: LambdaClient;
  let apiId: string;
  const clock = new ManualClock(Date.now());
  const signed = makeSigned(() => server);
  const base = () => `/_aws/execute-api/${apiId}/test`;

  beforeAll(async () => {
    server = await startTestServer({ auth: 'enforce', credentials: [ALICE, ROOT] }, { clock });
    client = apigwClient(server.endpoint);
    lambda = lambdaClient(server.endpoint);
    await createNodeFunction(lambda, 'echo', { 'index.js': ECHO_HANDLER });
    apiId = await iamApi(client);
  }, 60_000);
  afterAll(async () => {
    client.destroy();
    lambda.destroy();
    await server.stop();
  });

  it('passes an SDK-signed request and fills requestContext.identity for the IAM user', async () => {
    clock.set(Date.now());
    const res = await signed(`${base()}/pets`, { query: { color: 'brown', q: 'a b' } });
    expect(res.status).toBe(200);
    const event = await res.json();
    expect(event.queryStringParameters).toEqual({ color: 'brown', q: 'a b' });
    expect(event.requestContext.identity).toMatchObject({
      accessKey: ALICE.accessKeyId,
      accountId: '111122223333',
      caller: ALICE.accessKeyId,
      user: ALICE.accessKeyId,
      userArn: 'arn:aws:iam::111122223333:user/alice',
      cognitoIdentityId: null,
      sourceIp: '127.0.0.1',
    });
  });

  it('fills the root identity for a key without a user name', async () => {
    clock.set(Date.now());
    const res = await signed(`${base()}/pets`, { creds: ROOT });
    expect(res.status).toBe(200);
    const event = await res.json();
    expect(event.requestContext.identity).toMatchObject({
      accessKey: ROOT.accessKeyId,
      accountId: '000000000000',
      caller: '000000000000',
      user: '000000000000',
      userArn: 'arn:aws:iam::000000000000:root',
    });
  });

  it('verifies the payload hash of a signed body', async () => {
    clock.set(Date.now());
    const ok = await signed(`${base()}/pets`, { method: 'POST', body: '{"name":"rex"}' });
    expect(ok.status).toBe(200);
    expect((await ok.json()).body).toBe('{"name":"rex"}');
    const bad = await signed(`${base()}/pets`, {
      method: 'POST',
      body: '{"name":"rex"}',
      tamper: (r) => (r.body = '{"name":"max"}'),
    });
    const err = await errorOf(bad);
    expect(err.status).toBe(403);
    expect(err.type).toBe('InvalidSignatureException');
    const message = (err.body as { message: string }).message;
    expect(message.startsWith(`${MISMATCH}\n\nThe Canonical String for this request should have been\n'POST\n`)).toBe(
      true,
    );
    // AWS quotes the canonical request it computed: the body it received hashes to the last line.
    const bodyHash = createHash('sha256').update('{"name":"max"}').digest('hex');
    expect(message).toContain(`${bodyHash}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n`);
    expect(message.endsWith(`/us-east-1/execute-api/aws4_request\n${message.slice(-66, -2)}'\n`)).toBe(true);
  });

  it('rejects a tampered path or query string', async () => {
    clock.set(Date.now());
    const path = await signed(`${base()}/pets`, { tamper: (r) => (r.path = `${base()}/pets/`) });
    expect(path.status).toBe(403);
    const query = await signed(`${base()}/pets`, {
      query: { color: 'brown' },
      tamper: (r) => (r.query = 'color=black'),
    });
    const err = await errorOf(query);
    expect(err.status).toBe(403);
    expect(err.type).toBe('InvalidSignatureException');
    expect((err.body as { message: string }).message).toContain(
      `\n/_aws/execute-api/${apiId}/test/pets\ncolor=black\n`,
    );
  });

  it('rejects a wrong secret with the exact message, quoting the canonical request', async () => {
    clock.set(Date.now());
    const res = await signed(`${base()}/pets`, { creds: { accessKeyId: ALICE.accessKeyId, secretAccessKey: 'wrong' } });
    const err = await errorOf(res);
    expect(err.status).toBe(403);
    expect(err.type).toBe('InvalidSignatureException');
    const message = (err.body as { message: string }).message;
    expect(message).toMatch(
      new RegExp(
        `^${MISMATCH.replace(/[.?]/g, '\\$&')}\\n\\nThe Canonical String for this request should have been\\n'GET\\n/_aws/execute-api/${apiId}/test/pets\\n\\nhost:127\\.0\\.0\\.1:\\d+\\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\\nx-amz-date:\\d{8}T\\d{6}Z\\n\\nhost;x-amz-content-sha256;x-amz-date\\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\\n\\nThe String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n\\d{8}T\\d{6}Z\\n\\d{8}/us-east-1/execute-api/aws4_request\\n[0-9a-f]{64}'\\n$`,
      ),
    );
  });

  it('rejects an unknown access key', async () => {
    clock.set(Date.now());
    const res = await signed(`${base()}/pets`, { creds: { accessKeyId: 'AKIAUNKNOWNKEY', secretAccessKey: 'x' } });
    expect(await errorOf(res)).toEqual({
      status: 403,
      type: 'AccessDeniedException',
      body: { message: 'The security token included in the request is invalid.' },
    });
  });

  it('answers Missing Authentication Token without a signature', async () => {
    const res = await fetch(`${server.endpoint}${base()}/pets`);
    expect(await errorOf(res)).toEqual({
      status: 403,
      type: 'MissingAuthenticationTokenException',
      body: { message: 'Missing Authentication Token' },
    });
    // Methods without AWS_IAM need none.
    expect((await fetch(`${server.endpoint}${base()}/open`)).status).toBe(200);
  });

  it('rejects a signature older than 15 minutes', async () => {
    const signedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
    clock.set(signedAt + 20 * 60 * 1000);
    const res = await signed(`${base()}/pets`, { signingDate: new Date(signedAt) });
    expect(await errorOf(res)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: {
        message:
          'Signature expired: 20260102T030405Z is now earlier than 20260102T030905Z (20260102T032405Z - 15 min.)',
      },
    });
    clock.set(Date.now());
  });

  it('rejects a credential scoped to another service or region', async () => {
    clock.set(Date.now());
    const service = await errorOf(await signed(`${base()}/pets`, { service: 'apigateway' }));
    expect(service).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { message: "Credential should be scoped to correct service: 'execute-api'. " },
    });
    const region = await errorOf(await signed(`${base()}/pets`, { region: 'eu-west-1' }));
    expect(region).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { message: "Credential should be scoped to a valid region, not 'eu-west-1'. " },
    });
  });

  it('accepts a presigned URL and rejects it once tampered', async () => {
    clock.set(Date.now());
    const url = new URL(server.endpoint);
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'us-east-1',
      credentials: ALICE,
      sha256: Hash.bind(null, 'sha256'),
    });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: `${base()}/pets`,
        query: { color: 'brown' },
        headers: { host: url.host },
      },
      { expiresIn: 300 },
    );
    const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const ok = await fetch(`${server.endpoint}${base()}/pets?${qs}`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).requestContext.identity.userArn).toBe('arn:aws:iam::111122223333:user/alice');
    const bad = await fetch(`${server.endpoint}${base()}/pets?${qs.replace('color=brown', 'color=black')}`);
    expect(bad.status).toBe(403);
    expect(bad.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('refuses a bearer token on an IAM method', async () => {
    const value = 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln';
    const res = await fetch(`${server.endpoint}${base()}/pets`, { headers: { Authorization: value } });
    const digest = createHash('sha256').update(value).digest('base64');
    expect(await errorOf(res)).toEqual({
      status: 403,
      type: 'IncompleteSignatureException',
      body: {
        message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest}'.`,
      },
    });
  });
});

describe('AWS_IAM methods, --auth accept', () => {
  let server: TestServer;
  let client: APIGatewayClient;
  let lambda: LambdaClient;
  let apiId: string;
  const signed = makeSigned(() => server);

  beforeAll(async () => {
    server = await startTestServer();
    client = apigwClient(server.endpoint);
    lambda = lambdaClient(server.endpoint);
    await createNodeFunction(lambda, 'echo', { 'index.js': ECHO_HANDLER });
    apiId = await iamApi(client);
  }, 60_000);
  afterAll(async () => {
    client.destroy();
    lambda.destroy();
    await server.stop();
  });

  it('accepts any well-formed signature, with the key account as the caller', async () => {
    const res = await signed(invokeUrl('', apiId, 'test', '/pets'), {
      creds: { accessKeyId: '123456789012', secretAccessKey: 'anything' },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).requestContext.identity).toMatchObject({
      accessKey: '123456789012',
      accountId: '123456789012',
      userArn: 'arn:aws:iam::123456789012:root',
    });
  });

  it('still refuses missing and malformed signatures', async () => {
    const url = `${server.endpoint}${invokeUrl('', apiId, 'test', '/pets')}`;
    expect((await errorOf(await fetch(url))).type).toBe('MissingAuthenticationTokenException');
    const res = await fetch(url, {
      headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request' },
    });
    const err = await errorOf(res);
    expect(err.status).toBe(403);
    expect(err.type).toBe('IncompleteSignatureException');
    expect((err.body as { message: string }).message).toMatch(/^Authorization header requires 'Signature' parameter\./);
  });

  it('leaves CreateRestApi and other control-plane calls alone', async () => {
    await expect(client.send(new CreateRestApiCommand({ name: 'still-works' }))).resolves.toBeDefined();
  });
});

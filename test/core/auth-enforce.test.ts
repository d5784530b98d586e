import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const KEY = {
  accessKeyId: 'AKIAOVERCASTENFORCE',
  secretAccessKey: 'the-real-secret',
  account: '111122223333',
  userName: 'alice',
};

describe('--auth enforce', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    server = await startTestServer({ auth: 'enforce', credentials: [KEY] }, { clock });
  });
  afterAll(() => server.stop());

  const ddb = (accessKeyId: string, secretAccessKey: string) =>
    new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });

  it('accepts a correctly signed request and scopes it to the key account', async () => {
    clock.set(Date.now());
    await expect(ddb(KEY.accessKeyId, KEY.secretAccessKey).send(new ListTablesCommand({}))).resolves.toBeDefined();
    const sts = new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe('111122223333');
    expect(me.Arn).toBe('arn:aws:iam::111122223333:user/alice');
  });

  it('rejects a wrong secret with InvalidSignatureException', async () => {
    clock.set(Date.now());
    const err = await errorOf(ddb(KEY.accessKeyId, 'wrong').send(new ListTablesCommand({})));
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    clock.set(Date.now());
    const err = await errorOf(ddb('AKIAUNKNOWN', 'x').send(new ListTablesCommand({})));
    expect(err.name).toBe('UnrecognizedClientException');
    expect(err.message).toBe('The security token included in the request is invalid.');
  });

  it('rejects an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('rejects a signature older than 15 minutes (clock skew)', async () => {
    clock.set(Date.now() + 20 * 60 * 1000);
    const err = await errorOf(ddb(KEY.accessKeyId, KEY.secretAccessKey).send(new ListTablesCommand({})));
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
  });

  it('accepts a presigned URL and rejects a tampered one', async () => {
    clock.set(Date.now());
    const signer = new SignatureV4({
      service: 'sts',
      region: 'us-east-1',
      credentials: KEY,
      sha256: Hash.bind(null, 'sha256'),
    });
    const url = new URL(server.endpoint);
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: url.host },
      },
      { expiresIn: 300 },
    );
    const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const ok = await fetch(`${server.endpoint}/?${qs}`);
    expect(await ok.clone().text()).toContain('Account');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<Account>111122223333</Account>');
    const bad = await fetch(`${server.endpoint}/?${qs.replace('GetCallerIdentity', 'GetCallerIdentitx')}`);
    expect(bad.status).toBe(400);
  });
});

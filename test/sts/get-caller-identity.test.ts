import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

describe('STS GetCallerIdentity', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('answers with the default account for a non-numeric access key', async () => {
    const out = await server.sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('000000000000');
    expect(out.Arn).toBe('arn:aws:iam::000000000000:root');
    expect(out.UserId).toBe('000000000000');
  });

  it('derives the account from a 12-digit access key', async () => {
    const sts = new STSClient({
      endpoint: server.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' },
    });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('123456789012');
    expect(out.Arn).toBe('arn:aws:iam::123456789012:root');
  });

  it.skipIf(!hasAwsCli)('works from the AWS CLI v2', async () => {
    const out = await aws(server.endpoint, ['sts', 'get-caller-identity']);
    expect(out.Account).toBe('000000000000');
  });
});

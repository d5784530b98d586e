import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ auth: 'enforce', credentials: [{ ...TEST_CREDENTIALS, account: '123456789012' }] });
});
afterAll(async () => server?.stop());

describe('with --auth enforce', () => {
  it('provisions resources as the caller (its key, its account)', async () => {
    const cfn = cfnClient(server.endpoint);
    await cfn.send(
      new CreateStackCommand({
        StackName: 'enforced',
        TemplateBody: `Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
Outputs:
  Name: { Value: !Ref T }
`,
      }),
    );
    const s = await waitStack(cfn, 'enforced');
    expect(s.StackStatus, (await eventLines(cfn, 'enforced', true)).join('\n')).toBe('CREATE_COMPLETE');
    expect(s.StackId).toContain(':123456789012:stack/enforced/');
    const t = await server.ddb.send(new DescribeTableCommand({ TableName: s.Outputs![0]!.OutputValue }));
    expect(t.Table?.TableArn).toContain(':123456789012:table/enforced-T-');
  });
});

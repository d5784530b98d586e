import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
let cfn: CloudFormationClient;
beforeAll(async () => {
  server = await startTestServer();
  cfn = cfnClient(server.endpoint);
});
afterAll(async () => {
  await server?.stop();
});

const template = (billing: string, extra: string, gsiThroughput: string) => `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: cfn-updates
      ${billing}
      ${extra}
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: g, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      GlobalSecondaryIndexes:
        - IndexName: byG
          KeySchema: [{ AttributeName: g, KeyType: HASH }]
          Projection: { ProjectionType: ALL }
          ${gsiThroughput}
      LocalSecondaryIndexes: []
`;

describe('AWS::DynamoDB::Table updates', () => {
  it('splits one template change into the UpdateTable calls DynamoDB takes one at a time', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'ddb-updates',
        TemplateBody: template('BillingMode: PAY_PER_REQUEST', '', ''),
      }),
    );
    let s = await waitStack(cfn, 'ddb-updates');
    expect(s.StackStatus, (await eventLines(cfn, 'ddb-updates', true)).join('\n')).toBe('CREATE_COMPLETE');
    // On-demand to provisioned (the GSI's throughput goes with it), deletion protection and the
    // table class: DynamoDB refuses any two of these in one call.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'ddb-updates',
        TemplateBody: template(
          'BillingMode: PROVISIONED\n      ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 }',
          'DeletionProtectionEnabled: false\n      TableClass: STANDARD_INFREQUENT_ACCESS',
          'ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 }',
        ),
      }),
    );
    s = await waitStack(cfn, 'ddb-updates');
    expect(s.StackStatus, (await eventLines(cfn, 'ddb-updates', true)).join('\n')).toBe('UPDATE_COMPLETE');
    const { Table } = await server.ddb.send(new DescribeTableCommand({ TableName: 'cfn-updates' }));
    expect(Table!.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 3, WriteCapacityUnits: 4 });
    expect(Table!.GlobalSecondaryIndexes![0]!.ProvisionedThroughput).toMatchObject({
      ReadCapacityUnits: 5,
      WriteCapacityUnits: 6,
    });
    expect(Table!.TableClassSummary?.TableClass).toBe('STANDARD_INFREQUENT_ACCESS');
    expect(Table!.DeletionProtectionEnabled).toBe(false);
  });
});

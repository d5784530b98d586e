import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeContributorInsightsCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
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

/** A table with one GSI; the two ContributorInsightsSpecification values are YAML flow maps (or empty). */
const tableTemplate = (table: string, gsi: string) => `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: cfn-insights
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: g, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      ${table ? `ContributorInsightsSpecification: ${table}` : ''}
      GlobalSecondaryIndexes:
        - IndexName: byG
          KeySchema: [{ AttributeName: g, KeyType: HASH }]
          Projection: { ProjectionType: KEYS_ONLY }
          ${gsi ? `ContributorInsightsSpecification: ${gsi}` : ''}
`;

describe('Contributor Insights from templates', () => {
  const insights = async (TableName: string, IndexName?: string) => {
    const out = await server.ddb.send(new DescribeContributorInsightsCommand({ TableName, IndexName }));
    return [out.ContributorInsightsStatus, out.ContributorInsightsMode];
  };

  it('applies AWS::DynamoDB::Table ContributorInsightsSpecification (table and GSI) on create and update', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'ci-table',
        TemplateBody: tableTemplate('{ Enabled: true, Mode: THROTTLED_KEYS }', '{ Enabled: true }'),
      }),
    );
    let s = await waitStack(cfn, 'ci-table');
    expect(s.StackStatus, (await eventLines(cfn, 'ci-table', true)).join('\n')).toBe('CREATE_COMPLETE');
    expect(await insights('cfn-insights')).toEqual(['ENABLED', 'THROTTLED_KEYS']);
    expect(await insights('cfn-insights', 'byG')).toEqual(['ENABLED', 'ACCESSED_AND_THROTTLED_KEYS']);

    // The table's turned off and the GSI's mode changed; nothing else about the table changes.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'ci-table',
        TemplateBody: tableTemplate('{ Enabled: false }', '{ Enabled: true, Mode: THROTTLED_KEYS }'),
      }),
    );
    s = await waitStack(cfn, 'ci-table');
    expect(s.StackStatus, (await eventLines(cfn, 'ci-table', true)).join('\n')).toBe('UPDATE_COMPLETE');
    expect(await insights('cfn-insights')).toEqual(['DISABLED', 'THROTTLED_KEYS']);
    expect(await insights('cfn-insights', 'byG')).toEqual(['ENABLED', 'THROTTLED_KEYS']);

    // Removing the specifications turns insights off.
    await cfn.send(new UpdateStackCommand({ StackName: 'ci-table', TemplateBody: tableTemplate('', '') }));
    s = await waitStack(cfn, 'ci-table');
    expect(s.StackStatus, (await eventLines(cfn, 'ci-table', true)).join('\n')).toBe('UPDATE_COMPLETE');
    expect((await insights('cfn-insights', 'byG'))[0]).toBe('DISABLED');
  });

  it("takes AWS::DynamoDB::GlobalTable's per-replica settings", async () => {
    const template = `
Resources:
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: cfn-global-insights
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: g, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      GlobalSecondaryIndexes:
        - IndexName: byG
          KeySchema: [{ AttributeName: g, KeyType: HASH }]
          Projection: { ProjectionType: ALL }
      Replicas:
        - Region: us-east-1
          ContributorInsightsSpecification: { Enabled: true }
          GlobalSecondaryIndexes:
            - IndexName: byG
              ContributorInsightsSpecification: { Enabled: true, Mode: THROTTLED_KEYS }
`;
    await cfn.send(new CreateStackCommand({ StackName: 'ci-global', TemplateBody: template }));
    const s = await waitStack(cfn, 'ci-global');
    expect(s.StackStatus, (await eventLines(cfn, 'ci-global', true)).join('\n')).toBe('CREATE_COMPLETE');
    expect(await insights('cfn-global-insights')).toEqual(['ENABLED', 'ACCESSED_AND_THROTTLED_KEYS']);
    expect(await insights('cfn-global-insights', 'byG')).toEqual(['ENABLED', 'THROTTLED_KEYS']);
  });
});

const updatesTemplate = (billing: string, extra: string, gsiThroughput: string) => `
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
        TemplateBody: updatesTemplate(
          'BillingMode: PAY_PER_REQUEST\n      OnDemandThroughput: { MaxReadRequestUnits: 40 }',
          '',
          '',
        ),
      }),
    );
    let s = await waitStack(cfn, 'ddb-updates');
    expect(s.StackStatus, (await eventLines(cfn, 'ddb-updates', true)).join('\n')).toBe('CREATE_COMPLETE');
    const created = await server.ddb.send(new DescribeTableCommand({ TableName: 'cfn-updates' }));
    expect(created.Table!.OnDemandThroughput).toEqual({ MaxReadRequestUnits: 40 });
    // On-demand to provisioned (the GSI's throughput goes with it), deletion protection and the
    // table class: DynamoDB refuses any two of these in one call.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'ddb-updates',
        TemplateBody: updatesTemplate(
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
    // Warm for the most it was ever provisioned: it was on-demand before.
    expect(Table!.WarmThroughput).toMatchObject({ ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000 });
  });
});

describe('AWS::DynamoDB::Table throughput in templates', () => {
  it('sends throughput only when it changes (DynamoDB refuses one that "will not change")', async () => {
    const table = (billing: string) => `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: cfn-same-throughput
      ${billing}
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 }
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
`;
    await cfn.send(new CreateStackCommand({ StackName: 'ddb-same', TemplateBody: table('') }));
    expect((await waitStack(cfn, 'ddb-same')).StackStatus).toBe('CREATE_COMPLETE');
    // Naming the default billing mode changes nothing DynamoDB has.
    await cfn.send(new UpdateStackCommand({ StackName: 'ddb-same', TemplateBody: table('BillingMode: PROVISIONED') }));
    const s = await waitStack(cfn, 'ddb-same');
    expect(s.StackStatus, (await eventLines(cfn, 'ddb-same', true)).join('\n')).toBe('UPDATE_COMPLETE');
  });
});

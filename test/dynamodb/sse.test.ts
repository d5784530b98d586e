import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  RestoreTableFromBackupCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { SSESpecification } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { ACCOUNT, createTable, expectError, keyedTable, REGION } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from '../cloudformation/helpers.js';

const P = 'One or more parameter values were invalid: ';
const KEY_ARN = new RegExp(
  `^arn:aws:kms:${REGION}:${ACCOUNT}:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`,
);

describe('DynamoDB encryption at rest (SSESpecification)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });
  const create = async (name: string, SSESpecification?: SSESpecification) => {
    await createTable(server.ddb, { ...keyedTable(name), ...(SSESpecification ? { SSESpecification } : {}) });
    return (await server.ddb.send(new DescribeTableCommand({ TableName: name }))).Table!.SSEDescription;
  };

  it("shows no SSEDescription for the AWS-owned default, and the account's aws/dynamodb key for KMS", async () => {
    expect(await create('sse-none')).toBeUndefined();
    expect(await create('sse-empty', {})).toBeUndefined();
    expect(await create('sse-off', { Enabled: false })).toBeUndefined();
    const managed = await create('sse-on', { Enabled: true });
    expect(managed).toEqual({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: expect.stringMatching(KEY_ARN) });
    // SSEType alone enables it; alias/aws/dynamodb is the same key.
    expect(await create('sse-type', { SSEType: 'KMS' })).toEqual(managed);
    expect(await create('sse-alias', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/aws/dynamodb' })).toEqual(
      managed,
    );
    const cmk = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect((await create('sse-cmk', { SSEType: 'KMS', KMSMasterKeyId: cmk }))!.KMSMasterKeyArn).toBe(cmk);
    expect(
      (await create('sse-keyid', { SSEType: 'KMS', KMSMasterKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }))!
        .KMSMasterKeyArn,
    ).toBe(cmk);
    // The CreateTable answer has it too.
    const out = await server.ddb.send(
      new CreateTableCommand({ ...keyedTable('sse-answer'), SSESpecification: { Enabled: true } }),
    );
    expect(out.TableDescription!.SSEDescription).toEqual(managed);
  });

  it("refuses AWS's invalid specifications", async () => {
    const refused = [
      [{ Enabled: false, SSEType: 'KMS' }, 'SSEType can not be specified if Enabled is false'],
      [{ Enabled: false, KMSMasterKeyId: 'alias/x' }, 'KMSMasterKeyId can not be specified if Enabled is false'],
      [{ Enabled: true, SSEType: 'AES256' }, 'SSEType AES256 is not supported'],
      [{ Enabled: true, KMSMasterKeyId: 'alias/x' }, 'SSEType KMS is required if KMSMasterKeyId is specified'],
    ] as const;
    for (const [spec, message] of refused) {
      await expectError(
        server.ddb.send(
          new CreateTableCommand({ ...keyedTable('sse-bad'), SSESpecification: spec as SSESpecification }),
        ),
        'ValidationException',
        `${P}${message}`,
      );
    }
  });

  it('UpdateTable turns a KMS key on and off; off again is already the default', async () => {
    await create('sse-update');
    const on = await server.ddb.send(
      new UpdateTableCommand({ TableName: 'sse-update', SSESpecification: { Enabled: true } }),
    );
    expect(on.TableDescription!.SSEDescription!.Status).toBe('ENABLED');
    await server.ddb.send(new UpdateTableCommand({ TableName: 'sse-update', SSESpecification: { Enabled: false } }));
    const { Table } = await server.ddb.send(new DescribeTableCommand({ TableName: 'sse-update' }));
    expect(Table!.SSEDescription).toBeUndefined();
    await expectError(
      server.ddb.send(new UpdateTableCommand({ TableName: 'sse-update', SSESpecification: { Enabled: false } })),
      'ValidationException',
      `${P}Table is already encrypted by default`,
    );
  });

  it('a restore keeps the source table’s key unless SSESpecificationOverride names another', async () => {
    const key = await create('sse-source', { Enabled: true });
    const { BackupDetails } = await server.ddb.send(
      new CreateBackupCommand({ TableName: 'sse-source', BackupName: 'sse-backup' }),
    );
    const restore = async (TargetTableName: string, SSESpecificationOverride?: SSESpecification) => {
      const out = await server.ddb.send(
        new RestoreTableFromBackupCommand({
          BackupArn: BackupDetails!.BackupArn,
          TargetTableName,
          ...(SSESpecificationOverride ? { SSESpecificationOverride } : {}),
        }),
      );
      return out.TableDescription!.SSEDescription;
    };
    expect(await restore('sse-restored')).toEqual(key);
    const described = await server.ddb.send(new DescribeBackupCommand({ BackupArn: BackupDetails!.BackupArn }));
    expect(described.BackupDescription!.SourceTableFeatureDetails!.SSEDescription).toEqual(key);
    expect(await restore('sse-restored-off', { Enabled: false })).toBeUndefined();
  });

  it('applies a template’s SSESpecification', async () => {
    const cfn = cfnClient(server.endpoint);
    const template = `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: sse-cfn
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      SSESpecification: { SSEEnabled: true }
`;
    await cfn.send(new CreateStackCommand({ StackName: 'sse-cfn', TemplateBody: template }));
    const s = await waitStack(cfn, 'sse-cfn');
    expect(s.StackStatus, (await eventLines(cfn, 'sse-cfn', true)).join('\n')).toBe('CREATE_COMPLETE');
    const { Table } = await server.ddb.send(new DescribeTableCommand({ TableName: 'sse-cfn' }));
    expect(Table!.SSEDescription?.SSEType).toBe('KMS');
    cfn.destroy();
  });
});

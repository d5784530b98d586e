import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createTable, expectError, keyedTable, S } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const P = 'One or more parameter values were invalid: ';

/** hash `pk`, range `sk`; GSIs gsi1 (g1) and gsi2 (g2), LSI lsi1 (pk + l). */
function indexed(name: string, billing: 'PAY_PER_REQUEST' | 'PROVISIONED'): CreateTableCommandInput {
  const pt =
    billing === 'PROVISIONED' ? { ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } } : {};
  return {
    TableName: name,
    BillingMode: billing,
    ...pt,
    AttributeDefinitions: ['pk', 'sk', 'g1', 'g2', 'l'].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: ['g1', 'g2'].map((a, i) => ({
      IndexName: `gsi${i + 1}`,
      KeySchema: [{ AttributeName: a, KeyType: 'HASH' as const }],
      Projection: { ProjectionType: 'ALL' as const },
      ...pt,
    })),
    LocalSecondaryIndexes: [
      {
        IndexName: 'lsi1',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'l', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

describe('UpdateTable and CreateTable: the rules AWS enforces', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, indexed('rules-ppr', 'PAY_PER_REQUEST'));
    await createTable(server.ddb, indexed('rules-prov', 'PROVISIONED'));
  });
  afterAll(async () => {
    await server.stop();
  });
  const update = (input: Omit<UpdateTableCommandInput, 'TableName'>, TableName = 'rules-ppr') =>
    server.ddb.send(new UpdateTableCommand({ TableName, ...input }));
  const describeTable = async (TableName: string) =>
    (await server.ddb.send(new DescribeTableCommand({ TableName }))).Table!;

  it('a refused UpdateTable changes nothing: an index it would delete keeps its items', async () => {
    await server.ddb.send(new PutItemCommand({ TableName: 'rules-ppr', Item: { pk: S('a'), sk: S('1'), g1: S('x') } }));
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gsi1' } }, { Update: { IndexName: 'ghost' } }] }),
      'ResourceNotFoundException',
      'Requested resource not found: Index ghost for table rules-ppr',
    );
    const out = await server.ddb.send(
      new QueryCommand({
        TableName: 'rules-ppr',
        IndexName: 'gsi1',
        KeyConditionExpression: 'g1 = :x',
        ExpressionAttributeValues: { ':x': S('x') },
      }),
    );
    expect(out.Count).toBe(1);
    expect((await describeTable('rules-ppr')).GlobalSecondaryIndexes!.map((g) => g.IndexName).sort()).toEqual([
      'gsi1',
      'gsi2',
    ]);
  });

  it('checks the request before the table: something to change, the index update entries', async () => {
    const atLeastOne =
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required';
    await expectError(update({}, 'rules-missing'), 'ValidationException', atLeastOne);
    await expectError(update({ GlobalSecondaryIndexUpdates: [] }), 'ValidationException', atLeastOne);
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [], BillingMode: 'PAY_PER_REQUEST' }),
      'ValidationException',
      `${P}List of GlobalSecondaryIndexUpdates is empty`,
    );
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [{}] }, 'rules-missing'),
      'ValidationException',
      `${P}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
    );
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'gsi1' }, Delete: { IndexName: 'gsi1' } }] }),
      'ValidationException',
      `${P}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`,
    );
    await expectError(
      update({
        GlobalSecondaryIndexUpdates: [
          { Delete: { IndexName: 'gsi1' } },
          {
            Create: {
              IndexName: 'gsi1',
              KeySchema: [{ AttributeName: 'g1', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
      'ValidationException',
      `${P}Only one global secondary index update per index is allowed simultaneously. Index: gsi1`,
    );
  });

  it('takes one kind of change per call', async () => {
    await expectError(
      update({
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
      'ValidationException',
      `${P}DeletionProtection modification must be the only operation in the request`,
    );
    await expectError(
      update({ TableClass: 'STANDARD_INFREQUENT_ACCESS', DeletionProtectionEnabled: true }),
      'ValidationException',
      `${P}TableClass modification must be the only operation in the request`,
    );
    await expectError(
      update({ SSESpecification: { Enabled: true }, TableClass: 'STANDARD' }),
      'ValidationException',
      `${P}Server-Side Encryption modification must be the only operation in the request`,
    );
    await expectError(
      update(
        {
          ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 },
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gsi2' } }],
        },
        'rules-prov',
      ),
      'ValidationException',
      `${P}You cannot create or delete index while updating table IOPS`,
    );
    // Nothing was applied.
    const t = await describeTable('rules-ppr');
    expect(t.DeletionProtectionEnabled).toBe(false);
    expect(t.TableClassSummary).toBeUndefined();
    expect((await describeTable('rules-prov')).GlobalSecondaryIndexes).toHaveLength(2);
  });

  it('keeps PAY_PER_REQUEST throughput rules, and a switch to PROVISIONED names every GSI', async () => {
    await expectError(
      update({ ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
      'ValidationException',
      `${P}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
    await expectError(
      update({
        GlobalSecondaryIndexUpdates: [
          { Update: { IndexName: 'gsi1', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } },
        ],
      }),
      'ValidationException',
      `${P}The only Updates for index: gsi1 when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`,
    );
    await expectError(
      update({ BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
      'ValidationException',
      `${P}ProvisionedThroughput must be specified for index: gsi1`,
    );
    await expectError(
      update({ BillingMode: 'PROVISIONED' }),
      'ValidationException',
      `${P}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`,
    );
    const pt = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
    await createTable(server.ddb, indexed('rules-switch', 'PAY_PER_REQUEST'));
    const out = await update(
      {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: pt,
        GlobalSecondaryIndexUpdates: ['gsi1', 'gsi2'].map((IndexName) => ({
          Update: { IndexName, ProvisionedThroughput: pt },
        })),
      },
      'rules-switch',
    );
    expect(out.TableDescription!.BillingModeSummary?.BillingMode).toBe('PROVISIONED');
    const t = await describeTable('rules-switch');
    expect(t.GlobalSecondaryIndexes!.map((g) => g.ProvisionedThroughput!.ReadCapacityUnits)).toEqual([5, 5]);
    // The same throughput again will not change anything: AWS refuses it.
    await expectError(
      update(
        { GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'gsi1', ProvisionedThroughput: pt } }] },
        'rules-switch',
      ),
      'ValidationException',
      /^The provisioned throughput for the index gsi1 will not change\. The requested value equals the current value\. Current ReadCapacityUnits provisioned for index gsi1: 5\. Requested ReadCapacityUnits: 5\./,
    );
  });

  it('answers index names that are local, unknown or taken as AWS does, and keeps the 20-GSI limit', async () => {
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'lsi1' } }] }),
      'ValidationException',
      'Cannot delete an index that is not a GlobalSecondaryIndex: lsi1',
    );
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'lsi1' } }] }),
      'ValidationException',
      'Cannot update an index that is not a GlobalSecondaryIndex: lsi1',
    );
    await expectError(
      update({ GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'ghost' } }] }),
      'ResourceNotFoundException',
      'Requested resource not found: Index ghost for table rules-ppr',
    );
    const createIndex = (IndexName: string, attribute = 'g1', withDefinitions = true) =>
      update({
        ...(withDefinitions ? { AttributeDefinitions: [{ AttributeName: attribute, AttributeType: 'S' }] } : {}),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName,
              KeySchema: [{ AttributeName: attribute, KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
          },
        ],
      });
    for (const taken of ['gsi1', 'lsi1'])
      await expectError(
        createIndex(taken),
        'ValidationException',
        'Attempting to create an index which already exists',
      );
    await expectError(
      createIndex('fresh', 'g1', false),
      'ValidationException',
      `${P}AttributeDefinitions is not specified for index: fresh`,
    );
    for (let i = 3; i <= 20; i++) await createIndex(`gsi${i}`, `a${i}`);
    expect((await describeTable('rules-ppr')).GlobalSecondaryIndexes).toHaveLength(20);
    await expectError(
      createIndex('gsi21', 'a21'),
      'LimitExceededException',
      'Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20',
    );
  });

  it('CreateTable refuses empty index lists and repeated attribute definitions', async () => {
    await expectError(
      server.ddb.send(new CreateTableCommand({ ...keyedTable('rules-empty', 'S', 'S'), GlobalSecondaryIndexes: [] })),
      'ValidationException',
      `${P}List of GlobalSecondaryIndexes is empty`,
    );
    await expectError(
      server.ddb.send(new CreateTableCommand({ ...keyedTable('rules-empty', 'S', 'S'), LocalSecondaryIndexes: [] })),
      'ValidationException',
      `${P}List of LocalSecondaryIndexes is empty`,
    );
    const twice = keyedTable('rules-twice');
    twice.AttributeDefinitions = [...twice.AttributeDefinitions!, { AttributeName: 'pk', AttributeType: 'N' }];
    await expectError(
      server.ddb.send(new CreateTableCommand(twice)),
      'ValidationException',
      'Attribute Name is duplicated: pk',
    );
  });

  it('words key schema and projection errors as AWS does', async () => {
    const base = keyedTable('rules-keys', 'S', 'S');
    const sameName = { ...base, KeySchema: [base.KeySchema![0]!, { AttributeName: 'pk', KeyType: 'RANGE' as const }] };
    await expectError(
      server.ddb.send(new CreateTableCommand(sameName)),
      'ValidationException',
      'Both the Hash Key and the Range Key element in the KeySchema have the same name',
    );
    const withGsi = (KeySchema: any, Projection: any) =>
      server.ddb.send(
        new CreateTableCommand({
          ...base,
          AttributeDefinitions: [...base.AttributeDefinitions!, { AttributeName: 'g', AttributeType: 'S' }],
          GlobalSecondaryIndexes: [{ IndexName: 'gs1', KeySchema, Projection }],
        }),
      );
    await expectError(
      withGsi(
        [
          { AttributeName: 'g', KeyType: 'RANGE' },
          { AttributeName: 'pk', KeyType: 'HASH' },
        ],
        { ProjectionType: 'ALL' },
      ),
      'ValidationException',
      'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
    );
    await expectError(
      withGsi([{ AttributeName: 'g', KeyType: 'HASH' }], {}),
      'ValidationException',
      `${P}Unknown ProjectionType: null`,
    );
    await expectError(
      withGsi([{ AttributeName: 'g', KeyType: 'HASH' }], { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x', 'x'] }),
      'ValidationException',
      `${P}Duplicate element in NonKeyAttributes: x`,
    );
  });

  it('keeps only the definitions of keys in use, and a table class only once it changes', async () => {
    await createTable(server.ddb, indexed('rules-defs', 'PAY_PER_REQUEST'));
    // A definition of an attribute the table has, with another type, is ignored; an unused one is not kept.
    await update(
      {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'N' },
          { AttributeName: 'unused', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gsi2' } }],
      },
      'rules-defs',
    );
    let t = await describeTable('rules-defs');
    expect(t.AttributeDefinitions!.map((d) => `${d.AttributeName}:${d.AttributeType}`).sort()).toEqual([
      'g1:S',
      'l:S',
      'pk:S',
      'sk:S',
    ]);
    // STANDARD is what a table without a class has: nothing to show.
    await update({ TableClass: 'STANDARD' }, 'rules-defs');
    expect((await describeTable('rules-defs')).TableClassSummary).toBeUndefined();
    await update({ TableClass: 'STANDARD_INFREQUENT_ACCESS' }, 'rules-defs');
    t = await describeTable('rules-defs');
    expect(t.TableClassSummary).toEqual({
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      LastUpdateDateTime: expect.any(Date),
    });
  });
});

describe('UpdateTable and DeleteTable while a change is in flight', () => {
  const DELAY = 1_000;
  const clock = new ManualClock(Date.UTC(2026, 9, 8, 12, 0, 0));
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dynamodb: { tableStatusDelayMs: DELAY } }, { clock });
  });
  afterAll(async () => {
    await server.stop();
  });
  const IN_USE = 'Attempt to change a resource which is still in use: ';
  const create = async (input: CreateTableCommandInput) => {
    await server.ddb.send(new CreateTableCommand(input));
    clock.advance(DELAY);
  };
  const update = (TableName: string, input: Omit<UpdateTableCommandInput, 'TableName'>) =>
    server.ddb.send(new UpdateTableCommand({ TableName, ...input }));
  const drop = (TableName: string) => server.ddb.send(new DeleteTableCommand({ TableName }));
  const pt = (n: number) => ({ ReadCapacityUnits: n, WriteCapacityUnits: n });

  it('refuses what AWS refuses until the change is done', async () => {
    await create({ ...keyedTable('busy-iops'), BillingMode: 'PROVISIONED', ProvisionedThroughput: pt(1) });
    await update('busy-iops', { ProvisionedThroughput: pt(2) });
    await expectError(
      update('busy-iops', { ProvisionedThroughput: pt(3) }),
      'ResourceInUseException',
      `${IN_USE}Table IOPS are currently being updated. Table: busy-iops`,
    );
    await expectError(
      update('busy-iops', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
      'ResourceInUseException',
      `${IN_USE}Can't enable or disable stream while table IOPS are being updated. Table: busy-iops`,
    );
    await expectError(
      drop('busy-iops'),
      'ResourceInUseException',
      `${IN_USE}Table: busy-iops is in the process of being updated.`,
    );
    // Deletion protection is admitted meanwhile; once the change is done, the rest is too.
    await update('busy-iops', { DeletionProtectionEnabled: false });
    clock.advance(DELAY);
    await update('busy-iops', { ProvisionedThroughput: pt(3) });

    await create(keyedTable('busy-stream'));
    await update('busy-stream', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
    await expectError(
      drop('busy-stream'),
      'ResourceInUseException',
      `${IN_USE}Cannot delete table while stream is being enabled/disabled.`,
    );
    clock.advance(DELAY);
    await drop('busy-stream');

    await create(keyedTable('busy-class'));
    await update('busy-class', { TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    await expectError(
      update('busy-class', { TableClass: 'STANDARD' }),
      'ResourceInUseException',
      `${IN_USE}Can't update table class when a table class update is in progress. Table: busy-class TableClassUpdateInProgress: STANDARD_INFREQUENT_ACCESS`,
    );
  });

  it('while an index is being created', async () => {
    await create({
      ...keyedTable('busy-gsi'),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: pt(1),
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    });
    const createIndex = (IndexName: string, attribute: string) =>
      update('busy-gsi', {
        AttributeDefinitions: [{ AttributeName: attribute, AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName,
              KeySchema: [{ AttributeName: attribute, KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
              ProvisionedThroughput: pt(1),
            },
          },
        ],
      });
    await createIndex('gsi2', 'g2');
    await expectError(
      update('busy-gsi', { ProvisionedThroughput: pt(2) }),
      'ResourceInUseException',
      `${IN_USE}Can't change table IOPS when an index is being created. Table: busy-gsi Indexes: [gsi2]`,
    );
    await expectError(
      createIndex('gsi3', 'g3'),
      'LimitExceededException',
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
    await expectError(
      drop('busy-gsi'),
      'ResourceInUseException',
      `${IN_USE}Cannot delete table while indexes are being created, updated, or deleted.`,
    );
    clock.advance(DELAY);
    await createIndex('gsi3', 'g3');
  });
});

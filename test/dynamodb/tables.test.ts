import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, FAST_WAITER, keyedTable, putAll, queryAll, S, tableArn } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

/** Tables stay CREATING/UPDATING/DELETING this long, so the lifecycle is observable. */
const STATUS_DELAY_MS = 250;

describe('DynamoDB table lifecycle', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dynamodb: { tableStatusDelayMs: STATUS_DELAY_MS } });
  });
  afterAll(() => server.stop());

  const describeTable = async (name: string): Promise<TableDescription> =>
    (await server.ddb.send(new DescribeTableCommand({ TableName: name }))).Table!;

  const waitForIndex = async (table: string, index: string, status: string | undefined) => {
    for (let i = 0; i < 200; i++) {
      const t = await describeTable(table);
      const gsi = t.GlobalSecondaryIndexes?.find((g) => g.IndexName === index);
      if ((gsi?.IndexStatus ?? undefined) === status && t.TableStatus === 'ACTIVE') return t;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`index ${index} never reached ${status ?? 'gone'}`);
  };

  it('CreateTable answers CREATING, the SDK waiter sees ACTIVE, DescribeTable has every field', async () => {
    const name = 'lifecycle-basic';
    const before = Date.now();
    const created = await server.ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      }),
    );
    const td = created.TableDescription!;
    expect(td.TableStatus).toBe('CREATING');
    expect(td.TableName).toBe(name);
    expect(td.TableArn).toBe(tableArn(name));
    // DescribeTable works while the table is CREATING (the waiter's "retry" acceptor is that status).
    const createdAt = Date.now();
    const early = await describeTable(name).catch((e: Error) => ({ TableStatus: e.name }));
    // (Only meaningful if the answer came back inside the CREATING window; a loaded machine may miss it.)
    if (Date.now() - createdAt < STATUS_DELAY_MS / 2) expect.soft(early.TableStatus).toBe('CREATING');
    else expect.soft(['CREATING', 'ACTIVE']).toContain(early.TableStatus);

    const waited = await waitUntilTableExists({ client: server.ddb, ...FAST_WAITER }, { TableName: name });
    expect(waited.state).toBe('SUCCESS');

    const t = await describeTable(name);
    expect(t).toMatchObject({
      TableName: name,
      TableStatus: 'ACTIVE',
      TableArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ItemCount: 0,
      TableSizeBytes: 0,
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7, NumberOfDecreasesToday: 0 },
    });
    expect(t.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ]),
    );
    expect(t.AttributeDefinitions).toHaveLength(2);
    expect(t.TableId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(t.CreationDateTime).toBeInstanceOf(Date);
    expect(t.CreationDateTime!.getTime()).toBeGreaterThanOrEqual(before - 2000);
    expect(t.CreationDateTime!.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    expect(t.DeletionProtectionEnabled).toBe(false);
  });

  it('a PAY_PER_REQUEST table reports its billing mode and zero provisioned throughput', async () => {
    const name = 'lifecycle-ondemand';
    await createTable(server.ddb, keyedTable(name));
    const t = await describeTable(name);
    expect(t.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(t.ProvisionedThroughput).toMatchObject({
      ReadCapacityUnits: 0,
      WriteCapacityUnits: 0,
      NumberOfDecreasesToday: 0,
    });
  });

  it('describes secondary indexes with their ARNs, key schemas, projections and status', async () => {
    const name = 'lifecycle-indexes';
    await createTable(server.ddb, {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gk', AttributeType: 'S' },
        { AttributeName: 'lk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'gk', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byL',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'lk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    const t = await describeTable(name);
    expect(t.GlobalSecondaryIndexes).toHaveLength(1);
    expect(t.GlobalSecondaryIndexes![0]).toMatchObject({
      IndexName: 'byG',
      IndexStatus: 'ACTIVE',
      IndexArn: `${tableArn(name)}/index/byG`,
      KeySchema: [{ AttributeName: 'gk', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
      ItemCount: 0,
      IndexSizeBytes: 0,
    });
    expect(t.LocalSecondaryIndexes).toHaveLength(1);
    expect(t.LocalSecondaryIndexes![0]).toMatchObject({
      IndexName: 'byL',
      IndexArn: `${tableArn(name)}/index/byL`,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'lk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
    expect(t.LocalSecondaryIndexes![0]).not.toHaveProperty('IndexStatus');
  });

  it('CreateTable of an existing name is ResourceInUseException', async () => {
    await createTable(server.ddb, keyedTable('lifecycle-dup'));
    await expectError(
      server.ddb.send(new CreateTableCommand(keyedTable('lifecycle-dup'))),
      'ResourceInUseException',
      'Table already exists: lifecycle-dup',
    );
  });

  it('rejects invalid table definitions with AWS messages', async () => {
    await expectError(
      server.ddb.send(new CreateTableCommand({ ...keyedTable('ab') })),
      'ValidationException',
      "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
    await expectError(
      server.ddb.send(
        new CreateTableCommand({
          TableName: 'lifecycle-bad-type',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'X' as 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    );
    await expectError(
      server.ddb.send(
        new CreateTableCommand({
          TableName: 'lifecycle-lsi-no-range',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'l', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          LocalSecondaryIndexes: [
            {
              IndexName: 'lsi1',
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'l', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      ),
      'ValidationException',
      'One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex',
    );
    await expectError(
      server.ddb.send(
        new CreateTableCommand({
          TableName: 'lifecycle-extra-def',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'unused', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      ),
      'ValidationException',
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    );
  });

  it('ListTables pages with Limit and ExclusiveStartTableName in name order', async () => {
    // A separate server so only this test's tables are listed.
    const own = await startTestServer();
    try {
      const names = ['lt-echo', 'lt-alpha', 'lt-delta', 'lt-charlie', 'lt-bravo'];
      for (const n of names) await own.ddb.send(new CreateTableCommand(keyedTable(n)));
      const sorted = [...names].sort();

      const all = await own.ddb.send(new ListTablesCommand({}));
      expect(all.TableNames).toEqual(sorted);
      expect(all.LastEvaluatedTableName).toBeUndefined();

      const pages: string[][] = [];
      let start: string | undefined;
      do {
        const page = await own.ddb.send(
          new ListTablesCommand({ Limit: 2, ...(start ? { ExclusiveStartTableName: start } : {}) }),
        );
        pages.push(page.TableNames ?? []);
        start = page.LastEvaluatedTableName;
        if (start) expect(start).toBe(page.TableNames![page.TableNames!.length - 1]);
      } while (start);
      expect(pages.slice(0, 3)).toEqual([sorted.slice(0, 2), sorted.slice(2, 4), sorted.slice(4)]);
      expect(pages.flat()).toEqual(sorted);

      // ExclusiveStartTableName need not be an existing table: listing continues after it.
      const after = await own.ddb.send(new ListTablesCommand({ ExclusiveStartTableName: 'lt-c' }));
      expect(after.TableNames).toEqual(['lt-charlie', 'lt-delta', 'lt-echo']);

      // The SDK paginator drives the same protocol.
      const { paginateListTables } = await import('@aws-sdk/client-dynamodb');
      const viaPaginator: string[] = [];
      for await (const page of paginateListTables({ client: own.ddb, pageSize: 3 }, {}))
        viaPaginator.push(...(page.TableNames ?? []));
      expect(viaPaginator).toEqual(sorted);
    } finally {
      await own.stop();
    }
  });

  it('ListTables validates Limit', async () => {
    await expectError(
      server.ddb.send(new ListTablesCommand({ Limit: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await expectError(
      server.ddb.send(new ListTablesCommand({ Limit: 101 })),
      'ValidationException',
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });

  it('UpdateTable changes provisioned throughput (UPDATING → ACTIVE)', async () => {
    const name = 'lifecycle-throughput';
    await createTable(server.ddb, {
      ...keyedTable(name),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    const out = await server.ddb.send(
      new UpdateTableCommand({
        TableName: name,
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 20 },
      }),
    );
    expect(out.TableDescription!.TableStatus).toBe('UPDATING');
    await waitUntilTableExists({ client: server.ddb, ...FAST_WAITER }, { TableName: name });
    const t = await describeTable(name);
    expect(t.TableStatus).toBe('ACTIVE');
    expect(t.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 10, WriteCapacityUnits: 20 });
    expect(t.ProvisionedThroughput!.LastIncreaseDateTime).toBeInstanceOf(Date);
  });

  it('UpdateTable with the current throughput is a ValidationException', async () => {
    const name = 'lifecycle-same-throughput';
    await createTable(server.ddb, {
      ...keyedTable(name),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    await expectError(
      server.ddb.send(
        new UpdateTableCommand({
          TableName: name,
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        }),
      ),
      'ValidationException',
      'The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
    );
  });

  it('UpdateTable switches billing mode both ways', async () => {
    const name = 'lifecycle-billing';
    await createTable(server.ddb, {
      ...keyedTable(name),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
    });
    await server.ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' }));
    await waitUntilTableExists({ client: server.ddb, ...FAST_WAITER }, { TableName: name });
    let t = await describeTable(name);
    expect(t.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(t.BillingModeSummary?.LastUpdateToPayPerRequestDateTime).toBeInstanceOf(Date);
    expect(t.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 0, WriteCapacityUnits: 0 });

    await server.ddb.send(
      new UpdateTableCommand({
        TableName: name,
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 8, WriteCapacityUnits: 9 },
      }),
    );
    await waitUntilTableExists({ client: server.ddb, ...FAST_WAITER }, { TableName: name });
    t = await describeTable(name);
    expect(t.BillingModeSummary?.BillingMode).toBe('PROVISIONED');
    expect(t.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 8, WriteCapacityUnits: 9 });
  });

  it('UpdateTable creates a GSI that backfills existing items, then deletes it', async () => {
    const name = 'lifecycle-gsi';
    await createTable(server.ddb, keyedTable(name));
    await putAll(
      server.ddb,
      name,
      Array.from({ length: 30 }, (_, i) => ({
        pk: S(`item-${i}`),
        ...(i % 3 === 0 ? {} : { color: S(i % 3 === 1 ? 'red' : 'blue') }),
        n: { N: String(i) },
      })),
    );

    const out = await server.ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'color', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'byColor',
              KeySchema: [{ AttributeName: 'color', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    const creating = out.TableDescription!.GlobalSecondaryIndexes!.find((g) => g.IndexName === 'byColor')!;
    expect(creating.IndexStatus).toBe('CREATING');
    expect(creating.Backfilling).toBe(true);
    expect(out.TableDescription!.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'color', AttributeType: 'S' },
      ]),
    );

    await waitForIndex(name, 'byColor', 'ACTIVE');
    const red = await queryAll(server.ddb, {
      TableName: name,
      IndexName: 'byColor',
      KeyConditionExpression: 'color = :c',
      ExpressionAttributeValues: { ':c': S('red') },
    });
    expect(red.items.map((i) => i['pk']!.S).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => i)
        .filter((i) => i % 3 === 1)
        .map((i) => `item-${i}`)
        .sort(),
    );
    // New writes are indexed too.
    await server.ddb.send(new PutItemCommand({ TableName: name, Item: { pk: S('late'), color: S('red') } }));
    const red2 = await queryAll(server.ddb, {
      TableName: name,
      IndexName: 'byColor',
      KeyConditionExpression: 'color = :c',
      ExpressionAttributeValues: { ':c': S('red') },
    });
    expect(red2.items).toHaveLength(red.items.length + 1);

    const del = await server.ddb.send(
      new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byColor' } }] }),
    );
    // AWS answers with the index still listed, IndexStatus DELETING (TableStatus UPDATING).
    expect
      .soft(del.TableDescription!.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'byColor')?.IndexStatus)
      .toBe('DELETING');
    await waitForIndex(name, 'byColor', undefined);
    await expectError(
      server.ddb.send(
        new QueryCommand({
          TableName: name,
          IndexName: 'byColor',
          KeyConditionExpression: 'color = :c',
          ExpressionAttributeValues: { ':c': S('red') },
        }),
      ),
      'ValidationException',
      'The table does not have the specified index: byColor',
    );
  });

  it('DeleteTable answers DELETING, then the table is gone', async () => {
    const name = 'lifecycle-delete';
    await createTable(server.ddb, keyedTable(name));
    const out = await server.ddb.send(new DeleteTableCommand({ TableName: name }));
    expect(out.TableDescription).toMatchObject({ TableName: name, TableStatus: 'DELETING', TableArn: tableArn(name) });
    const waited = await waitUntilTableNotExists({ client: server.ddb, ...FAST_WAITER }, { TableName: name });
    expect(waited.state).toBe('SUCCESS');
    await expectError(
      server.ddb.send(new DescribeTableCommand({ TableName: name })),
      'ResourceNotFoundException',
      `Requested resource not found: Table: ${name} not found`,
    );
    const list = await server.ddb.send(new ListTablesCommand({}));
    expect(list.TableNames).not.toContain(name);
    // The name can be reused.
    await createTable(server.ddb, keyedTable(name));
  });

  it('operations on a missing table are ResourceNotFoundException', async () => {
    await expectError(
      server.ddb.send(new DeleteTableCommand({ TableName: 'no-such-table' })),
      'ResourceNotFoundException',
      'Requested resource not found: Table: no-such-table not found',
    );
    await expectError(
      server.ddb.send(new UpdateTableCommand({ TableName: 'no-such-table', BillingMode: 'PAY_PER_REQUEST' })),
      'ResourceNotFoundException',
      'Requested resource not found: Table: no-such-table not found',
    );
    await expectError(
      server.ddb.send(new PutItemCommand({ TableName: 'no-such-table', Item: { pk: S('x') } })),
      'ResourceNotFoundException',
      'Requested resource not found',
    );
  });
});

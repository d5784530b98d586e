import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, GetItemCommand, PutItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const TABLE_MESSAGE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';

async function provisioned(ddb: DynamoDBClient, name: string, read: number, write: number, gsiWrite?: number) {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        ...(gsiWrite !== undefined ? [{ AttributeName: 'g', AttributeType: 'S' as const }] : []),
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write },
      ...(gsiWrite !== undefined
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'byG',
                KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'KEYS_ONLY' },
                ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: gsiWrite },
              },
            ],
          }
        : {}),
    }),
  );
}

/** Writes small items until one is throttled; returns how many were accepted. */
async function writeUntilThrottled(
  ddb: DynamoDBClient,
  table: string,
  limit: number,
  extra: Record<string, { S: string }> = {},
) {
  for (let i = 0; i < limit; i++) {
    try {
      await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: `k${i}` }, ...extra } }));
    } catch (err) {
      return { accepted: i, err: err as Error };
    }
  }
  return { accepted: limit, err: undefined };
}

describe('DynamoDB capacity enforcement (token buckets, 300 s burst, injected clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27));
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dynamodb: { onDemandWriteCeiling: 50 } }, { clock });
  });
  afterAll(() => server.stop());

  it('a 1-WCU table accepts its 300 s of burst, then throttles until the bucket refills', async () => {
    await provisioned(server.ddb, 'one-wcu', 5, 1);
    const { accepted, err } = await writeUntilThrottled(server.ddb, 'one-wcu', 400);
    expect(accepted).toBe(300);
    expect(err?.name).toBe('ProvisionedThroughputExceededException');
    expect(err?.message).toBe(TABLE_MESSAGE);
    clock.advance(2_000); // two seconds at 1 WCU: two more 1 KB writes
    expect((await writeUntilThrottled(server.ddb, 'one-wcu', 10)).accepted).toBe(2);
    // Reads have their own bucket.
    const read = await server.ddb.send(new GetItemCommand({ TableName: 'one-wcu', Key: { id: { S: 'k1' } } }));
    expect(read.Item).toBeDefined();
    // Raising the provisioned rate refills faster.
    await server.ddb.send(
      new UpdateTableCommand({
        TableName: 'one-wcu',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 10 },
      }),
    );
    clock.advance(1_000);
    expect((await writeUntilThrottled(server.ddb, 'one-wcu', 50)).accepted).toBe(10);
  });

  it('an item larger than 1 KB costs more units', async () => {
    await provisioned(server.ddb, 'big-items', 5, 1);
    const big = 'x'.repeat(10 * 1024 - 20); // ~10 KB: 10 WCU each
    const { accepted } = await writeUntilThrottled(server.ddb, 'big-items', 100, { payload: { S: big } });
    expect(accepted).toBe(30);
  });

  it('a global secondary index with too little write capacity throttles the table write', async () => {
    await provisioned(server.ddb, 'thin-gsi', 5, 1000, 1);
    const { accepted, err } = await writeUntilThrottled(server.ddb, 'thin-gsi', 400, { g: { S: 'v' } });
    expect(accepted).toBe(300);
    expect(err?.name).toBe('ProvisionedThroughputExceededException');
    expect(err?.message).toContain('global secondary indexes');
  });

  it('on-demand tables are throttled only above the configured ceiling', async () => {
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'on-demand',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect((await writeUntilThrottled(server.ddb, 'on-demand', 80)).accepted).toBe(50);
    clock.advance(1_000);
    expect((await writeUntilThrottled(server.ddb, 'on-demand', 80)).accepted).toBe(50);
  });

  it('--dynamodb-throttle off never throttles', async () => {
    const off = await startTestServer({ dynamodb: { throttle: false } }, { clock });
    try {
      await provisioned(off.ddb, 'unthrottled', 1, 1);
      expect((await writeUntilThrottled(off.ddb, 'unthrottled', 400)).accepted).toBe(400);
    } finally {
      await off.stop();
    }
  });
});

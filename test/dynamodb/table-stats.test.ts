import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

describe('DescribeTable ItemCount / TableSizeBytes stay current after the first count', () => {
  let server: TestServer;
  const dir = tempDir('overcast-stats-');
  beforeAll(async () => {
    server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'stats',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byG',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(async () => {
    await server.stop();
    dir.cleanup();
  });

  const describeStats = async () => {
    const t = (await server.ddb.send(new DescribeTableCommand({ TableName: 'stats' }))).Table!;
    return {
      count: t.ItemCount,
      bytes: t.TableSizeBytes,
      index: t.GlobalSecondaryIndexes![0]!.ItemCount,
      indexBytes: t.GlobalSecondaryIndexes![0]!.IndexSizeBytes,
    };
  };

  it('counts puts, overwrites, updates and deletes of the table and its index', async () => {
    expect(await describeStats()).toEqual({ count: 0, bytes: 0, index: 0, indexBytes: 0 });
    await server.ddb.send(new PutItemCommand({ TableName: 'stats', Item: { id: { S: 'a' }, g: { S: 'x' } } }));
    await server.ddb.send(new PutItemCommand({ TableName: 'stats', Item: { id: { S: 'b' } } }));
    await server.ddb.send(new PutItemCommand({ TableName: 'stats', Item: { id: { S: 'c' }, v: { S: '12345' } } }));
    const three = await describeStats();
    expect(three).toMatchObject({ count: 3, index: 1 });
    expect(three.bytes).toBeGreaterThan(0);
    await server.ddb.send(new PutItemCommand({ TableName: 'stats', Item: { id: { S: 'c' } } })); // overwrite: 8 → 2
    await server.ddb.send(
      new UpdateItemCommand({
        TableName: 'stats',
        Key: { id: { S: 'b' } },
        UpdateExpression: 'SET g = :g',
        ExpressionAttributeValues: { ':g': { S: 'y' } },
      }),
    );
    await server.ddb.send(new DeleteItemCommand({ TableName: 'stats', Key: { id: { S: 'a' } } }));
    const kept = await describeStats();
    expect(kept).toMatchObject({ count: 2, index: 1 });
    expect(kept.bytes!).toBeLessThan(three.bytes!);
    // A fresh count (a restarted server counts the rows again) agrees with the kept figures.
    await server.stop();
    server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    expect(await describeStats()).toEqual(kept);
  });

  it('counts blind writes (no index, condition or ReturnValues: the write statement answers the old size)', async () => {
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'plain',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const stats = async () => {
      const t = (await server.ddb.send(new DescribeTableCommand({ TableName: 'plain' }))).Table!;
      return { count: t.ItemCount, bytes: t.TableSizeBytes };
    };
    const put = (id: string, v: string) =>
      server.ddb.send(new PutItemCommand({ TableName: 'plain', Item: { id: { S: id }, v: { S: v } } }));
    const del = (id: string) => server.ddb.send(new DeleteItemCommand({ TableName: 'plain', Key: { id: { S: id } } }));
    expect(await stats()).toEqual({ count: 0, bytes: 0 });
    await put('a', 'x'.repeat(100)); // 'id' + 'a' + 'v' + 100 = 104 bytes
    await put('b', 'y');
    expect(await stats()).toEqual({ count: 2, bytes: 104 + 5 });
    await put('a', 'x'); // overwrite: 104 -> 5
    await del('b');
    await del('missing');
    expect(await stats()).toEqual({ count: 1, bytes: 5 });
    await server.ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          plain: [
            { PutRequest: { Item: { id: { S: 'a' }, v: { S: 'z'.repeat(20) } } } }, // overwrite: 5 -> 24
            { PutRequest: { Item: { id: { S: 'c' }, v: { S: 'w' } } } },
            { DeleteRequest: { Key: { id: { S: 'nothing' } } } },
          ],
        },
      }),
    );
    const kept = await stats();
    expect(kept).toEqual({ count: 2, bytes: 24 + 5 });
    await server.stop();
    server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    expect(await stats()).toEqual(kept);
  });
});

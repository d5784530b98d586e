import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'cap-plain';
const G = 'cap-gsi';
const L = 'cap-lsi';
const KB = 1024;

/**
 * An item of exactly `bytes` bytes by DynamoDB's size rules: attribute name lengths plus value sizes
 * (a string's UTF-8 length). `pk` = 2 + len(id), `d` = 1 + padding.
 */
function sized(id: string, bytes: number, extra: Item = {}): Item {
  const extraSize = Object.entries(extra).reduce((n, [k, v]) => n + k.length + (v.S ?? '').length, 0);
  const pad = bytes - (2 + id.length) - 1 - extraSize;
  if (pad < 0) throw new Error('too small');
  return { pk: S(id), d: S('x'.repeat(pad)), ...extra };
}

describe('DynamoDB ConsumedCapacity and ItemCollectionMetrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T));
    await createTable(server.ddb, {
      TableName: G,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    await createTable(server.ddb, {
      TableName: L,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'l', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byL',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'l', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });
  afterAll(() => server.stop());

  const putCap = async (TableName: string, Item: Item) =>
    (await server.ddb.send(new PutItemCommand({ TableName, Item, ReturnConsumedCapacity: 'TOTAL' }))).ConsumedCapacity;
  const getCap = async (pk: string, ConsistentRead: boolean) =>
    (
      await server.ddb.send(
        new GetItemCommand({ TableName: T, Key: { pk: S(pk) }, ConsistentRead, ReturnConsumedCapacity: 'TOTAL' }),
      )
    ).ConsumedCapacity;

  describe('writes: one WCU per started KB', () => {
    it.each([
      [1, 1],
      [KB, 1],
      [KB + 1, 2],
      [1.5 * KB, 2],
      [3 * KB, 3],
      [10 * KB + 1, 11],
    ])('a %d-byte PutItem costs %d WCU', async (bytes, wcu) => {
      const id = `w${bytes}`;
      const item = bytes < 4 ? { pk: S('w') } : sized(id, bytes);
      const cap = await putCap(T, item);
      expect(cap).toMatchObject({ TableName: T, CapacityUnits: wcu });
      // Clean up so later overwrites start from nothing.
      await server.ddb.send(new DeleteItemCommand({ TableName: T, Key: { pk: item['pk']! } }));
    });

    it('PutItem over an existing item costs the larger of the two sizes', async () => {
      await putCap(T, sized('over', 3.5 * KB));
      expect(await putCap(T, sized('over', 100))).toMatchObject({ TableName: T, CapacityUnits: 4 });
      expect(await putCap(T, sized('over', 2 * KB + 10))).toMatchObject({ TableName: T, CapacityUnits: 3 });
    });

    it('UpdateItem costs the larger of the item before and after', async () => {
      await putCap(T, sized('upd', 2.5 * KB));
      const out = await server.ddb.send(
        new UpdateItemCommand({
          TableName: T,
          Key: { pk: S('upd') },
          UpdateExpression: 'REMOVE d',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(out.ConsumedCapacity).toMatchObject({ TableName: T, CapacityUnits: 3 });
      const grow = await server.ddb.send(
        new UpdateItemCommand({
          TableName: T,
          Key: { pk: S('upd') },
          UpdateExpression: 'SET d = :d',
          ExpressionAttributeValues: { ':d': S('y'.repeat(5 * KB)) },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(grow.ConsumedCapacity).toMatchObject({ TableName: T, CapacityUnits: 6 });
    });

    it('DeleteItem costs the deleted item size; deleting nothing costs 1', async () => {
      await putCap(T, sized('del', 4 * KB + 1));
      const out = await server.ddb.send(
        new DeleteItemCommand({ TableName: T, Key: { pk: S('del') }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      expect(out.ConsumedCapacity).toMatchObject({ TableName: T, CapacityUnits: 5 });
      const none = await server.ddb.send(
        new DeleteItemCommand({ TableName: T, Key: { pk: S('del') }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      expect(none.ConsumedCapacity).toMatchObject({ TableName: T, CapacityUnits: 1 });
    });

    it('a failed conditional write still consumes capacity and reports it', async () => {
      await putCap(T, sized('ccf', 100));
      const err = await expectError(
        server.ddb.send(
          new PutItemCommand({
            TableName: T,
            Item: { pk: S('ccf') },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
        'ConditionalCheckFailedException',
      );
      expect(err.name).toBe('ConditionalCheckFailedException');
    });

    it('no ConsumedCapacity without ReturnConsumedCapacity or with NONE', async () => {
      const a = await server.ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('none') } }));
      expect(a.ConsumedCapacity).toBeUndefined();
      const b = await server.ddb.send(
        new PutItemCommand({ TableName: T, Item: { pk: S('none') }, ReturnConsumedCapacity: 'NONE' }),
      );
      expect(b.ConsumedCapacity).toBeUndefined();
      await expectError(
        server.ddb.send(
          new PutItemCommand({ TableName: T, Item: { pk: S('none') }, ReturnConsumedCapacity: 'ALL' as 'TOTAL' }),
        ),
        'ValidationException',
        "1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
      );
    });
  });

  describe('reads: 4 KB units, eventually consistent reads cost half', () => {
    beforeAll(async () => {
      await putCap(T, sized('r5k', 5 * KB));
      await putCap(T, sized('r4k', 4 * KB));
      await putCap(T, sized('r9k', 9 * KB));
    });

    it('a 5 KB strongly consistent GetItem costs 2 RCU, eventually consistent 1', async () => {
      expect(await getCap('r5k', true)).toMatchObject({ TableName: T, CapacityUnits: 2 });
      expect(await getCap('r5k', false)).toMatchObject({ TableName: T, CapacityUnits: 1 });
    });

    it('exactly 4 KB is one unit; 9 KB eventually consistent is 1.5', async () => {
      expect(await getCap('r4k', true)).toMatchObject({ TableName: T, CapacityUnits: 1 });
      expect(await getCap('r4k', false)).toMatchObject({ TableName: T, CapacityUnits: 0.5 });
      expect(await getCap('r9k', true)).toMatchObject({ TableName: T, CapacityUnits: 3 });
      expect(await getCap('r9k', false)).toMatchObject({ TableName: T, CapacityUnits: 1.5 });
    });

    it('a GetItem that finds nothing still costs the minimum', async () => {
      expect(await getCap('absent', true)).toMatchObject({ TableName: T, CapacityUnits: 1 });
      expect(await getCap('absent', false)).toMatchObject({ TableName: T, CapacityUnits: 0.5 });
    });

    it('Query and Scan add item sizes before rounding up to 4 KB', async () => {
      const Q = 'cap-query';
      await createTable(server.ddb, keyedTable(Q, 'S', 'N'));
      for (let i = 0; i < 3; i++) {
        await server.ddb.send(
          new PutItemCommand({ TableName: Q, Item: { pk: S('p'), sk: N(i), d: S('x'.repeat(2 * KB - 10)) } }),
        );
      }
      // Each item: pk(2+1) + sk(2 + 1 byte number... rounded) + d(1 + 2038) ≈ 2 KB; three items ≈ 6 KB → 2 units.
      const q = await server.ddb.send(
        new QueryCommand({
          TableName: Q,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(q.ConsumedCapacity).toMatchObject({ TableName: Q, CapacityUnits: 2 });
      const qe = await server.ddb.send(
        new QueryCommand({
          TableName: Q,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(qe.ConsumedCapacity).toMatchObject({ TableName: Q, CapacityUnits: 1 });
      const s = await server.ddb.send(
        new ScanCommand({ TableName: Q, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
      );
      expect(s.ConsumedCapacity).toMatchObject({ TableName: Q, CapacityUnits: 2 });
      // A filter does not reduce what was read; Select COUNT neither.
      const f = await server.ddb.send(
        new QueryCommand({
          TableName: Q,
          KeyConditionExpression: 'pk = :p',
          FilterExpression: 'd = :none',
          ExpressionAttributeValues: { ':p': S('p'), ':none': S('nothing') },
          ConsistentRead: true,
          Select: 'COUNT',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(f.Count).toBe(0);
      expect(f.ScannedCount).toBe(3);
      expect(f.ConsumedCapacity).toMatchObject({ TableName: Q, CapacityUnits: 2 });
      // An empty result still costs the minimum.
      const empty = await server.ddb.send(
        new QueryCommand({
          TableName: Q,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('nothing') },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(empty.ConsumedCapacity).toMatchObject({ TableName: Q, CapacityUnits: 1 });
    });
  });

  describe('batches and transactions', () => {
    it('BatchWriteItem sums per-item WCUs per table', async () => {
      const out = await server.ddb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [T]: [{ PutRequest: { Item: sized('bw1', 1.5 * KB) } }, { PutRequest: { Item: sized('bw2', 100) } }],
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(out.ConsumedCapacity).toMatchObject([{ TableName: T, CapacityUnits: 3 }]);
    });

    it('BatchGetItem rounds each item separately', async () => {
      await putCap(T, sized('bg5k', 5 * KB));
      await putCap(T, sized('bg1', 10));
      const out = await server.ddb.send(
        new BatchGetItemCommand({
          RequestItems: { [T]: { Keys: [{ pk: S('bg5k') }, { pk: S('bg1') }], ConsistentRead: true } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(out.ConsumedCapacity).toMatchObject([{ TableName: T, CapacityUnits: 3 }]);
      const ec = await server.ddb.send(
        new BatchGetItemCommand({
          RequestItems: { [T]: { Keys: [{ pk: S('bg5k') }, { pk: S('bg1') }] } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(ec.ConsumedCapacity).toMatchObject([{ TableName: T, CapacityUnits: 1.5 }]);
    });

    it('transactions cost twice the standard units', async () => {
      const w = await server.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: T, Item: sized('tx1', 1.5 * KB) } },
            { Put: { TableName: T, Item: sized('tx2', 100) } },
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(w.ConsumedCapacity).toMatchObject([{ TableName: T, CapacityUnits: 6 }]);
      const r = await server.ddb.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: T, Key: { pk: S('tx1') } } },
            { Get: { TableName: T, Key: { pk: S('r5k') } } },
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(r.ConsumedCapacity).toMatchObject([{ TableName: T, CapacityUnits: 6 }]);
    });
  });

  describe('INDEXES', () => {
    it('PutItem on a GSI table reports the table and each index it writes', async () => {
      const out = await server.ddb.send(
        new PutItemCommand({
          TableName: G,
          Item: { pk: S('i1'), g: S('G'), d: S('x'.repeat(1.5 * KB)) },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      expect(out.ConsumedCapacity).toMatchObject({
        TableName: G,
        CapacityUnits: 4,
        Table: { CapacityUnits: 2 },
        GlobalSecondaryIndexes: { byG: { CapacityUnits: 2 } },
      });
      // TOTAL folds the index writes into one number.
      const total = await server.ddb.send(
        new PutItemCommand({ TableName: G, Item: { pk: S('i2'), g: S('G') }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      expect(total.ConsumedCapacity).toMatchObject({ TableName: G, CapacityUnits: 2 });
    });

    it('changing an index key costs a delete plus a put in the index', async () => {
      await server.ddb.send(new PutItemCommand({ TableName: G, Item: { pk: S('i3'), g: S('A') } }));
      const out = await server.ddb.send(
        new UpdateItemCommand({
          TableName: G,
          Key: { pk: S('i3') },
          UpdateExpression: 'SET g = :b',
          ExpressionAttributeValues: { ':b': S('B') },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      expect(out.ConsumedCapacity).toMatchObject({
        TableName: G,
        CapacityUnits: 3,
        Table: { CapacityUnits: 1 },
        GlobalSecondaryIndexes: { byG: { CapacityUnits: 2 } },
      });
    });

    it('a GSI query reports the index read', async () => {
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: G,
          IndexName: 'byG',
          KeyConditionExpression: 'g = :g',
          ExpressionAttributeValues: { ':g': S('G') },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      expect(out.Count).toBe(2);
      expect(out.ConsumedCapacity).toMatchObject({
        TableName: G,
        CapacityUnits: 0.5,
        GlobalSecondaryIndexes: { byG: { CapacityUnits: 0.5 } },
      });
    });

    it('PutItem on an LSI table reports the LSI write', async () => {
      const out = await server.ddb.send(
        new PutItemCommand({
          TableName: L,
          Item: { pk: S('a'), sk: S('1'), l: S('x') },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      expect(out.ConsumedCapacity).toMatchObject({
        TableName: L,
        CapacityUnits: 2,
        Table: { CapacityUnits: 1 },
        LocalSecondaryIndexes: { byL: { CapacityUnits: 1 } },
      });
    });
  });

  describe('ItemCollectionMetrics', () => {
    it('writes to a table with an LSI return the item collection key and size estimate', async () => {
      const put = await server.ddb.send(
        new PutItemCommand({
          TableName: L,
          Item: { pk: S('icm'), sk: S('1'), l: S('v') },
          ReturnItemCollectionMetrics: 'SIZE',
        }),
      );
      expect(put.ItemCollectionMetrics).toEqual({ ItemCollectionKey: { pk: S('icm') }, SizeEstimateRangeGB: [0, 1] });
      const upd = await server.ddb.send(
        new UpdateItemCommand({
          TableName: L,
          Key: { pk: S('icm'), sk: S('1') },
          UpdateExpression: 'SET x = :x',
          ExpressionAttributeValues: { ':x': N(1) },
          ReturnItemCollectionMetrics: 'SIZE',
        }),
      );
      expect(upd.ItemCollectionMetrics).toEqual({ ItemCollectionKey: { pk: S('icm') }, SizeEstimateRangeGB: [0, 1] });
      const del = await server.ddb.send(
        new DeleteItemCommand({ TableName: L, Key: { pk: S('icm'), sk: S('1') }, ReturnItemCollectionMetrics: 'SIZE' }),
      );
      expect(del.ItemCollectionMetrics).toEqual({ ItemCollectionKey: { pk: S('icm') }, SizeEstimateRangeGB: [0, 1] });
      const batch = await server.ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [L]: [{ PutRequest: { Item: { pk: S('icm2'), sk: S('1') } } }] },
          ReturnItemCollectionMetrics: 'SIZE',
        }),
      );
      expect(batch.ItemCollectionMetrics).toEqual({
        [L]: [{ ItemCollectionKey: { pk: S('icm2') }, SizeEstimateRangeGB: [0, 1] }],
      });
    });

    it('tables without an LSI return no ItemCollectionMetrics', async () => {
      const out = await server.ddb.send(
        new PutItemCommand({ TableName: T, Item: { pk: S('no-icm') }, ReturnItemCollectionMetrics: 'SIZE' }),
      );
      expect(out.ItemCollectionMetrics).toBeUndefined();
    });
  });
});

import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, N, putAll, queryAll, S, scanAll } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'idx-table';

/** pk/sk table; GSIs on (g, gs) with three projections; LSIs on l with two projections. */
const ITEMS: Item[] = [
  { pk: S('u1'), sk: N(1), g: S('red'), gs: N(30), l: S('c'), a: S('a1'), b: S('b1'), c: S('c1') },
  { pk: S('u1'), sk: N(2), g: S('red'), gs: N(10), l: S('a'), a: S('a2'), b: S('b2') },
  { pk: S('u1'), sk: N(3), g: S('blue'), gs: N(20), l: S('b'), a: S('a3') },
  { pk: S('u2'), sk: N(1), g: S('red'), gs: N(20), a: S('a4'), b: S('b4') },
  // No g: absent from every GSI (sparse). No l: absent from the LSIs.
  { pk: S('u2'), sk: N(2), a: S('a5') },
  { pk: S('u3'), sk: N(1), g: S('green'), l: S('z'), c: S('c6') },
];

const keysOf = (items: Item[]) => items.map((i) => `${i['pk']!.S}#${i['sk']!.N}`);

describe('DynamoDB secondary indexes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, {
      TableName: T,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
        { AttributeName: 'gs', AttributeType: 'N' },
        { AttributeName: 'l', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gAll',
          KeySchema: [
            { AttributeName: 'g', KeyType: 'HASH' },
            { AttributeName: 'gs', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gKeys',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'gInclude',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'lKeys',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'l', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'lInclude',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'l', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['b'] },
        },
      ],
    });
    await putAll(server.ddb, T, ITEMS);
  });
  afterAll(() => server.stop());

  const query = (
    IndexName: string,
    KeyConditionExpression: string,
    values: QueryCommandInput['ExpressionAttributeValues'],
    extra: Partial<QueryCommandInput> = {},
  ) =>
    queryAll(server.ddb, {
      TableName: T,
      IndexName,
      KeyConditionExpression,
      ExpressionAttributeValues: values,
      ...extra,
    });
  const red = { ':g': S('red') };

  describe('GSI projections', () => {
    it('ALL returns whole items, ordered by the index range key', async () => {
      const { items } = await query('gAll', 'g = :g', red);
      expect(items).toEqual([ITEMS[1], ITEMS[3], ITEMS[0]]);
      const back = await query('gAll', 'g = :g AND gs >= :min', { ...red, ':min': N(20) }, { ScanIndexForward: false });
      expect(back.items).toEqual([ITEMS[0], ITEMS[3]]);
    });

    it('KEYS_ONLY returns the table key and the index key only', async () => {
      const { items } = await query('gKeys', 'g = :g', red);
      expect(keysOf(items).sort()).toEqual(['u1#1', 'u1#2', 'u2#1']);
      for (const i of items) expect(Object.keys(i).sort()).toEqual(['g', 'pk', 'sk']);
    });

    it('INCLUDE returns keys plus the named attributes', async () => {
      const { items } = await query('gInclude', 'g = :g', red);
      expect(items).toHaveLength(3);
      for (const i of items) {
        const src = ITEMS.find((x) => x['pk']!.S === i['pk']!.S && x['sk']!.N === i['sk']!.N)!;
        expect(i).toEqual({ pk: src['pk'], sk: src['sk'], g: src['g'], a: src['a'] });
      }
      const projected = await query('gInclude', 'g = :g', red, { Select: 'ALL_PROJECTED_ATTRIBUTES' });
      expect(projected.items).toEqual(items);
    });

    it('Select ALL_ATTRIBUTES on a GSI that does not project ALL is rejected', async () => {
      await expectError(
        server.ddb.send(
          new QueryCommand({
            TableName: T,
            IndexName: 'gKeys',
            KeyConditionExpression: 'g = :g',
            ExpressionAttributeValues: red,
            Select: 'ALL_ATTRIBUTES',
          }),
        ),
        'ValidationException',
        'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index gKeys because its projection type is not ALL',
      );
    });

    it('ConsistentRead is not supported on a GSI', async () => {
      await expectError(
        server.ddb.send(
          new QueryCommand({
            TableName: T,
            IndexName: 'gAll',
            KeyConditionExpression: 'g = :g',
            ExpressionAttributeValues: red,
            ConsistentRead: true,
          }),
        ),
        'ValidationException',
        'Consistent reads are not supported on global secondary indexes',
      );
    });

    it('the key condition must use the index keys', async () => {
      await expectError(
        server.ddb.send(
          new QueryCommand({
            TableName: T,
            IndexName: 'gAll',
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': S('u1') },
          }),
        ),
        'ValidationException',
        'Query condition missed key schema element: g',
      );
    });
  });

  describe('sparse indexes', () => {
    it('items without the index key are not in the index', async () => {
      const scan = await scanAll(server.ddb, { TableName: T, IndexName: 'gKeys' });
      expect(keysOf(scan.items).sort()).toEqual(['u1#1', 'u1#2', 'u1#3', 'u2#1', 'u3#1']);
      // gAll also needs the range key gs: u3#1 has none.
      const all = await scanAll(server.ddb, { TableName: T, IndexName: 'gAll' });
      expect(keysOf(all.items).sort()).toEqual(['u1#1', 'u1#2', 'u1#3', 'u2#1']);
      const lsi = await scanAll(server.ddb, { TableName: T, IndexName: 'lKeys' });
      expect(keysOf(lsi.items).sort()).toEqual(['u1#1', 'u1#2', 'u1#3', 'u3#1']);
    });

    it('index entries follow updates: adding, changing and removing the index key, deleting the item', async () => {
      const T2 = T;
      const k = { pk: S('mv'), sk: N(1) };
      const inGreen = async () => keysOf((await query('gKeys', 'g = :g', { ':g': S('green') })).items).includes('mv#1');
      const inPink = async () => keysOf((await query('gKeys', 'g = :g', { ':g': S('pink') })).items).includes('mv#1');
      await server.ddb.send(new PutItemCommand({ TableName: T2, Item: { ...k } }));
      expect(await inGreen()).toBe(false);
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: T2,
          Key: k,
          UpdateExpression: 'SET g = :g',
          ExpressionAttributeValues: { ':g': S('green') },
        }),
      );
      expect(await inGreen()).toBe(true);
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: T2,
          Key: k,
          UpdateExpression: 'SET g = :g',
          ExpressionAttributeValues: { ':g': S('pink') },
        }),
      );
      expect([await inGreen(), await inPink()]).toEqual([false, true]);
      await server.ddb.send(new UpdateItemCommand({ TableName: T2, Key: k, UpdateExpression: 'REMOVE g' }));
      expect(await inPink()).toBe(false);
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: T2,
          Key: k,
          UpdateExpression: 'SET g = :g',
          ExpressionAttributeValues: { ':g': S('pink') },
        }),
      );
      await server.ddb.send(new DeleteItemCommand({ TableName: T2, Key: k }));
      expect(await inPink()).toBe(false);
    });
  });

  describe('GSI paging', () => {
    it('pages over duplicate index keys with LastEvaluatedKey = index key + table key', async () => {
      const D = 'idx-dupes';
      await createTable(server.ddb, {
        TableName: D,
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
      await putAll(
        server.ddb,
        D,
        Array.from({ length: 23 }, (_, i) => ({ pk: S(`p${i}`), g: S(i % 2 ? 'odd' : 'even') })),
      );
      const first = await server.ddb.send(
        new QueryCommand({
          TableName: D,
          IndexName: 'byG',
          KeyConditionExpression: 'g = :g',
          ExpressionAttributeValues: { ':g': S('even') },
          Limit: 5,
        }),
      );
      expect(Object.keys(first.LastEvaluatedKey!).sort()).toEqual(['g', 'pk']);
      expect(first.LastEvaluatedKey!['g']).toEqual(S('even'));
      const { items } = await queryAll(server.ddb, {
        TableName: D,
        IndexName: 'byG',
        KeyConditionExpression: 'g = :g',
        ExpressionAttributeValues: { ':g': S('even') },
        Limit: 5,
      });
      const pks = items.map((i) => i['pk']!.S!);
      expect(pks).toHaveLength(12);
      expect(new Set(pks).size).toBe(12);
      const scan = await scanAll(server.ddb, { TableName: D, IndexName: 'byG', Limit: 4 });
      expect(new Set(scan.items.map((i) => i['pk']!.S)).size).toBe(23);
    });
  });

  describe('LSIs', () => {
    it('query in LSI order; KEYS_ONLY returns table keys plus the LSI key', async () => {
      const { items } = await query('lKeys', 'pk = :p', { ':p': S('u1') });
      expect(items).toEqual([
        { pk: S('u1'), sk: N(2), l: S('a') },
        { pk: S('u1'), sk: N(3), l: S('b') },
        { pk: S('u1'), sk: N(1), l: S('c') },
      ]);
      const range = await query('lKeys', 'pk = :p AND l BETWEEN :a AND :b', {
        ':p': S('u1'),
        ':a': S('b'),
        ':b': S('c'),
      });
      expect(keysOf(range.items)).toEqual(['u1#3', 'u1#1']);
    });

    it('an LSI can fetch non-projected attributes from the table (ALL_ATTRIBUTES, ProjectionExpression)', async () => {
      const all = await query('lKeys', 'pk = :p', { ':p': S('u1') }, { Select: 'ALL_ATTRIBUTES' });
      expect(all.items).toEqual([ITEMS[1], ITEMS[2], ITEMS[0]]);
      const some = await query(
        'lInclude',
        'pk = :p AND l = :l',
        { ':p': S('u1'), ':l': S('c') },
        { ProjectionExpression: 'b, c' },
      );
      expect(some.items).toEqual([{ b: S('b1'), c: S('c1') }]);
      const projected = await query('lInclude', 'pk = :p', { ':p': S('u1') });
      expect(projected.items).toEqual([
        { pk: S('u1'), sk: N(2), l: S('a'), b: S('b2') },
        { pk: S('u1'), sk: N(3), l: S('b') },
        { pk: S('u1'), sk: N(1), l: S('c'), b: S('b1') },
      ]);
    });

    it('ConsistentRead is allowed on an LSI', async () => {
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: T,
          IndexName: 'lKeys',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('u3') },
          ConsistentRead: true,
        }),
      );
      expect(out.Count).toBe(1);
    });
  });

  describe('index key validation on writes', () => {
    it('rejects a wrongly typed index key', async () => {
      await expectError(
        server.ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('bad'), sk: N(1), g: N(5) } })),
        'ValidationException',
        'One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: gAll',
      );
    });

    it('rejects an empty string index key', async () => {
      await expectError(
        server.ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('bad'), sk: N(1), l: S('') } })),
        'ValidationException',
        'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: lKeys, IndexKey: l',
      );
    });
  });

  it('Scan on a GSI does not support ConsistentRead', async () => {
    await expectError(
      server.ddb.send(new ScanCommand({ TableName: T, IndexName: 'gAll', ConsistentRead: true })),
      'ValidationException',
      'Consistent reads are not supported on global secondary indexes',
    );
  });
});

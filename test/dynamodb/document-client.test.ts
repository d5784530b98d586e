import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  paginateQuery,
  paginateScan,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable } from '../helpers/ddb.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'doc-hash';
const C = 'doc-composite';

describe('lib-dynamodb DynamoDBDocumentClient round trips', () => {
  let server: TestServer;
  let doc: DynamoDBDocumentClient;
  beforeAll(async () => {
    server = await startTestServer();
    doc = server.doc;
    await createTable(server.ddb, keyedTable(T));
    await createTable(server.ddb, keyedTable(C, 'S', 'N'));
  });
  afterAll(() => server.stop());

  /**
   * A document client with its own low-level client: DynamoDBDocumentClient.from() stores its
   * translate options on the shared client config, so two document clients must not share one.
   */
  const ownDocClient = (options: Parameters<typeof DynamoDBDocumentClient.from>[1]) =>
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: server.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
        maxAttempts: 1,
      }),
      options,
    );

  it('plain objects, arrays, Sets, numbers, booleans, null and binaries round-trip', async () => {
    const item = {
      pk: 'plain',
      str: 'héllo 🌍',
      int: 42,
      neg: -7,
      float: 3.25,
      zero: 0,
      bool: true,
      nothing: null,
      bytes: Uint8Array.from([0, 1, 254, 255]),
      list: [1, 'two', { three: [3] }, [], null, false],
      map: { nested: { deeper: { value: 'x' } }, empty: {} },
      strings: new Set(['a', 'b']),
      numbers: new Set([1, 2.5, -3]),
      binaries: new Set([Uint8Array.from([1]), Uint8Array.from([2, 3])]),
      emptyString: '',
    };
    await doc.send(new PutCommand({ TableName: T, Item: item }));
    const { Item } = await doc.send(new GetCommand({ TableName: T, Key: { pk: 'plain' }, ConsistentRead: true }));
    expect(Item).toEqual(item);
    expect(Item!['strings']).toBeInstanceOf(Set);
    expect(Item!['numbers']).toBeInstanceOf(Set);
    // The low-level view shows the wire types the marshaller chose.
    const raw = await server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: { S: 'plain' } } }));
    expect(raw.Item!['numbers']!.NS!.sort()).toEqual(['-3', '1', '2.5']);
    expect(raw.Item!['strings']!.SS!.sort()).toEqual(['a', 'b']);
    expect(raw.Item!['nothing']).toEqual({ NULL: true });
    expect(raw.Item!['list']!.L![2]).toEqual({ M: { three: { L: [{ N: '3' }] } } });
  });

  it('NumberValue and bigint keep 38-digit numbers exact', async () => {
    const c = ownDocClient({ unmarshallOptions: { wrapNumbers: true } });
    const big = '12345678901234567890123456789012345678';
    const tiny = '0.00000000000000000000000000000000000001';
    await c.send(
      new PutCommand({
        TableName: T,
        Item: { pk: 'numbers', big: NumberValue.from(big), tiny: NumberValue.from(tiny), bi: 2n ** 100n },
      }),
    );
    const { Item } = await c.send(new GetCommand({ TableName: T, Key: { pk: 'numbers' } }));
    expect(Item!['big'].toString()).toBe(big);
    expect(Item!['tiny'].toString()).toBe(tiny);
    expect(Item!['bi'].toString()).toBe((2n ** 100n).toString());
    // Without wrapNumbers the default client turns unsafe integers into exact bigints.
    const plain = await doc.send(new GetCommand({ TableName: T, Key: { pk: 'numbers' } }));
    expect(plain.Item!['big']).toBe(BigInt(big));
    expect(plain.Item!['bi']).toBe(2n ** 100n);
  });

  it('UpdateCommand with expressions over native values', async () => {
    await doc.send(new PutCommand({ TableName: T, Item: { pk: 'upd', tags: new Set(['a']), count: 1, list: ['x'] } }));
    const out = await doc.send(
      new UpdateCommand({
        TableName: T,
        Key: { pk: 'upd' },
        UpdateExpression: 'ADD tags :t, #c :one SET #l = list_append(#l, :more), meta = :m REMOVE gone',
        ExpressionAttributeNames: { '#c': 'count', '#l': 'list' },
        ExpressionAttributeValues: {
          ':t': new Set(['b']),
          ':one': 1,
          ':more': ['y', 'z'],
          ':m': { when: 'now', n: [1, 2] },
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(out.Attributes).toEqual({
      pk: 'upd',
      tags: new Set(['a', 'b']),
      count: 2,
      list: ['x', 'y', 'z'],
      meta: { when: 'now', n: [1, 2] },
    });
  });

  it('conditional writes surface ConditionalCheckFailedException with the old item unmarshalled', async () => {
    await doc.send(new PutCommand({ TableName: T, Item: { pk: 'cond', v: 1 } }));
    const err = await expectError(
      doc.send(
        new PutCommand({
          TableName: T,
          Item: { pk: 'cond', v: 2 },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    // The low-level error carries the marshalled item.
    expect(err.Item).toEqual({ pk: { S: 'cond' }, v: { N: '1' } });
    const del = await doc.send(new DeleteCommand({ TableName: T, Key: { pk: 'cond' }, ReturnValues: 'ALL_OLD' }));
    expect(del.Attributes).toEqual({ pk: 'cond', v: 1 });
  });

  it('paginateQuery and paginateScan walk every page', async () => {
    const items = Array.from({ length: 57 }, (_, i) => ({ pk: 'page', sk: i, even: i % 2 === 0 }));
    for (let i = 0; i < items.length; i += 25) {
      await doc.send(
        new BatchWriteCommand({
          RequestItems: { [C]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const seen: number[] = [];
    let pages = 0;
    for await (const page of paginateQuery(
      { client: doc, pageSize: 10 },
      { TableName: C, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'page' } },
    )) {
      pages++;
      for (const i of page.Items ?? []) seen.push(i['sk'] as number);
    }
    expect(seen).toEqual(items.map((i) => i.sk));
    expect(pages).toBeGreaterThanOrEqual(6);
    let scanned = 0;
    for await (const page of paginateScan(
      { client: doc, pageSize: 8 },
      { TableName: C, FilterExpression: 'even = :t', ExpressionAttributeValues: { ':t': true } },
    )) {
      scanned += page.Items?.length ?? 0;
    }
    expect(scanned).toBe(29);
    const q = await doc.send(
      new QueryCommand({
        TableName: C,
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': 'page', ':a': 10, ':b': 12 },
      }),
    );
    expect(q.Items).toEqual([items[10], items[11], items[12]]);
  });

  it('BatchGet, TransactWrite and TransactGet speak native values too', async () => {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: T, Item: { pk: 'tx1', s: new Set(['x']) } } },
          {
            Update: {
              TableName: T,
              Key: { pk: 'tx2' },
              UpdateExpression: 'SET v = :v',
              ExpressionAttributeValues: { ':v': { a: [1] } },
            },
          },
        ],
      }),
    );
    const batch = await doc.send(
      new BatchGetCommand({ RequestItems: { [T]: { Keys: [{ pk: 'tx1' }, { pk: 'tx2' }] } } }),
    );
    expect(batch.Responses![T]!.sort((a, b) => String(a['pk']).localeCompare(String(b['pk'])))).toEqual([
      { pk: 'tx1', s: new Set(['x']) },
      { pk: 'tx2', v: { a: [1] } },
    ]);
    const tg = await doc.send(
      new TransactGetCommand({
        TransactItems: [{ Get: { TableName: T, Key: { pk: 'tx2' } } }, { Get: { TableName: T, Key: { pk: 'zzz' } } }],
      }),
    );
    expect(tg.Responses).toEqual([{ Item: { pk: 'tx2', v: { a: [1] } } }, {}]);
  });

  it('removeUndefinedValues lets callers send objects with undefined members', async () => {
    const c = ownDocClient({ marshallOptions: { removeUndefinedValues: true } });
    await c.send(
      new PutCommand({ TableName: T, Item: { pk: 'undef', a: 1, b: undefined, m: { c: undefined, d: 2 } } }),
    );
    const { Item } = await c.send(new GetCommand({ TableName: T, Key: { pk: 'undef' } }));
    expect(Item).toEqual({ pk: 'undef', a: 1, m: { d: 2 } });
  });
});

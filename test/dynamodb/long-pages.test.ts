import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, N, putAll, queryAll, S, scanAll } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

// One page of a Query or Scan reads storage in chunks of a few hundred rows; where a chunk ends,
// the next one starts after the chunk's last key. These pages span many chunks: a partition of
// 700 items whose numbers are written in non-canonical forms ("7.50", "0010"), a GSI whose sort
// key repeats across items (ties ordered by the table key), and filters that drop most items so
// the page keeps reading.
const T = 'long-pages';
const COUNT = 700;
const num = (i: number) => (i % 3 === 0 ? `${i}.50` : i % 3 === 1 ? `00${i}` : `${i}.5`);
const value = (i: number) => Number(num(i));

describe('DynamoDB Query and Scan pages longer than a storage chunk', () => {
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
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-g',
          KeySchema: [
            { AttributeName: 'g', KeyType: 'HASH' },
            { AttributeName: 'gs', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    const items: Item[] = [];
    for (let i = 0; i < COUNT; i++) {
      // Two partitions of the table; one GSI partition whose sort key takes only 7 values.
      items.push({ pk: S(i % 2 ? 'odd' : 'even'), sk: N(num(i)), g: S('all'), gs: N(i % 7), i: N(i) });
    }
    await putAll(server.ddb, T, items);
  });
  afterAll(() => server.stop());

  const ids = (items: Item[]) => items.map((x) => Number(x['i']!.N));

  it('Query returns the whole partition in key order, both ways, filtered or not', async () => {
    const even = Array.from({ length: COUNT / 2 }, (_, k) => 2 * k).sort((a, b) => value(a) - value(b));
    const fwd = await server.ddb.send(
      new QueryCommand({
        TableName: T,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': S('even') },
      }),
    );
    expect(ids(fwd.Items!)).toEqual(even);
    expect(fwd.LastEvaluatedKey).toBeUndefined();
    const back = await server.ddb.send(
      new QueryCommand({
        TableName: T,
        KeyConditionExpression: 'pk = :p',
        ScanIndexForward: false,
        ExpressionAttributeValues: { ':p': S('even') },
      }),
    );
    expect(ids(back.Items!)).toEqual([...even].reverse());
    const filtered = await server.ddb.send(
      new QueryCommand({
        TableName: T,
        KeyConditionExpression: 'pk = :p AND sk > :lo',
        FilterExpression: 'i > :i',
        ExpressionAttributeValues: { ':p': S('even'), ':lo': N(10), ':i': N(600) },
      }),
    );
    expect(ids(filtered.Items!)).toEqual(even.filter((i) => value(i) > 10 && i > 600));
    expect(filtered.ScannedCount).toBe(even.filter((i) => value(i) > 10).length);
  });

  it('a GSI with repeated sort keys pages through every item once, ties in table-key order', async () => {
    const expected = Array.from({ length: COUNT }, (_, i) => i).sort(
      (a, b) => (a % 7) - (b % 7) || (a % 2) - (b % 2) || value(a) - value(b),
    );
    for (const Limit of [undefined, 299]) {
      const got = await queryAll(server.ddb, {
        TableName: T,
        IndexName: 'by-g',
        KeyConditionExpression: 'g = :g',
        ExpressionAttributeValues: { ':g': S('all') },
        ...(Limit ? { Limit } : {}),
      });
      // KEYS_ONLY: the table key identifies the item.
      const keys = got.items.map((x) => `${x['pk']!.S}/${Number(x['sk']!.N)}`);
      expect(keys).toEqual(expected.map((i) => `${i % 2 ? 'odd' : 'even'}/${value(i)}`));
    }
    const back = await server.ddb.send(
      new QueryCommand({
        TableName: T,
        IndexName: 'by-g',
        KeyConditionExpression: 'g = :g',
        ScanIndexForward: false,
        ExpressionAttributeValues: { ':g': S('all') },
      }),
    );
    expect(back.Items!.map((x) => `${x['pk']!.S}/${Number(x['sk']!.N)}`)).toEqual(
      [...expected].reverse().map((i) => `${i % 2 ? 'odd' : 'even'}/${value(i)}`),
    );
  });

  it('a page shorter than a chunk, read in one statement, has the order of the same items read row by row', async () => {
    // Without Limit a page of fewer than a chunk's items is read as one packed value; with
    // Limit 7 the same items come back row by row. Both ways, by table and by a GSI whose ties
    // (gs = 3 for a hundred items) are ordered by the table key.
    const reads: Omit<QueryCommandInput, 'TableName'>[] = [
      { KeyConditionExpression: 'pk = :p AND sk < :hi', ExpressionAttributeValues: { ':p': S('odd'), ':hi': N(150) } },
      {
        IndexName: 'by-g',
        KeyConditionExpression: 'g = :g AND gs = :v',
        ExpressionAttributeValues: { ':g': S('all'), ':v': N(3) },
      },
    ];
    for (const read of reads) {
      for (const ScanIndexForward of [true, false]) {
        const whole = await server.ddb.send(new QueryCommand({ TableName: T, ScanIndexForward, ...read }));
        expect(whole.LastEvaluatedKey).toBeUndefined();
        expect(whole.Count).toBeGreaterThan(50);
        expect(whole.Count).toBeLessThan(256);
        const paged = await queryAll(server.ddb, { TableName: T, ScanIndexForward, Limit: 7, ...read });
        const keys = (items: Item[]) => items.map((x) => `${x['pk']!.S}/${x['sk']!.N}`);
        expect(keys(whole.Items!)).toEqual(keys(paged.items));
        const sorted = [...keys(paged.items)];
        expect(new Set(sorted).size).toBe(sorted.length);
      }
    }
  });

  it('Scan of the table and of the index sees every item once under a filter that keeps few', async () => {
    const table = await server.ddb.send(
      new ScanCommand({ TableName: T, FilterExpression: 'i >= :i', ExpressionAttributeValues: { ':i': N(690) } }),
    );
    expect(ids(table.Items!).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, k) => 690 + k));
    expect(table.ScannedCount).toBe(COUNT);
    const index = await scanAll(server.ddb, { TableName: T, IndexName: 'by-g', Limit: 333 });
    expect(new Set(index.items.map((x) => `${x['pk']!.S}/${x['sk']!.N}`)).size).toBe(COUNT);
    expect(index.pages).toEqual([333, 333, 34]);
  });
});

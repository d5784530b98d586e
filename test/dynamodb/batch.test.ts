import { BatchGetItemCommand, BatchWriteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, putAll, S } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const A = 'batch-a';
const B = 'batch-b';

describe('DynamoDB BatchGetItem / BatchWriteItem', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(A));
    await createTable(server.ddb, keyedTable(B, 'S', 'N'));
    await putAll(
      server.ddb,
      A,
      Array.from({ length: 120 }, (_, i) => ({ pk: S(`k${i}`), n: N(i), extra: S('x') })),
    );
  });
  afterAll(() => server.stop());

  describe('BatchWriteItem', () => {
    it('puts and deletes across tables in one call', async () => {
      const out = await server.ddb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [A]: [{ PutRequest: { Item: { pk: S('bw-new'), v: N(1) } } }, { DeleteRequest: { Key: { pk: S('k0') } } }],
            [B]: [
              { PutRequest: { Item: { pk: S('p'), sk: N(1) } } },
              { PutRequest: { Item: { pk: S('p'), sk: N(2) } } },
            ],
          },
        }),
      );
      expect(out.UnprocessedItems).toEqual({});
      expect((await server.ddb.send(new GetItemCommand({ TableName: A, Key: { pk: S('bw-new') } }))).Item).toEqual({
        pk: S('bw-new'),
        v: N(1),
      });
      expect((await server.ddb.send(new GetItemCommand({ TableName: A, Key: { pk: S('k0') } }))).Item).toBeUndefined();
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: B, Key: { pk: S('p'), sk: N(2) } }))).Item,
      ).toBeDefined();
      // Deleting an item that is not there is fine.
      await server.ddb.send(
        new BatchWriteItemCommand({ RequestItems: { [A]: [{ DeleteRequest: { Key: { pk: S('never') } } }] } }),
      );
    });

    it('accepts exactly 25 requests and rejects 26', async () => {
      const reqs = (n: number): WriteRequest[] =>
        Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { pk: S(`w25-${i}`) } } }));
      const ok = await server.ddb.send(new BatchWriteItemCommand({ RequestItems: { [A]: reqs(25) } }));
      expect(ok.UnprocessedItems).toEqual({});
      await expectError(
        server.ddb.send(new BatchWriteItemCommand({ RequestItems: { [A]: reqs(26) } })),
        'ValidationException',
        new RegExp(
          `^1 validation error detected: Value '\\{${A}=\\[.+\\]\\}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \\[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\\]$`,
          's',
        ),
      );
      // 25 in total is the limit across all tables.
      await expectError(
        server.ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [A]: reqs(13),
              [B]: reqs(13).map((r) => ({ PutRequest: { Item: { ...r.PutRequest!.Item, sk: N(0) } } })),
            },
          }),
        ),
        'ValidationException',
        'Too many items requested for the BatchWriteItem call',
      );
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: A, Key: { pk: S('w25-12') } }))).Item,
      ).toBeDefined();
    });

    it('rejects duplicate keys in one call, including a put and a delete of the same item', async () => {
      await expectError(
        server.ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [A]: [
                { PutRequest: { Item: { pk: S('dup'), v: N(1) } } },
                { PutRequest: { Item: { pk: S('dup'), v: N(2) } } },
              ],
            },
          }),
        ),
        'ValidationException',
        'Provided list of item keys contains duplicates',
      );
      await expectError(
        server.ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [A]: [{ PutRequest: { Item: { pk: S('dup') } } }, { DeleteRequest: { Key: { pk: S('dup') } } }],
            },
          }),
        ),
        'ValidationException',
        'Provided list of item keys contains duplicates',
      );
      expect((await server.ddb.send(new GetItemCommand({ TableName: A, Key: { pk: S('dup') } }))).Item).toBeUndefined();
    });

    it('an invalid request anywhere writes nothing', async () => {
      await expectError(
        server.ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [A]: [{ PutRequest: { Item: { pk: S('atomic-1') } } }, { PutRequest: { Item: { pk: N(1) } } }],
            },
          }),
        ),
        'ValidationException',
        'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N',
      );
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: A, Key: { pk: S('atomic-1') } }))).Item,
      ).toBeUndefined();
    });

    it('empty RequestItems, empty table lists and missing tables', async () => {
      await expectError(
        server.ddb.send(new BatchWriteItemCommand({ RequestItems: {} })),
        'ValidationException',
        'The requestItems parameter is required for BatchWriteItem',
      );
      await expectError(
        server.ddb.send(
          new BatchWriteItemCommand({ RequestItems: { 'batch-missing': [{ PutRequest: { Item: { pk: S('x') } } }] } }),
        ),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });
  });

  describe('BatchGetItem', () => {
    it('gets from several tables, honouring ProjectionExpression per table', async () => {
      const out = await server.ddb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [A]: {
              Keys: [{ pk: S('k1') }, { pk: S('k2') }, { pk: S('not-there') }],
              ProjectionExpression: '#n',
              ExpressionAttributeNames: { '#n': 'n' },
            },
            [B]: { Keys: [{ pk: S('p'), sk: N(1) }], ConsistentRead: true },
          },
        }),
      );
      expect(out.UnprocessedKeys).toEqual({});
      expect(out.Responses![A]!.map((i) => i['n']!.N).sort()).toEqual(['1', '2']);
      for (const i of out.Responses![A]!) expect(Object.keys(i)).toEqual(['n']);
      expect(out.Responses![B]).toEqual([{ pk: S('p'), sk: N(1) }]);
    });

    it('accepts 100 keys and rejects 101 (in one table or across tables)', async () => {
      const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: S(`k${i}`) }));
      const ok = await server.ddb.send(new BatchGetItemCommand({ RequestItems: { [A]: { Keys: keys(100) } } }));
      expect(ok.Responses![A]!.length + (ok.UnprocessedKeys?.[A]?.Keys?.length ?? 0)).toBe(99); // k0 was deleted above
      await expectError(
        server.ddb.send(new BatchGetItemCommand({ RequestItems: { [A]: { Keys: keys(101) } } })),
        'ValidationException',
        `1 validation error detected: Value at 'RequestItems.${A}.member.Keys' failed to satisfy constraint: Member must have length less than or equal to 100`,
      );
      await expectError(
        server.ddb.send(
          new BatchGetItemCommand({
            RequestItems: {
              [A]: { Keys: keys(60) },
              [B]: { Keys: Array.from({ length: 41 }, (_, i) => ({ pk: S('p'), sk: N(i) })) },
            },
          }),
        ),
        'ValidationException',
        'Too many items requested for the BatchGetItem call',
      );
    });

    it('rejects duplicate keys', async () => {
      await expectError(
        server.ddb.send(
          new BatchGetItemCommand({ RequestItems: { [A]: { Keys: [{ pk: S('k1') }, { pk: S('k1') }] } } }),
        ),
        'ValidationException',
        'Provided list of item keys contains duplicates',
      );
    });

    it('validates keys, tables and the request', async () => {
      await expectError(
        server.ddb.send(new BatchGetItemCommand({ RequestItems: { [B]: { Keys: [{ pk: S('p') }] } } })),
        'ValidationException',
        'The provided key element does not match the schema',
      );
      await expectError(
        server.ddb.send(new BatchGetItemCommand({ RequestItems: {} })),
        'ValidationException',
        'The requestItems parameter is required for BatchGetItem',
      );
      await expectError(
        server.ddb.send(new BatchGetItemCommand({ RequestItems: { 'batch-missing': { Keys: [{ pk: S('x') }] } } })),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });

    it('returns large results completely across UnprocessedKeys rounds (16 MB response cap)', async () => {
      const L = 'batch-large';
      await createTable(server.ddb, keyedTable(L));
      const blob = 'y'.repeat(350 * 1024);
      // 100 items × 350 KB ≈ 35 MB: more than one 16 MB response can hold.
      for (let i = 0; i < 100; i += 25) {
        await server.ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [L]: Array.from({ length: 25 }, (_, j) => ({
                PutRequest: { Item: { pk: S(`big${i + j}`), d: S(blob) } },
              })),
            },
          }),
        );
      }
      let pending: any = { [L]: { Keys: Array.from({ length: 100 }, (_, i) => ({ pk: S(`big${i}`) })) } };
      const seen = new Set<string>();
      let rounds = 0;
      while (pending && Object.keys(pending).length > 0 && rounds < 20) {
        const out = await server.ddb.send(new BatchGetItemCommand({ RequestItems: pending }));
        const got = out.Responses?.[L] ?? [];
        const bytes = got.reduce((n, i) => n + i['d']!.S!.length, 0);
        // At most 16 MB (allowing the one item that crosses the limit).
        expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024 + 400 * 1024);
        for (const i of got) {
          expect(seen.has(i['pk']!.S!)).toBe(false);
          seen.add(i['pk']!.S!);
        }
        pending = out.UnprocessedKeys;
        rounds++;
      }
      expect(seen.size).toBe(100);
      expect(rounds).toBeGreaterThan(1);
    }, 60_000);
  });
});

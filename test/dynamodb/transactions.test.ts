import {
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const A = 'tx-a';
const B = 'tx-b';
const cancelled = (codes: string[]) =>
  `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`;

describe('DynamoDB transactions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(A));
    await createTable(server.ddb, keyedTable(B, 'S', 'N'));
  });
  afterAll(() => server.stop());

  const getA = async (pk: string) =>
    (await server.ddb.send(new GetItemCommand({ TableName: A, Key: { pk: S(pk) }, ConsistentRead: true }))).Item;
  const putA = (item: Item) => server.ddb.send(new PutItemCommand({ TableName: A, Item: item }));
  const write = (TransactItems: TransactWriteItem[], extra: Record<string, unknown> = {}) =>
    server.ddb.send(new TransactWriteItemsCommand({ TransactItems, ...extra }));

  describe('TransactWriteItems', () => {
    it('applies Put, Update, Delete and ConditionCheck together across tables', async () => {
      await putA({ pk: S('t1-upd'), n: N(1) });
      await putA({ pk: S('t1-del') });
      await putA({ pk: S('t1-chk'), ok: { BOOL: true } });
      await write([
        {
          Put: {
            TableName: B,
            Item: { pk: S('t1'), sk: N(1), v: S('new') },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: A,
            Key: { pk: S('t1-upd') },
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': N(1) },
          },
        },
        { Delete: { TableName: A, Key: { pk: S('t1-del') }, ConditionExpression: 'attribute_exists(pk)' } },
        {
          ConditionCheck: {
            TableName: A,
            Key: { pk: S('t1-chk') },
            ConditionExpression: 'ok = :t',
            ExpressionAttributeValues: { ':t': { BOOL: true } },
          },
        },
      ]);
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: B, Key: { pk: S('t1'), sk: N(1) } }))).Item,
      ).toEqual({ pk: S('t1'), sk: N(1), v: S('new') });
      expect(await getA('t1-upd')).toEqual({ pk: S('t1-upd'), n: N(2) });
      expect(await getA('t1-del')).toBeUndefined();
      expect(await getA('t1-chk')).toEqual({ pk: S('t1-chk'), ok: { BOOL: true } });
    });

    it('a failed condition cancels everything; CancellationReasons are in request order', async () => {
      await putA({ pk: S('t2-a'), n: N(10) });
      await putA({ pk: S('t2-b'), locked: { BOOL: true } });
      const err = await expectError(
        write([
          {
            Update: {
              TableName: A,
              Key: { pk: S('t2-a') },
              UpdateExpression: 'SET n = :z',
              ExpressionAttributeValues: { ':z': N(0) },
            },
          },
          { Put: { TableName: A, Item: { pk: S('t2-new') } } },
          {
            ConditionCheck: {
              TableName: A,
              Key: { pk: S('t2-b') },
              ConditionExpression: 'attribute_not_exists(locked)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Delete: { TableName: A, Key: { pk: S('t2-a-other') } } },
        ]),
        'TransactionCanceledException',
        cancelled(['None', 'None', 'ConditionalCheckFailed', 'None']),
      );
      expect(err.CancellationReasons).toEqual([
        { Code: 'None' },
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { pk: S('t2-b'), locked: { BOOL: true } },
        },
        { Code: 'None' },
      ]);
      expect(await getA('t2-a')).toEqual({ pk: S('t2-a'), n: N(10) });
      expect(await getA('t2-new')).toBeUndefined();
    });

    it('reports every failed condition, and no Item without ReturnValuesOnConditionCheckFailure', async () => {
      await putA({ pk: S('t3-a') });
      await putA({ pk: S('t3-b') });
      const err = await expectError(
        write([
          { Put: { TableName: A, Item: { pk: S('t3-a'), x: N(1) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: A, Item: { pk: S('t3-c') } } },
          { Delete: { TableName: A, Key: { pk: S('t3-b') }, ConditionExpression: 'attribute_exists(nothing)' } },
        ]),
        'TransactionCanceledException',
        cancelled(['ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']),
      );
      expect(err.CancellationReasons).toEqual([
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      ]);
      expect(await getA('t3-a')).toEqual({ pk: S('t3-a') });
      expect(await getA('t3-b')).toEqual({ pk: S('t3-b') });
      expect(await getA('t3-c')).toBeUndefined();
    });

    it('an Update whose condition fails on a missing item leaves no ghost item', async () => {
      await expectError(
        write([
          {
            Update: {
              TableName: A,
              Key: { pk: S('t4-ghost') },
              UpdateExpression: 'SET v = :v',
              ConditionExpression: 'v = :old',
              ExpressionAttributeValues: { ':v': N(2), ':old': N(1) },
            },
          },
        ]),
        'TransactionCanceledException',
        cancelled(['ConditionalCheckFailed']),
      );
      expect(await getA('t4-ghost')).toBeUndefined();
    });

    it('request-level validation', async () => {
      await expectError(
        write([{ Put: { TableName: A, Item: { pk: S('dup') } } }, { Delete: { TableName: A, Key: { pk: S('dup') } } }]),
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
      await expectError(
        write([]),
        'ValidationException',
        "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
      await expectError(
        write(Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: A, Item: { pk: S(`many${i}`) } } }))),
        'ValidationException',
        /^1 validation error detected: Value '\[.+\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/s,
      );
      await expectError(
        write([{ Put: { TableName: 'tx-missing', Item: { pk: S('x') } } }]),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
      expect(await getA('dup')).toBeUndefined();
      expect(await getA('many0')).toBeUndefined();
    });

    it('accepts exactly 100 actions', async () => {
      await write(Array.from({ length: 100 }, (_, i) => ({ Put: { TableName: A, Item: { pk: S(`hundred${i}`) } } })));
      expect(await getA('hundred99')).toEqual({ pk: S('hundred99') });
    });

    it('ClientRequestToken makes a retry idempotent; reusing it for a different request is rejected', async () => {
      await putA({ pk: S('t5'), n: N(0) });
      const tx = [
        {
          Update: {
            TableName: A,
            Key: { pk: S('t5') },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': N(1) },
          },
        },
      ];
      await write(tx, { ClientRequestToken: 'token-t5' });
      await write(tx, { ClientRequestToken: 'token-t5' });
      expect(await getA('t5')).toEqual({ pk: S('t5'), n: N(1) });
      await expectError(
        write([{ Update: { ...tx[0]!.Update, ExpressionAttributeValues: { ':one': N(2) } } }], {
          ClientRequestToken: 'token-t5',
        }),
        'IdempotentParameterMismatchException',
        'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.',
      );
      expect(await getA('t5')).toEqual({ pk: S('t5'), n: N(1) });
      // A new token applies again.
      await write(tx, { ClientRequestToken: 'token-t5-b' });
      expect(await getA('t5')).toEqual({ pk: S('t5'), n: N(2) });
    });

    it('concurrent transfers never create or lose money', async () => {
      const accounts = ['acct-0', 'acct-1', 'acct-2'];
      for (const a of accounts) await putA({ pk: S(a), balance: N(100) });
      const transfer = async (from: string, to: string, amount: number) => {
        try {
          await write([
            {
              Update: {
                TableName: A,
                Key: { pk: S(from) },
                UpdateExpression: 'SET balance = balance - :a',
                ConditionExpression: 'balance >= :a',
                ExpressionAttributeValues: { ':a': N(amount) },
              },
            },
            {
              Update: {
                TableName: A,
                Key: { pk: S(to) },
                UpdateExpression: 'SET balance = balance + :a',
                ExpressionAttributeValues: { ':a': N(amount) },
              },
            },
          ]);
          return true;
        } catch (e) {
          const name = (e as Error).name;
          if (name === 'TransactionCanceledException' || name === 'TransactionConflictException') return false;
          throw e;
        }
      };
      const reads: number[] = [];
      const reader = async () => {
        for (let i = 0; i < 20; i++) {
          const out = await server.ddb.send(
            new TransactGetItemsCommand({
              TransactItems: accounts.map((a) => ({ Get: { TableName: A, Key: { pk: S(a) } } })),
            }),
          );
          reads.push(out.Responses!.reduce((n, r) => n + Number(r.Item!['balance']!.N), 0));
        }
      };
      const jobs: Promise<unknown>[] = [reader()];
      for (let i = 0; i < 120; i++) jobs.push(transfer(accounts[i % 3]!, accounts[(i * 7 + 1) % 3]!, 1 + (i % 37)));
      await Promise.all(jobs);
      let total = 0;
      for (const a of accounts) {
        const b = Number((await getA(a))!['balance']!.N);
        expect(b).toBeGreaterThanOrEqual(0);
        total += b;
      }
      expect(total).toBe(300);
      expect(new Set(reads)).toEqual(new Set([300]));
    });
  });

  describe('TransactGetItems', () => {
    it('rejects two Gets of the same item (as real DynamoDB does, per the conformance suite)', async () => {
      await expectError(
        server.ddb.send(
          new TransactGetItemsCommand({
            TransactItems: [
              { Get: { TableName: A, Key: { pk: S('g1') } } },
              { Get: { TableName: A, Key: { pk: S('g1') } } },
            ],
          }),
        ),
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
    });

    it('returns responses in request order, {} for a missing item, honouring projections', async () => {
      await putA({ pk: S('g1'), a: N(1), b: N(2) });
      await server.ddb.send(new PutItemCommand({ TableName: B, Item: { pk: S('g2'), sk: N(5), c: S('c') } }));
      const out = await server.ddb.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: B, Key: { pk: S('g2'), sk: N(5) } } },
            { Get: { TableName: A, Key: { pk: S('absent') } } },
            {
              Get: {
                TableName: A,
                Key: { pk: S('g1') },
                ProjectionExpression: '#b',
                ExpressionAttributeNames: { '#b': 'b' },
              },
            },
          ],
        }),
      );
      expect(out.Responses).toEqual([{ Item: { pk: S('g2'), sk: N(5), c: S('c') } }, {}, { Item: { b: N(2) } }]);
    });

    it('validation: empty list, missing table, bad key', async () => {
      await expectError(
        server.ddb.send(new TransactGetItemsCommand({ TransactItems: [] })),
        'ValidationException',
        "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
      await expectError(
        server.ddb.send(
          new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'tx-missing', Key: { pk: S('g1') } } }] }),
        ),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
      const err = await expectError(
        server.ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: A, Key: {} } }] })),
        'TransactionCanceledException',
        cancelled(['ValidationError']),
      );
      expect(err.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['ValidationError']);
    });
  });
});

import {
  BatchExecuteStatementCommand,
  CreateTableCommand,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { BatchStatementRequest, ParameterizedStatement } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, FAST_WAITER, keyedTable, N, S } from '../../helpers/ddb.js';
import type { Item } from '../../helpers/ddb.js';
import { startTestServer, TEST_CREDENTIALS } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const T = 'pqb-table';
const U = 'pqb-other';
const cancelled = (codes: string[]) =>
  `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`;

describe('PartiQL BatchExecuteStatement and ExecuteTransaction', () => {
  let server: TestServer;
  const get = async (pk: string, table = T) =>
    (await server.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: S(pk) }, ConsistentRead: true }))).Item;
  const put = (item: Item, table = T) => server.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  const batch = (Statements: BatchStatementRequest[], extra: Record<string, unknown> = {}) =>
    server.ddb.send(new BatchExecuteStatementCommand({ Statements, ...extra }));
  const transact = (TransactStatements: ParameterizedStatement[], extra: Record<string, unknown> = {}) =>
    server.ddb.send(new ExecuteTransactionCommand({ TransactStatements, ...extra }));

  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T));
    await createTable(server.ddb, keyedTable(U));
  });
  afterAll(() => server.stop());

  describe('BatchExecuteStatement', () => {
    it('reads items by key, one response per statement in order', async () => {
      await put({ pk: S('b1'), v: N(1), w: S('x') });
      await put({ pk: S('b2'), v: N(2) }, U);
      const out = await batch([
        { Statement: `SELECT v FROM "${T}" WHERE pk = 'b1'` },
        { Statement: `SELECT * FROM "${U}" WHERE pk = ?`, Parameters: [S('b2')], ConsistentRead: true },
        { Statement: `SELECT * FROM "${T}" WHERE pk = 'absent'` },
      ]);
      expect(out.Responses).toEqual([
        { TableName: T, Item: { v: N(1) } },
        { TableName: U, Item: { pk: S('b2'), v: N(2) } },
        { TableName: T },
      ]);
    });

    it('reports per-statement errors without failing the batch', async () => {
      const out = await batch([
        { Statement: `SELECT * FROM "${T}" WHERE v = 1` },
        { Statement: `SELECT * FROM "pqb-nope" WHERE pk = 'x'` },
        { Statement: `SLECT * FROM "${T}" WHERE pk = 'x'` },
        { Statement: `SELECT * FROM "${T}" WHERE pk = 'b1'` },
      ]);
      expect(out.Responses).toEqual([
        {
          Error: {
            Code: 'ValidationError',
            Message: 'Select statements within BatchExecuteStatement must specify the primary key in the where clause.',
          },
        },
        { Error: { Code: 'ResourceNotFound', Message: 'Requested resource not found' }, TableName: 'pqb-nope' },
        {
          Error: {
            Code: 'ValidationError',
            Message: "Statement wasn't well formed, can't be processed: Expected data manipulation",
          },
        },
        { TableName: T, Item: { pk: S('b1'), v: N(1), w: S('x') } },
      ]);
    });

    it('runs writes independently: a failed statement leaves the others applied', async () => {
      await put({ pk: S('w-dup') });
      await put({ pk: S('w-cond'), v: N(1) });
      const out = await batch(
        [
          { Statement: `INSERT INTO "${T}" VALUE {'pk': 'w-new', 'v': 1}` },
          { Statement: `INSERT INTO "${T}" VALUE {'pk': 'w-dup'}` },
          {
            Statement: `UPDATE "${T}" SET v = 2 WHERE pk = 'w-cond' AND v = 5`,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
          { Statement: `DELETE FROM "${T}" WHERE pk = 'b1'` },
        ],
        { ReturnConsumedCapacity: 'TOTAL' },
      );
      expect(out.Responses).toEqual([
        { TableName: T },
        { Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' }, TableName: T },
        {
          Error: {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            Item: { pk: S('w-cond'), v: N(1) },
          },
          TableName: T,
        },
        { TableName: T },
      ]);
      expect(await get('w-new')).toEqual({ pk: S('w-new'), v: N(1) });
      expect(await get('b1')).toBeUndefined();
      expect(out.ConsumedCapacity).toEqual([{ TableName: T, CapacityUnits: 2, WriteCapacityUnits: 2 }]);
    });

    it('rejects mixed reads and writes, duplicate keys and bad sizes', async () => {
      await expectError(
        batch([
          { Statement: `SELECT * FROM "${T}" WHERE pk = 'a'` },
          { Statement: `DELETE FROM "${T}" WHERE pk = 'a'` },
        ]),
        'ValidationException',
        'Read and write requests together in the same batch is not supported.',
      );
      await expectError(
        batch([
          { Statement: `DELETE FROM "${T}" WHERE pk = 'a'` },
          { Statement: `UPDATE "${T}" SET v = 1 WHERE pk = ?`, Parameters: [S('a')] },
        ]),
        'ValidationException',
        'Provided list of item keys contains duplicates',
      );
      await expectError(batch([]), 'ValidationException', /Member must have length greater than or equal to 1/);
      const many = Array.from({ length: 26 }, (_, i) => ({ Statement: `SELECT * FROM "${T}" WHERE pk = 'k${i}'` }));
      await expectError(batch(many), 'ValidationException', /Member must have length less than or equal to 25/);
    });
  });

  describe('ExecuteTransaction', () => {
    it('applies writes across tables atomically', async () => {
      await put({ pk: S('t-upd'), n: N(1) });
      await put({ pk: S('t-del') }, U);
      await put({ pk: S('t-chk'), ok: { BOOL: true } });
      const out = await transact(
        [
          { Statement: `INSERT INTO "${T}" VALUE {'pk': 't-ins'}` },
          { Statement: `UPDATE "${T}" SET n = n + ? WHERE pk = 't-upd'`, Parameters: [N(4)] },
          { Statement: `DELETE FROM "${U}" WHERE pk = 't-del'` },
          { Statement: `EXISTS(SELECT * FROM "${T}" WHERE pk = 't-chk' AND ok = TRUE)` },
        ],
        { ReturnConsumedCapacity: 'TOTAL' },
      );
      expect(out.Responses).toBeUndefined();
      expect(await get('t-ins')).toEqual({ pk: S('t-ins') });
      expect(await get('t-upd')).toEqual({ pk: S('t-upd'), n: N(5) });
      expect(await get('t-del', U)).toBeUndefined();
      expect(out.ConsumedCapacity).toEqual(
        expect.arrayContaining([
          { TableName: T, CapacityUnits: 4, WriteCapacityUnits: 4 },
          { TableName: U, CapacityUnits: 2, WriteCapacityUnits: 2 },
        ]),
      );
    });

    it('cancels everything with reasons in statement order', async () => {
      await put({ pk: S('c-exists'), v: N(1) });
      await put({ pk: S('c-upd'), v: N(1) });
      const err = await expectError(
        transact([
          { Statement: `UPDATE "${T}" SET v = 2 WHERE pk = 'c-upd'` },
          { Statement: `INSERT INTO "${T}" VALUE {'pk': 'c-exists'}` },
          { Statement: `UPDATE "${T}" SET v = 2 WHERE pk = 'c-missing'` },
          { Statement: `DELETE FROM "${T}" WHERE pk = 'c-other' AND v = 1` },
          {
            Statement: `EXISTS(SELECT * FROM "${U}" WHERE pk = 'c-exists2' AND v = 1)`,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        ]),
        'TransactionCanceledException',
        cancelled(['None', 'DuplicateItem', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']),
      );
      expect(err.CancellationReasons).toEqual([
        { Code: 'None' },
        { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      ]);
      expect((await get('c-upd'))?.['v']).toEqual(N(1));
    });

    it('returns the failing item with ReturnValuesOnConditionCheckFailure', async () => {
      await put({ pk: S('rv'), v: N(1) });
      const err = await expectError(
        transact([
          {
            Statement: `UPDATE "${T}" SET v = 2 WHERE pk = 'rv' AND v = 3`,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        ]),
        'TransactionCanceledException',
      );
      expect(err.CancellationReasons).toEqual([
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: S('rv'), v: N(1) } },
      ]);
    });

    it('is idempotent with ClientRequestToken', async () => {
      await put({ pk: S('idem'), n: N(0) });
      const statements = [{ Statement: `UPDATE "${T}" SET n = n + 1 WHERE pk = 'idem'` }];
      await transact(statements, { ClientRequestToken: 'pq-token-1' });
      await transact(statements, { ClientRequestToken: 'pq-token-1' });
      expect((await get('idem'))?.['n']).toEqual(N(1));
      await expectError(
        transact([{ Statement: `UPDATE "${T}" SET n = n + 2 WHERE pk = 'idem'` }], {
          ClientRequestToken: 'pq-token-1',
        }),
        'IdempotentParameterMismatchException',
      );
    });

    it('reads items consistently when every statement is a SELECT', async () => {
      await put({ pk: S('r1'), v: N(1), w: N(2) });
      const out = await transact([
        { Statement: `SELECT v FROM "${T}" WHERE pk = 'r1'` },
        { Statement: `SELECT * FROM "${U}" WHERE pk = 'r-none'` },
      ]);
      expect(out.Responses).toEqual([{ Item: { v: N(1) } }, {}]);
    });

    it('validates statements as AWS does', async () => {
      await expectError(
        transact([
          { Statement: `SELECT * FROM "${T}" WHERE pk = 'a'` },
          { Statement: `DELETE FROM "${T}" WHERE pk = 'b'` },
        ]),
        'ValidationException',
        'ExecuteTransaction API does not support both read and write operations in the same request.',
      );
      await expectError(
        transact([{ Statement: `SELECT * FROM "${T}" WHERE v = 1` }]),
        'ValidationException',
        'Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause.',
      );
      await expectError(
        transact([{ Statement: `SELECT * FROM "${T}"."idx" WHERE pk = 'a'` }]),
        'ValidationException',
        'Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions.',
      );
      await expectError(
        transact([
          { Statement: `DELETE FROM "${T}" WHERE pk = 'a'` },
          { Statement: `UPDATE "${T}" SET v = 1 WHERE pk = 'a' RETURNING ALL NEW *` },
        ]),
        'ValidationException',
        'Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction.',
      );
      await expectError(
        transact([
          { Statement: `DELETE FROM "${T}" WHERE pk = 'a'` },
          { Statement: `UPDATE "${T}" SET v = 1 WHERE pk = 'a'` },
        ]),
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
      await expectError(
        transact([{ Statement: `UPDATE "${T}" SET v = 1 WHERE v = 2` }]),
        'ValidationException',
        'Validation failed in TransactStatements[0]: Where clause does not contain a mandatory equality on all key attributes',
      );
      await expectError(
        transact([{ Statement: `UPDATE "${T}" SET pk = 'b' WHERE pk = 'a'` }]),
        'TransactionCanceledException',
        cancelled(['ValidationError']),
      );
      await expectError(
        transact([{ Statement: `DELETE FROM "pqb-nope" WHERE pk = 'a'` }]),
        'ResourceNotFoundException',
      );
      await expectError(transact([]), 'ValidationException', /Member must have length greater than or equal to 1/);
      await expectError(
        server.ddb.send(new ExecuteStatementCommand({ Statement: `EXISTS(SELECT * FROM "${T}" WHERE pk = 'a')` })),
        'ValidationException',
        'EXISTS can only be used in ExecuteTransaction write requests.',
      );
    });
  });

  it('PartiQL writes reach DynamoDB Streams like any other write', async () => {
    const S1 = 'pqb-streamed';
    const created = await server.ddb.send(
      new CreateTableCommand({
        ...keyedTable(S1),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists({ client: server.ddb, ...FAST_WAITER }, { TableName: S1 });
    const exec = (Statement: string) => server.ddb.send(new ExecuteStatementCommand({ Statement }));
    await exec(`INSERT INTO "${S1}" VALUE {'pk': 'a', 'v': 1}`);
    await exec(`UPDATE "${S1}" SET v = 2 WHERE pk = 'a'`);
    await batch([{ Statement: `INSERT INTO "${S1}" VALUE {'pk': 'b'}` }]);
    await transact([
      { Statement: `DELETE FROM "${S1}" WHERE pk = 'a'` },
      { Statement: `INSERT INTO "${S1}" VALUE {'pk': 'c'}` },
    ]);

    const streams = new DynamoDBStreamsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const StreamArn = created.TableDescription!.LatestStreamArn!;
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards!;
    const events: string[] = [];
    for (const shard of shards) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
      for (const r of Records ?? []) events.push(`${r.eventName} ${r.dynamodb!.Keys!['pk']!.S}`);
    }
    streams.destroy();
    expect(events).toEqual(['INSERT a', 'MODIFY a', 'INSERT b', 'REMOVE a', 'INSERT c']);
  });
});

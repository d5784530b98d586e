import { ExecuteStatementCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ExecuteStatementCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, putAll, S } from '../../helpers/ddb.js';
import type { Item } from '../../helpers/ddb.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const H = 'pq-hash';
const C = 'pq-composite';
const I = 'pq-indexed';

describe('PartiQL SELECT (ExecuteStatement)', () => {
  let server: TestServer;
  const run = async (Statement: string, extra: Partial<ExecuteStatementCommandInput> = {}) =>
    server.ddb.send(new ExecuteStatementCommand({ Statement, ...extra }));
  const items = async (Statement: string, extra: Partial<ExecuteStatementCommandInput> = {}) =>
    (await run(Statement, extra)).Items;

  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(H));
    await createTable(server.ddb, keyedTable(C, 'S', 'N'));
    await createTable(server.ddb, {
      ...keyedTable(I, 'S', 'N'),
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
        { AttributeName: 'l', AttributeType: 'N' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-g',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'by-g-all',
          KeySchema: [
            { AttributeName: 'g', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'by-l',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'l', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    const rows: Item[] = [];
    for (let i = 0; i < 10; i++) {
      rows.push({
        pk: S('p'),
        sk: N(i),
        n: N(i * 10),
        s: S(`str-${i}`),
        tags: { L: [S(`t${i}`), S('common')] },
        m: { M: { k: S(`v${i}`), deep: { M: { x: N(i) } } } },
        ...(i % 2 ? { odd: { BOOL: true } } : {}),
      });
    }
    rows.push({ pk: S('q'), sk: N(1), n: N(1) });
    await putAll(server.ddb, C, rows);
    await putAll(server.ddb, I, [
      { pk: S('a'), sk: N(1), g: S('x'), l: N(30), extra: S('e1') },
      { pk: S('a'), sk: N(2), g: S('y'), l: N(20), extra: S('e2') },
      { pk: S('a'), sk: N(3), g: S('x'), l: N(10), extra: S('e3') },
      { pk: S('b'), sk: N(1), extra: S('no-index-keys') },
    ]);
    await server.ddb.send(new PutItemCommand({ TableName: H, Item: { pk: S('h1'), data: S('one') } }));
  });
  afterAll(() => server.stop());

  const sks = (list: Item[] | undefined) => (list ?? []).map((i) => Number(i['sk']!.N));

  describe('reads', () => {
    it('a partition-key equality is a Query in sort-key order', async () => {
      expect(sks(await items(`SELECT * FROM "${C}" WHERE pk = 'p'`))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await items(`SELECT * FROM "${H}" WHERE pk = 'h1'`)).toEqual([{ pk: S('h1'), data: S('one') }]);
      expect(await items(`SELECT * FROM "${H}" WHERE pk = 'none'`)).toEqual([]);
    });

    it('narrows on the sort key with comparisons, BETWEEN and begins_with', async () => {
      expect(sks(await items(`SELECT * FROM "${C}" WHERE pk = 'p' AND sk > 6`))).toEqual([7, 8, 9]);
      expect(sks(await items(`SELECT * FROM "${C}" WHERE pk = 'p' AND sk <= 1`))).toEqual([0, 1]);
      expect(sks(await items(`SELECT * FROM "${C}" WHERE 3 > sk AND pk = 'p'`))).toEqual([0, 1, 2]);
      expect(sks(await items(`SELECT * FROM "${C}" WHERE pk = 'p' AND sk BETWEEN 2 AND 4`))).toEqual([2, 3, 4]);
      expect(sks(await items(`SELECT * FROM "${C}" WHERE pk = 'p' AND sk IN [1, 5]`))).toEqual([1, 5]);
    });

    it('filters on other attributes with every operator and function', async () => {
      const q = (where: string) => items(`SELECT sk FROM "${C}" WHERE pk = 'p' AND ${where}`).then(sks);
      expect(await q('n >= 70')).toEqual([7, 8, 9]);
      expect(await q('n <> 0 AND n < 30')).toEqual([1, 2]);
      expect(await q("s = 'str-4' OR s = 'str-6'")).toEqual([4, 6]);
      expect(await q('NOT (n > 10)')).toEqual([0, 1]);
      expect(await q("s IN ('str-1', 'str-2')")).toEqual([1, 2]);
      expect(await q('n NOT IN [0, 10, 20, 30, 40, 50, 60, 70]')).toEqual([8, 9]);
      expect(await q('n NOT BETWEEN 10 AND 80')).toEqual([0, 9]);
      expect(await q("begins_with(s, 'str-9')")).toEqual([9]);
      expect(await q("contains(tags, 't3')")).toEqual([3]);
      expect(await q("contains(s, '-5')")).toEqual([5]);
      expect(await q('odd IS MISSING AND n < 50')).toEqual([0, 2, 4]);
      expect(await q('odd IS NOT MISSING AND n > 50')).toEqual([7, 9]);
      expect(await q('attribute_exists(odd) AND n < 40')).toEqual([1, 3]);
      expect(await q('attribute_not_exists(odd) AND n > 70')).toEqual([8]);
      expect(await q("attribute_type(odd, 'BOOL') AND sk < 2")).toEqual([1]);
      expect(await q('odd IS BOOLEAN AND sk > 7')).toEqual([9]);
      expect(await q('size(s) = 5 AND sk = 3')).toEqual([3]);
      expect(await q("m.k = 'v6'")).toEqual([6]);
      expect(await q("m.deep.x > 7 AND tags[1] = 'common'")).toEqual([8, 9]);
      expect(await q(`"m"."deep"['x'] = 2`)).toEqual([2]);
    });

    it('is a Scan without a partition-key equality', async () => {
      expect(sks(await items(`SELECT sk FROM "${C}" WHERE n = 10 OR n = 1`)).sort()).toEqual([1, 1]);
      expect((await items(`SELECT * FROM "${C}" WHERE pk IN ['q']`))?.length).toBe(1);
      expect((await items(`SELECT * FROM "${C}" WHERE pk = 'p' OR pk = 'q'`))?.length).toBe(11);
      expect((await items(`SELECT * FROM "${C}"`))?.length).toBe(11);
      expect(await items(`SELECT * FROM ${C.replace(/-/g, '_')}`).catch((e: Error) => e.name)).toBe(
        'ResourceNotFoundException',
      );
    });

    it('projects attributes and document paths under their last name', async () => {
      expect(await items(`SELECT sk, m.k, tags[0], m.deep.x FROM "${C}" WHERE pk = 'p' AND sk = 2`)).toEqual([
        { sk: N(2), k: S('v2'), 'tags[0]': S('t2'), x: N(2) },
      ]);
      expect(await items(`SELECT nope FROM "${C}" WHERE pk = 'p' AND sk = 2`)).toEqual([{}]);
    });

    it('ORDER BY the sort key reverses a Query', async () => {
      expect(sks(await items(`SELECT sk FROM "${C}" WHERE pk = 'p' AND sk < 3 ORDER BY sk DESC`))).toEqual([2, 1, 0]);
      expect(sks(await items(`SELECT sk FROM "${C}" WHERE pk = 'p' AND sk < 3 ORDER BY sk ASC`))).toEqual([0, 1, 2]);
      await expectError(
        run(`SELECT * FROM "${C}" ORDER BY sk`),
        'ValidationException',
        'Must have WHERE clause in the statement when using ORDER BY clause.',
      );
      await expectError(
        run(`SELECT * FROM "${C}" WHERE n = 1 ORDER BY sk`),
        'ValidationException',
        'Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.',
      );
      await expectError(
        run(`SELECT * FROM "${C}" WHERE pk = 'p' ORDER BY n`),
        'ValidationException',
        'Variable reference n in ORDER BY clause must be part of the primary key',
      );
    });

    it('binds ? parameters in source order', async () => {
      const out = await items(`SELECT sk FROM "${C}" WHERE pk = ? AND sk BETWEEN ? AND ? AND n <> ?`, {
        Parameters: [S('p'), N(3), N(5), N(40)],
      });
      expect(sks(out)).toEqual([3, 5]);
    });
  });

  describe('pagination', () => {
    it('Limit counts items evaluated and NextToken continues the Query', async () => {
      const seen: number[] = [];
      const pages: number[] = [];
      let NextToken: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const out = await run(`SELECT sk FROM "${C}" WHERE pk = ? AND n >= 30`, {
          Parameters: [S('p')],
          Limit: 4,
          ...(NextToken ? { NextToken } : {}),
        });
        seen.push(...sks(out.Items));
        pages.push(out.Items!.length);
        NextToken = out.NextToken;
        if (!NextToken) break;
        expect(out.LastEvaluatedKey).toBeDefined();
      }
      expect(seen).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(pages).toEqual([1, 4, 2]);
    });

    it('NextToken continues a Scan', async () => {
      const all: Item[] = [];
      let NextToken: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const out = await run(`SELECT * FROM "${C}"`, { Limit: 3, ...(NextToken ? { NextToken } : {}) });
        all.push(...out.Items!);
        NextToken = out.NextToken;
        if (!NextToken) break;
      }
      expect(all).toHaveLength(11);
    });

    it('rejects a NextToken from another statement, a malformed one, and one on a write', async () => {
      const first = await run(`SELECT * FROM "${C}" WHERE pk = ?`, { Parameters: [S('p')], Limit: 2 });
      await expectError(
        run(`SELECT * FROM "${C}" WHERE pk = ?`, { Parameters: [S('q')], NextToken: first.NextToken! }),
        'ValidationException',
        'NextToken does not match request',
      );
      await expectError(
        run(`SELECT * FROM "${C}"`, { NextToken: 'not-a-token' }),
        'ValidationException',
        'Invalid NextToken',
      );
      await expectError(
        run(`DELETE FROM "${C}" WHERE pk = 'zz' AND sk = 1`, { NextToken: first.NextToken! }),
        'ValidationException',
        'NextToken is only valid on a SELECT statement',
      );
    });
  });

  describe('indexes', () => {
    it('reads a global secondary index by its key, returning what it projects', async () => {
      const out = await items(`SELECT * FROM "${I}"."by-g" WHERE g = 'x'`);
      expect(out?.map((i) => i['sk']!.N).sort()).toEqual(['1', '3']);
      expect(out?.[0]).not.toHaveProperty('extra');
      expect((await items(`SELECT * FROM "${I}"."by-g"`))?.length).toBe(3);
      expect(await items(`SELECT extra FROM "${I}"."by-g-all" WHERE g = 'x' AND sk > 1`)).toEqual([{ extra: S('e3') }]);
    });

    it('reads a local secondary index in its sort order, fetching unprojected attributes', async () => {
      expect(await items(`SELECT l, extra FROM "${I}"."by-l" WHERE pk = 'a'`)).toEqual([
        { l: N(10), extra: S('e3') },
        { l: N(20), extra: S('e2') },
        { l: N(30), extra: S('e1') },
      ]);
    });

    it('rejects unknown indexes, consistent GSI reads and unprojected GSI attributes', async () => {
      await expectError(
        run(`SELECT * FROM "${I}"."nope"`),
        'ValidationException',
        'The table does not have the specified index',
      );
      await expectError(
        run(`SELECT * FROM "${I}"."by-g" WHERE g = 'x'`, { ConsistentRead: true }),
        'ValidationException',
        'Strongly consistent read is not supported on Global Secondary Indexes',
      );
      await expectError(
        run(`SELECT extra FROM "${I}"."by-g" WHERE g = 'x'`),
        'ValidationException',
        'One or more parameter values were invalid: Global secondary index by-g does not project [extra]',
      );
      expect(await items(`SELECT pk FROM "${I}"."by-l" WHERE pk = 'b'`, { ConsistentRead: true })).toEqual([]);
    });
  });

  describe('errors', () => {
    it('answers syntax errors in DynamoDB envelope', async () => {
      const bad = "Statement wasn't well formed, can't be processed: ";
      await expectError(
        run(`SELECTT * FROMM "${H}"`),
        'ValidationException',
        `${bad}Unexpected token after expression`,
      );
      await expectError(
        run(`SLECT * FROM "${H}" WHERE pk = 'x'`),
        'ValidationException',
        `${bad}Expected data manipulation`,
      );
      await expectError(run(`SELECT * FROM "${H}" WHERE value = 1`), 'ValidationException', `${bad}Unexpected keyword`);
      await expectError(run(`SELECT * "${H}"`), 'ValidationException', `${bad}Expected FROM after SELECT list`);
      await expectError(
        run(`SELECT * FROM "${H}" WHERE pk = 'x`),
        'ValidationException',
        `${bad}Unterminated string literal`,
      );
      await expectError(
        run(`SELECT * FROM "${H}"; SELECT 1`),
        'ValidationException',
        `${bad}Unexpected token after semicolon. (Only one query is allowed.)`,
      );
    });

    it('answers unsupported clauses and forms with DynamoDB messages', async () => {
      await expectError(
        run(`SELECT COUNT(*) FROM "${H}"`),
        'ValidationException',
        'Unexpected path component at 1:8:5',
      );
      await expectError(run(`SELECT pk AS k FROM "${H}"`), 'ValidationException', 'Aliasing is not supported');
      await expectError(run(`SELECT * FROM "${H}" LIMIT 1`), 'ValidationException', 'Unsupported clause: LIMIT');
      await expectError(
        run(`SELECT * FROM "${H}", "${C}"`),
        'ValidationException',
        'Only select from a single table or index is supported.',
      );
      await expectError(
        run(`SELECT * FROM "a"."b"."c"`),
        'ValidationException',
        'A path may contain at most 2 components in the FROM clause',
      );
      await expectError(run(`SELECT * FROM ""`), 'ValidationException', 'Path component cannot be an empty string');
      await expectError(
        run(`SELECT * FROM "${H}" WHERE pk = MISSING`),
        'ValidationException',
        'MISSING must be compared using IS operator',
      );
      await expectError(
        run(`SELECT * FROM "${H}" WHERE n < true`),
        'ValidationException',
        'Incorrect operand type for operator or function; operator or function: <, operand type: BOOL',
      );
    });

    it('checks parameters, key types and tables', async () => {
      await expectError(
        run(`SELECT * FROM "${H}" WHERE pk = ?`),
        'ValidationException',
        "Number of parameters in request and statement don't match.",
      );
      await expectError(
        run(`SELECT * FROM "${H}" WHERE pk = 1`),
        'ValidationException',
        "Key attribute's data type should match its data type in table's schema: Key pk",
      );
      await expectError(
        run(`SELECT * FROM "pq-missing-table" WHERE pk = 'x'`),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });
  });

  it('reports read capacity', async () => {
    const out = await run(`SELECT * FROM "${H}" WHERE pk = 'h1'`, {
      ReturnConsumedCapacity: 'TOTAL',
      ConsistentRead: true,
    });
    expect(out.ConsumedCapacity).toEqual({ TableName: H, CapacityUnits: 1, ReadCapacityUnits: 1 });
  });
});

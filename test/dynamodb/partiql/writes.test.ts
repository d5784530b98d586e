import { ExecuteStatementCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ExecuteStatementCommandInput } from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand as DocExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, S } from '../../helpers/ddb.js';
import type { Item } from '../../helpers/ddb.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const H = 'pqw-hash';
const C = 'pqw-composite';

describe('PartiQL INSERT, UPDATE and DELETE (ExecuteStatement)', () => {
  let server: TestServer;
  const run = async (Statement: string, extra: Partial<ExecuteStatementCommandInput> = {}) =>
    server.ddb.send(new ExecuteStatementCommand({ Statement, ...extra }));
  const get = async (pk: string, sk?: number) =>
    (
      await server.ddb.send(
        new GetItemCommand({
          TableName: sk === undefined ? H : C,
          Key: sk === undefined ? { pk: S(pk) } : { pk: S(pk), sk: N(sk) },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const put = (item: Item) => server.ddb.send(new PutItemCommand({ TableName: H, Item: item }));

  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(H));
    await createTable(server.ddb, keyedTable(C, 'S', 'N'));
  });
  afterAll(() => server.stop());

  describe('INSERT', () => {
    it('inserts an item from PartiQL literals', async () => {
      const out = await run(
        `INSERT INTO "${H}" VALUE {'pk': 'lit', 's': 'it''s', 'n': -1.50e2, 'b': TRUE, 'z': NULL, 'gone': MISSING,
          'ss': <<'a', 'b'>>, 'ns': <<1, 2.5>>, 'l': [1, 'two', [3]], 'm': {'k': {'deep': 'v'}}, 'e': ''}`,
      );
      expect(out.Items).toEqual([]);
      expect(await get('lit')).toEqual({
        pk: S('lit'),
        s: S("it's"),
        n: N(-150),
        b: { BOOL: true },
        z: { NULL: true },
        ss: { SS: ['a', 'b'] },
        ns: { NS: ['1', '2.5'] },
        l: { L: [N(1), S('two'), { L: [N(3)] }] },
        m: { M: { k: { M: { deep: S('v') } } } },
        e: S(''),
      });
    });

    it('binds parameters of any type, binary included', async () => {
      await run(`INSERT INTO "${H}" VALUE {'pk': ?, 'bin': ?, 'bs': ?, 'm': ?}`, {
        Parameters: [S('params'), { B: Uint8Array.from([1, 2]) }, { BS: [Uint8Array.from([3])] }, { M: { a: N(1) } }],
      });
      expect(await get('params')).toEqual({
        pk: S('params'),
        bin: { B: Uint8Array.from([1, 2]) },
        bs: { BS: [Uint8Array.from([3])] },
        m: { M: { a: N(1) } },
      });
    });

    it('is not an upsert: an existing key is DuplicateItemException', async () => {
      await run(`INSERT INTO "${H}" VALUE {'pk': 'dup', 'v': 1}`);
      await expectError(
        run(`INSERT INTO "${H}" VALUE {'pk': 'dup', 'v': 2}`),
        'DuplicateItemException',
        'Duplicate primary key exists in table',
      );
      expect((await get('dup'))?.['v']).toEqual(N(1));
    });

    it('validates the item against the key schema', async () => {
      await expectError(
        run(`INSERT INTO "${C}" VALUE {'pk': 'x'}`),
        'ValidationException',
        'Key attribute should be present in the item: Key sk',
      );
      await expectError(
        run(`INSERT INTO "${C}" VALUE {'pk': 'x', 'sk': 'one'}`),
        'ValidationException',
        "Key attribute's data type should match its data type in table's schema: Key sk",
      );
      await expectError(
        run(`INSERT INTO "${H}" VALUE {'pk': ''}`),
        'ValidationException',
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
      );
      await expectError(
        run(`INSERT INTO "${H}" VALUE {'pk': 'x', 'pk': 'y'}`),
        'ValidationException',
        /Duplicate keys in tuple/,
      );
      await expectError(
        run(`INSERT INTO "${H}" VALUE {'pk': 'x', 's': <<>>}`),
        'ValidationException',
        'Empty bags are not supported',
      );
      await expectError(
        run(`INSERT INTO "${H}" VALUE {'pk': 'x', 's': <<'a', 1>>}`),
        'ValidationException',
        'Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags',
      );
      await expectError(
        run(`INSERT INTO "${H}" VALUE [1]`),
        'ValidationException',
        'Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.',
      );
      await expectError(
        run(`INSERT INTO "${H}"."idx" VALUE {'pk': 'x'}`),
        'ValidationException',
        'FROM clause may only contain a single table name in data manipulation statements at 1:13:10',
      );
      await expectError(
        run(`INSERT INTO "${H}" VALUE {'pk': 'x'} RETURNING ALL OLD *`),
        'ValidationException',
        'RETURNING is not supported in INSERT',
      );
    });
  });

  describe('UPDATE', () => {
    it('sets, computes and removes attributes, nested paths and list elements included', async () => {
      await put({
        pk: S('u1'),
        n: N(5),
        m: { M: { c: N(1), keep: S('k') } },
        l: { L: [S('a')] },
        ss: { SS: ['x'] },
        gone: S('bye'),
      });
      await run(
        `UPDATE "${H}" SET n = n + 10, m.c = m.c - 3, l = list_append(l, ['b']), fresh = if_not_exists(fresh, 'new')
           SET ss = set_add(ss, <<'y'>>) REMOVE gone WHERE pk = 'u1'`,
      );
      expect(await get('u1')).toEqual({
        pk: S('u1'),
        n: N(15),
        m: { M: { c: N(-2), keep: S('k') } },
        l: { L: [S('a'), S('b')] },
        ss: { SS: ['x', 'y'] },
        fresh: S('new'),
      });
      await run(`UPDATE "${H}" SET ss = set_delete(ss, <<'x'>>), l[0] = 'A', l[5] = 'end' WHERE pk = ?`, {
        Parameters: [S('u1')],
      });
      expect(await get('u1')).toMatchObject({ ss: { SS: ['y'] }, l: { L: [S('A'), S('b'), S('end')] } });
      await expectError(
        run(`UPDATE "${H}" SET l = [], l[0] = 'x' WHERE pk = 'u1'`),
        'ValidationException',
        'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [l], path two: [l, [0]]',
      );
    });

    it('fails the conditional check on a missing item or a false WHERE predicate', async () => {
      await expectError(
        run(`UPDATE "${H}" SET v = 1 WHERE pk = 'u-missing'`),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      expect(await get('u-missing')).toBeUndefined();
      await put({ pk: S('u2'), v: N(1) });
      const err = await expectError(
        run(`UPDATE "${H}" SET v = 2 WHERE pk = 'u2' AND v = 9`, { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        'ConditionalCheckFailedException',
      );
      expect(err.Item).toEqual({ pk: S('u2'), v: N(1) });
      await run(`UPDATE "${H}" SET v = 2 WHERE pk = 'u2' AND v = 1`);
      expect((await get('u2'))?.['v']).toEqual(N(2));
    });

    it('returns RETURNING images', async () => {
      await put({ pk: S('u3'), a: N(1), b: S('same') });
      const q = (returning: string, value: number) =>
        run(`UPDATE "${H}" SET a = ${value} WHERE pk = 'u3' RETURNING ${returning} *`);
      expect((await q('ALL OLD', 2)).Items).toEqual([{ pk: S('u3'), a: N(1), b: S('same') }]);
      expect((await q('ALL NEW', 3)).Items).toEqual([{ pk: S('u3'), a: N(3), b: S('same') }]);
      expect((await q('MODIFIED OLD', 4)).Items).toEqual([{ a: N(3) }]);
      expect((await q('MODIFIED NEW', 5)).Items).toEqual([{ a: N(5) }]);
      expect((await run(`UPDATE "${H}" REMOVE zz WHERE pk = 'u3' RETURNING MODIFIED NEW *`)).Items).toEqual([]);
    });

    it('needs the full key and rejects key updates and index targets', async () => {
      await expectError(
        run(`UPDATE "${C}" SET v = 1 WHERE pk = 'x'`),
        'ValidationException',
        'Where clause does not contain a mandatory equality on all key attributes',
      );
      await expectError(
        run(`UPDATE "${H}" SET v = 1 WHERE pk = 'x' OR pk = 'y'`),
        'ValidationException',
        'Where clause does not contain a mandatory equality on all key attributes',
      );
      await expectError(
        run(`UPDATE "${H}" SET v = 1 WHERE pk = 'x' AND pk = 'y'`),
        'ValidationException',
        'Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported',
      );
      await expectError(
        run(`UPDATE "${H}" SET pk = 'y' WHERE pk = 'x'`),
        'ValidationException',
        'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
      );
      await expectError(
        run(`UPDATE "${H}"."idx" SET v = 1 WHERE pk = 'x'`),
        'ValidationException',
        'This operation is not supported on an index',
      );
      await expectError(
        run(`UPDATE "${H}" SET v = 1 WHERE pk = true`),
        'ValidationException',
        'Key value must be of type S, N, or B. Key name: pk, Key type: BOOL',
      );
      await expectError(run(`UPDATE "pqw-nope" SET v = 1 WHERE pk = 'x'`), 'ResourceNotFoundException');
    });

    it('reports runtime update errors like UpdateItem', async () => {
      await put({ pk: S('u4'), s: S('text') });
      await expectError(
        run(`UPDATE "${H}" SET s = s + 1 WHERE pk = 'u4'`),
        'ValidationException',
        'An operand in the update expression has an incorrect data type',
      );
    });
  });

  describe('DELETE', () => {
    it('deletes by full key, with RETURNING ALL OLD', async () => {
      await put({ pk: S('d1'), v: N(1) });
      expect((await run(`DELETE FROM "${H}" WHERE pk = 'd1' RETURNING ALL OLD *`)).Items).toEqual([
        { pk: S('d1'), v: N(1) },
      ]);
      expect(await get('d1')).toBeUndefined();
      expect((await run(`DELETE FROM "${H}" WHERE pk = 'd1' RETURNING ALL OLD *`)).Items).toEqual([]);
    });

    it('checks the rest of the WHERE clause on an existing item', async () => {
      await put({ pk: S('d2'), v: N(1) });
      await expectError(run(`DELETE FROM "${H}" WHERE pk = 'd2' AND v = 2`), 'ConditionalCheckFailedException');
      expect(await get('d2')).toBeDefined();
      await run(`DELETE FROM "${H}" WHERE pk = 'd-missing' AND v = 2`);
      await run(`DELETE FROM "${H}" WHERE pk = 'd2' AND v = 1`);
      expect(await get('d2')).toBeUndefined();
    });

    it('rejects other RETURNING forms and partial keys', async () => {
      await expectError(
        run(`DELETE FROM "${H}" WHERE pk = 'x' RETURNING MODIFIED OLD *`),
        'ValidationException',
        'Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.',
      );
      await expectError(
        run(`DELETE FROM "${C}" WHERE pk = 'x'`),
        'ValidationException',
        'Where clause does not contain a mandatory equality on all key attributes',
      );
      await expectError(
        run(`DELETE FROM "${C}"`),
        'ValidationException',
        'Where clause does not contain a mandatory equality on all key attributes',
      );
      await expectError(
        run(`DELETE "${C}" WHERE pk = 'x'`),
        'ValidationException',
        "Statement wasn't well formed, can't be processed: Expected FROM after DELETE",
      );
    });
  });

  it('reports write capacity', async () => {
    const out = await run(`INSERT INTO "${H}" VALUE {'pk': 'cap'}`, { ReturnConsumedCapacity: 'TOTAL' });
    expect(out.ConsumedCapacity).toEqual({ TableName: H, CapacityUnits: 1, WriteCapacityUnits: 1 });
  });

  it('works with the lib-dynamodb document client (marshalled parameters, unmarshalled items)', async () => {
    await server.doc.send(
      new DocExecuteStatementCommand({
        Statement: `INSERT INTO "${C}" VALUE {'pk': ?, 'sk': ?, 'doc': ?}`,
        Parameters: ['doc', 1, { list: [1, 'a'], flag: true, set: new Set(['s']) }],
      }),
    );
    const out = await server.doc.send(
      new DocExecuteStatementCommand({
        Statement: `SELECT doc."list", sk FROM "${C}" WHERE pk = ? AND sk = ?`,
        Parameters: ['doc', 1],
      }),
    );
    expect(out.Items).toEqual([{ list: [1, 'a'], sk: 1 }]);
    expect(await get('doc', 1)).toMatchObject({ doc: { M: { set: { SS: ['s'] }, flag: { BOOL: true } } } });
  });
});

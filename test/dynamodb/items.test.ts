import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'items-hash';
const C = 'items-composite';

describe('DynamoDB items: Put/Get/Update/Delete', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T));
    await createTable(server.ddb, keyedTable(C, 'S', 'N'));
  });
  afterAll(() => server.stop());

  const put = (Item: Item, extra: Record<string, unknown> = {}) =>
    server.ddb.send(new PutItemCommand({ TableName: T, Item, ...extra }));
  const get = async (pk: string) =>
    (await server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S(pk) }, ConsistentRead: true }))).Item;

  it('round-trips every attribute type', async () => {
    const item: Item = {
      pk: S('all-types'),
      s: S('héllo 🌍'),
      n: N('-12.5'),
      b: { B: Uint8Array.from([0, 1, 2, 255]) },
      ss: { SS: ['a', 'b', 'c'] },
      ns: { NS: ['1', '2.5', '-3'] },
      bs: { BS: [Uint8Array.from([1]), Uint8Array.from([2, 3])] },
      m: { M: { inner: S('x'), deeper: { M: { n: N(1) } } } },
      l: { L: [S('a'), N(1), { BOOL: false }, { NULL: true }, { L: [] }, { M: {} }] },
      t: { BOOL: true },
      nul: { NULL: true },
      emptyS: S(''),
      emptyB: { B: new Uint8Array(0) },
    };
    await put(item);
    const got = await get('all-types');
    expect(got).toBeDefined();
    const { ss, ns, bs, ...rest } = got!;
    const { ss: ss0, ns: ns0, bs: _bs0, ...rest0 } = item;
    expect(rest).toEqual(rest0);
    // Sets are unordered.
    expect([...ss!.SS!].sort()).toEqual([...ss0!.SS!].sort());
    expect([...ns!.NS!].sort()).toEqual([...ns0!.NS!].sort());
    expect(bs!.BS!.map((x) => Buffer.from(x).toString('hex')).sort()).toEqual(['01', '0203']);
  });

  it('GetItem of a missing item has no Item; ProjectionExpression selects nested paths', async () => {
    expect(await get('nope')).toBeUndefined();
    await put({ pk: S('proj'), a: { M: { b: S('B'), c: S('C') } }, l: { L: [N(0), N(1), N(2)] }, other: S('o') });
    const out = await server.ddb.send(
      new GetItemCommand({
        TableName: T,
        Key: { pk: S('proj') },
        ProjectionExpression: 'a.b, l[2], #o',
        ExpressionAttributeNames: { '#o': 'other' },
      }),
    );
    expect(out.Item).toEqual({ a: { M: { b: S('B') } }, l: { L: [N(2)] }, other: S('o') });
  });

  it('PutItem replaces the whole item', async () => {
    await put({ pk: S('replace'), a: S('1'), b: S('2') });
    await put({ pk: S('replace'), c: S('3') });
    expect(await get('replace')).toEqual({ pk: S('replace'), c: S('3') });
  });

  it('PutItem ConditionExpression: attribute_not_exists guards creation', async () => {
    const cond = { ConditionExpression: 'attribute_not_exists(pk)' };
    await put({ pk: S('once'), v: N(1) }, cond);
    const err = await expectError(
      put({ pk: S('once'), v: N(2) }, cond),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.Item).toBeUndefined();
    expect(await get('once')).toEqual({ pk: S('once'), v: N(1) });
  });

  it('PutItem ReturnValues: ALL_OLD returns the replaced item, nothing for a new one; others are invalid', async () => {
    const first = await put({ pk: S('rv-put'), v: N(1) }, { ReturnValues: 'ALL_OLD' });
    expect(first.Attributes).toBeUndefined();
    const second = await put({ pk: S('rv-put'), v: N(2) }, { ReturnValues: 'ALL_OLD' });
    expect(second.Attributes).toEqual({ pk: S('rv-put'), v: N(1) });
    const none = await put({ pk: S('rv-put'), v: N(3) }, { ReturnValues: 'NONE' });
    expect(none.Attributes).toBeUndefined();
    for (const rv of ['ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW']) {
      // AWS has used both wordings for a valid-but-disallowed ReturnValues.
      await expectError(
        put({ pk: S('rv-put'), v: N(4) }, { ReturnValues: rv }),
        'ValidationException',
        /^(Return values set to invalid value|ReturnValues can only be ALL_OLD or NONE)$/,
      );
    }
    await expectError(
      put({ pk: S('rv-put'), v: N(4) }, { ReturnValues: 'BOGUS' }),
      'ValidationException',
      // AWS has answered with the members in more than one order over time; the set is what matters.
      /^1 validation error detected: Value 'BOGUS' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: \[(?=.*\bALL_NEW\b)(?=.*\bUPDATED_OLD\b)(?=.*\bALL_OLD\b)(?=.*\bNONE\b)(?=.*\bUPDATED_NEW\b)[A-Z_, ]+\]$/,
    );
    expect(await get('rv-put')).toEqual({ pk: S('rv-put'), v: N(3) });
  });

  it('DeleteItem ReturnValues ALL_OLD and ConditionExpression', async () => {
    await put({ pk: S('del'), v: N(7) });
    await expectError(
      server.ddb.send(
        new DeleteItemCommand({
          TableName: T,
          Key: { pk: S('del') },
          ConditionExpression: 'v = :x',
          ExpressionAttributeValues: { ':x': N(8) },
        }),
      ),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    const out = await server.ddb.send(
      new DeleteItemCommand({
        TableName: T,
        Key: { pk: S('del') },
        ConditionExpression: 'v = :x',
        ExpressionAttributeValues: { ':x': N(7) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    expect(out.Attributes).toEqual({ pk: S('del'), v: N(7) });
    expect(await get('del')).toBeUndefined();
    // Deleting a missing item succeeds and returns nothing.
    const again = await server.ddb.send(
      new DeleteItemCommand({ TableName: T, Key: { pk: S('del') }, ReturnValues: 'ALL_OLD' }),
    );
    expect(again.Attributes).toBeUndefined();
    await expectError(
      server.ddb.send(
        new DeleteItemCommand({ TableName: T, Key: { pk: S('del') }, ConditionExpression: 'attribute_exists(pk)' }),
      ),
      'ConditionalCheckFailedException',
    );
    await expectError(
      server.ddb.send(new DeleteItemCommand({ TableName: T, Key: { pk: S('del') }, ReturnValues: 'ALL_NEW' })),
      'ValidationException',
      /^(Return values set to invalid value|ReturnValues can only be ALL_OLD or NONE)$/,
    );
  });

  describe('UpdateItem ReturnValues', () => {
    const base: Item = {
      pk: S('rv-upd'),
      a: N(1),
      b: { M: { x: S('old-x'), y: S('old-y') } },
      c: S('keep'),
      gone: S('bye'),
    };
    const update = async (ReturnValues: string) => {
      await put(base);
      return server.ddb.send(
        new UpdateItemCommand({
          TableName: T,
          Key: { pk: S('rv-upd') },
          UpdateExpression: 'SET a = a + :one, b.x = :nx, fresh = :f REMOVE gone',
          ExpressionAttributeValues: { ':one': N(1), ':nx': S('new-x'), ':f': S('F') },
          ReturnValues: ReturnValues as 'NONE',
        }),
      );
    };

    it('NONE returns no Attributes', async () => {
      expect((await update('NONE')).Attributes).toBeUndefined();
    });
    it('ALL_OLD returns the whole item before the update', async () => {
      expect((await update('ALL_OLD')).Attributes).toEqual(base);
    });
    it('ALL_NEW returns the whole item after the update', async () => {
      expect((await update('ALL_NEW')).Attributes).toEqual({
        pk: S('rv-upd'),
        a: N(2),
        b: { M: { x: S('new-x'), y: S('old-y') } },
        c: S('keep'),
        fresh: S('F'),
      });
    });
    it('UPDATED_OLD returns only the old values of the updated paths that existed', async () => {
      expect((await update('UPDATED_OLD')).Attributes).toEqual({
        a: N(1),
        b: { M: { x: S('old-x') } },
        gone: S('bye'),
      });
    });
    it('UPDATED_NEW returns only the new values of the updated paths', async () => {
      expect((await update('UPDATED_NEW')).Attributes).toEqual({ a: N(2), b: { M: { x: S('new-x') } }, fresh: S('F') });
    });
  });

  it('UpdateItem upserts a missing item (with its key) and honours conditions', async () => {
    const out = await server.ddb.send(
      new UpdateItemCommand({
        TableName: C,
        Key: { pk: S('u'), sk: N(1) },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': S('x') },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(out.Attributes).toEqual({ pk: S('u'), sk: N(1), v: S('x') });
    await expectError(
      server.ddb.send(
        new UpdateItemCommand({
          TableName: C,
          Key: { pk: S('u'), sk: N(2) },
          UpdateExpression: 'SET v = :v',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':v': S('x') },
        }),
      ),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    const missing = await server.ddb.send(new GetItemCommand({ TableName: C, Key: { pk: S('u'), sk: N(2) } }));
    expect(missing.Item).toBeUndefined();
    // An update that only removes attributes of a missing item creates nothing.
    await server.ddb.send(
      new UpdateItemCommand({ TableName: C, Key: { pk: S('u'), sk: N(3) }, UpdateExpression: 'REMOVE v' }),
    );
    expect((await server.ddb.send(new GetItemCommand({ TableName: C, Key: { pk: S('u'), sk: N(3) } }))).Item).toEqual({
      pk: S('u'),
      sk: N(3),
    });
  });

  describe('ReturnValuesOnConditionCheckFailure', () => {
    it('ALL_OLD carries the existing item on PutItem, UpdateItem and DeleteItem failures', async () => {
      const existing = { pk: S('rvoccf'), state: S('locked'), n: N(5) };
      await put(existing);
      const common = {
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':open': S('open') },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      };
      const e1 = await expectError(
        put({ pk: S('rvoccf'), state: S('x') }, common),
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      expect(e1.Item).toEqual(existing);
      const e2 = await expectError(
        server.ddb.send(
          new UpdateItemCommand({
            TableName: T,
            Key: { pk: S('rvoccf') },
            UpdateExpression: 'SET n = n + :one',
            ...common,
            ExpressionAttributeValues: { ...common.ExpressionAttributeValues, ':one': N(1) },
          }),
        ),
        'ConditionalCheckFailedException',
      );
      expect(e2.Item).toEqual(existing);
      const e3 = await expectError(
        server.ddb.send(new DeleteItemCommand({ TableName: T, Key: { pk: S('rvoccf') }, ...common })),
        'ConditionalCheckFailedException',
      );
      expect(e3.Item).toEqual(existing);
      expect(await get('rvoccf')).toEqual(existing);
    });

    it('NONE (the default) and a missing item carry no Item', async () => {
      await put({ pk: S('rvoccf-none'), v: N(1) });
      const e1 = await expectError(
        put(
          { pk: S('rvoccf-none') },
          { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'NONE' },
        ),
        'ConditionalCheckFailedException',
      );
      expect(e1.Item).toBeUndefined();
      const e2 = await expectError(
        put(
          { pk: S('rvoccf-missing') },
          { ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
        ),
        'ConditionalCheckFailedException',
      );
      expect(e2.Item).toBeUndefined();
    });
  });

  describe('key validation', () => {
    it('rejects keys that do not match the schema', async () => {
      await expectError(
        server.ddb.send(new GetItemCommand({ TableName: C, Key: { pk: S('x') } })),
        'ValidationException',
        'The provided key element does not match the schema',
      );
      await expectError(
        server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S('x'), extra: S('y') } })),
        'ValidationException',
        'The provided key element does not match the schema',
      );
      await expectError(
        server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: N(1) } })),
        'ValidationException',
        'The provided key element does not match the schema',
      );
      await expectError(
        server.ddb.send(new DeleteItemCommand({ TableName: C, Key: { pk: S('x'), sk: S('1') } })),
        'ValidationException',
        'The provided key element does not match the schema',
      );
    });

    it('rejects items missing a key or with a wrongly typed key', async () => {
      await expectError(
        put({ notpk: S('x') }),
        'ValidationException',
        'One or more parameter values were invalid: Missing the key pk in the item',
      );
      await expectError(
        put({ pk: N(1) }),
        'ValidationException',
        'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N',
      );
      await expectError(
        server.ddb.send(new PutItemCommand({ TableName: C, Item: { pk: S('x'), sk: S('not-a-number') } })),
        'ValidationException',
        'One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S',
      );
    });

    it('UpdateItem cannot touch key attributes', async () => {
      for (const [expr, attr] of [
        ['SET pk = :v', 'pk'],
        ['REMOVE sk', 'sk'],
      ] as const) {
        await expectError(
          server.ddb.send(
            new UpdateItemCommand({
              TableName: C,
              Key: { pk: S('k'), sk: N(1) },
              UpdateExpression: expr,
              ...(expr.includes(':v') ? { ExpressionAttributeValues: { ':v': S('x') } } : {}),
            }),
          ),
          'ValidationException',
          `One or more parameter values were invalid: Cannot update attribute ${attr}. This attribute is part of the key`,
        );
      }
    });
  });

  it('rejects invalid AttributeValues with AWS messages', async () => {
    await expectError(
      put({ pk: S('bad'), x: {} as any }),
      'ValidationException',
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    );
    await expectError(
      put({ pk: S('bad'), x: { S: 'a', N: '1' } as any }),
      'ValidationException',
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
    await expectError(
      put({ pk: S('bad'), x: { NULL: false } }),
      'ValidationException',
      'One or more parameter values were invalid: Null attribute value types must have the value of true',
    );
    await expectError(
      put({ pk: S('bad'), x: { SS: [] } }),
      'ValidationException',
      'One or more parameter values were invalid: An string set  may not be empty',
    );
    await expectError(
      put({ pk: S('bad'), x: { NS: [] } }),
      'ValidationException',
      'One or more parameter values were invalid: An number set  may not be empty',
    );
    await expectError(
      put({ pk: S('bad'), x: { BS: [] } }),
      'ValidationException',
      'One or more parameter values were invalid: Binary sets should not be empty',
    );
    await expectError(
      put({ pk: S('bad'), x: { SS: ['a', 'a'] } }),
      'ValidationException',
      'One or more parameter values were invalid: Input collection [a, a] contains duplicates.',
    );
    await expectError(
      put({ pk: S('bad'), x: { NS: ['1', '1.0'] } }),
      'ValidationException',
      'Input collection contains duplicates',
    );
    await expectError(
      put({ pk: S('bad'), x: { M: { y: { L: [{ SS: [] }] } } } }),
      'ValidationException',
      'One or more parameter values were invalid: An string set  may not be empty',
    );
    await expectError(
      put({ pk: S('bad'), x: N('abc') }),
      'ValidationException',
      'The parameter cannot be converted to a numeric value: abc',
    );
    expect(await get('bad')).toBeUndefined();
  });
});

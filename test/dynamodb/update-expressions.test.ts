import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'update-expr';

describe('DynamoDB UpdateExpression over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T));
  });
  afterAll(() => server.stop());

  let n = 0;
  /** Put `item` under a fresh key, apply the update, return the stored item (without its key). */
  async function apply(
    item: Item,
    update: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<Item | undefined> {
    const pk = S(`u${n++}`);
    await server.ddb.send(new PutItemCommand({ TableName: T, Item: { ...item, pk } }));
    await server.ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk }, ...update }));
    const out = await server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, ...rest } = out.Item;
    return rest;
  }
  /** The error an update on a fresh copy of `item` fails with. */
  async function fails(
    item: Item,
    update: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
    message: string | RegExp,
  ) {
    const pk = S(`f${n++}`);
    await server.ddb.send(new PutItemCommand({ TableName: T, Item: { ...item, pk } }));
    await expectError(
      server.ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk }, ...update })),
      'ValidationException',
      message,
    );
    // Nothing changed.
    const after = await server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk }, ConsistentRead: true }));
    expect(after.Item).toEqual({ ...item, pk });
  }

  describe('SET', () => {
    it('sets nested map paths and list elements', async () => {
      const got = await apply(
        { m: { M: { a: { M: { b: S('old') } } } }, l: { L: [S('x'), { M: { deep: N(1) } }] } },
        {
          UpdateExpression: 'SET m.a.b = :v, m.a.c = :w, l[0] = :v, l[1].deep = :n, #weird.#dot = :v',
          ExpressionAttributeNames: { '#weird': 'm', '#dot': 'with.dot' },
          ExpressionAttributeValues: { ':v': S('new'), ':w': S('W'), ':n': N(2) },
        },
      );
      expect(got).toEqual({
        m: { M: { a: { M: { b: S('new'), c: S('W') } }, 'with.dot': S('new') } },
        l: { L: [S('new'), { M: { deep: N(2) } }] },
      });
    });

    it('setting a list index past the end appends', async () => {
      const got = await apply(
        { l: { L: [N(0), N(1)] } },
        { UpdateExpression: 'SET l[10] = :v', ExpressionAttributeValues: { ':v': N(9) } },
      );
      expect(got).toEqual({ l: { L: [N(0), N(1), N(9)] } });
    });

    it('does arithmetic exactly in decimal, up to 38 digits', async () => {
      const got = await apply(
        { a: N('0.1'), big: N('99999999999999999999999999999999999998'), neg: N('-5') },
        {
          UpdateExpression: 'SET a = a + :b, big = big + :one, neg = :one - neg, c = a - :b, d = neg + neg',
          ExpressionAttributeValues: { ':b': N('0.2'), ':one': N(1) },
        },
      );
      expect(got).toEqual({
        a: N('0.3'),
        big: N('99999999999999999999999999999999999999'),
        neg: N('6'),
        c: N('-0.1'),
        d: N('-10'),
      });
    });

    it('list_append works at either end and with if_not_exists', async () => {
      const got = await apply(
        { l: { L: [N(2)] } },
        {
          UpdateExpression:
            'SET l = list_append(:front, l), l2 = list_append(if_not_exists(l2, :empty), :back), l3 = list_append(l, :back)',
          ExpressionAttributeValues: { ':front': { L: [N(1)] }, ':back': { L: [N(3)] }, ':empty': { L: [] } },
        },
      );
      // Every operand reads the item as it was before the update.
      expect(got).toEqual({ l: { L: [N(1), N(2)] }, l2: { L: [N(3)] }, l3: { L: [N(2), N(3)] } });
    });

    it('if_not_exists keeps an existing value and fills a missing one', async () => {
      const got = await apply(
        { h1: S('kept') },
        {
          UpdateExpression:
            'SET h1 = if_not_exists(h1, :d), m1 = if_not_exists(m1, :d), cnt = if_not_exists(cnt, :zero) + :one',
          ExpressionAttributeValues: { ':d': S('default'), ':zero': N(0), ':one': N(1) },
        },
      );
      expect(got).toEqual({ h1: S('kept'), m1: S('default'), cnt: N(1) });
    });

    it('copies one attribute to another, including whole maps', async () => {
      const got = await apply(
        { src: { M: { k: { L: [S('v')] } } } },
        { UpdateExpression: 'SET dst = src, one = src.k[0]' },
      );
      expect(got).toEqual({ src: { M: { k: { L: [S('v')] } } }, dst: { M: { k: { L: [S('v')] } } }, one: S('v') });
    });
  });

  describe('REMOVE', () => {
    it('removes list elements and shifts the rest down', async () => {
      const got = await apply({ l: { L: [N(0), N(1), N(2), N(3), N(4)] } }, { UpdateExpression: 'REMOVE l[1], l[3]' });
      expect(got).toEqual({ l: { L: [N(0), N(2), N(4)] } });
    });

    it('removes nested attributes; removing what is not there is a no-op', async () => {
      const got = await apply(
        { m: { M: { a: S('a'), b: S('b') } }, top: S('t'), l: { L: [N(0)] } },
        { UpdateExpression: 'REMOVE m.a, top, nothere, m.nothere, l[5]' },
      );
      expect(got).toEqual({ m: { M: { b: S('b') } }, l: { L: [N(0)] } });
    });
  });

  describe('ADD and DELETE', () => {
    it('ADD increments numbers and creates missing ones', async () => {
      const got = await apply(
        { c: N(5) },
        { UpdateExpression: 'ADD c :n, fresh :n', ExpressionAttributeValues: { ':n': N('-1.5') } },
      );
      expect(got).toEqual({ c: N('3.5'), fresh: N('-1.5') });
    });

    it('ADD unions sets (creating missing ones); DELETE subtracts and drops an emptied set', async () => {
      const got = await apply(
        { ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] }, gone: { SS: ['x'] } },
        {
          UpdateExpression: 'ADD ss :ss, newset :ns DELETE ns :del, gone :gone',
          ExpressionAttributeValues: {
            ':ss': { SS: ['b', 'c'] },
            ':ns': { NS: ['7'] },
            ':del': { NS: ['1', '99'] },
            ':gone': { SS: ['x'] },
          },
        },
      );
      expect(Object.keys(got!).sort()).toEqual(['newset', 'ns', 'ss']);
      expect([...got!['ss']!.SS!].sort()).toEqual(['a', 'b', 'c']);
      expect(got!['ns']).toEqual({ NS: ['2'] });
      expect(got!['newset']).toEqual({ NS: ['7'] });
    });

    it('combines all four clauses in one expression, in any order', async () => {
      const got = await apply(
        { a: N(1), b: S('b'), s: { SS: ['x', 'y'] } },
        {
          UpdateExpression: 'DELETE s :x ADD a :one REMOVE b SET c = :c',
          ExpressionAttributeValues: { ':x': { SS: ['x'] }, ':one': N(1), ':c': S('c') },
        },
      );
      expect(got).toEqual({ a: N(2), s: { SS: ['y'] }, c: S('c') });
    });
  });

  describe('errors', () => {
    const item: Item = { s: S('str'), n: N(1), l: { L: [N(1)] }, m: { M: { x: N(1) } }, ss: { SS: ['a'] } };

    it('wrong operand types known from the request', async () => {
      await fails(
        item,
        { UpdateExpression: 'SET n = n + :s', ExpressionAttributeValues: { ':s': S('x') } },
        'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
      );
      await fails(
        item,
        { UpdateExpression: 'SET l = list_append(l, :s)', ExpressionAttributeValues: { ':s': S('x') } },
        'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
      );
      await fails(
        item,
        { UpdateExpression: 'ADD n :s', ExpressionAttributeValues: { ':s': S('x') } },
        'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND',
      );
      await fails(
        item,
        { UpdateExpression: 'DELETE ss :n', ExpressionAttributeValues: { ':n': N(1) } },
        'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND',
      );
    });

    it('wrong operand types found in the item', async () => {
      const msg = 'An operand in the update expression has an incorrect data type';
      await fails(item, { UpdateExpression: 'SET s = s + :one', ExpressionAttributeValues: { ':one': N(1) } }, msg);
      await fails(item, { UpdateExpression: 'ADD s :one', ExpressionAttributeValues: { ':one': N(1) } }, msg);
      await fails(item, { UpdateExpression: 'ADD ss :ns', ExpressionAttributeValues: { ':ns': { NS: ['1'] } } }, msg);
      await fails(
        item,
        { UpdateExpression: 'SET m = list_append(m, :l)', ExpressionAttributeValues: { ':l': { L: [] } } },
        msg,
      );
    });

    it('arithmetic on a missing attribute', async () => {
      await fails(
        item,
        { UpdateExpression: 'SET n = absent1 + :one', ExpressionAttributeValues: { ':one': N(1) } },
        'The provided expression refers to an attribute that does not exist in the item',
      );
    });

    it('paths that cannot be updated', async () => {
      const msg = 'The document path provided in the update expression is invalid for update';
      await fails(item, { UpdateExpression: 'SET nothere.x = :v', ExpressionAttributeValues: { ':v': N(1) } }, msg);
      await fails(item, { UpdateExpression: 'SET s.x = :v', ExpressionAttributeValues: { ':v': N(1) } }, msg);
      await fails(item, { UpdateExpression: 'SET m[0] = :v', ExpressionAttributeValues: { ':v': N(1) } }, msg);
      await fails(item, { UpdateExpression: 'SET l.x = :v', ExpressionAttributeValues: { ':v': N(1) } }, msg);
    });

    it('overlapping and conflicting paths', async () => {
      await fails(
        item,
        { UpdateExpression: 'SET s = :v REMOVE s', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [s], path two: [s]',
      );
      await fails(
        item,
        { UpdateExpression: 'SET m = :v, m.x = :v', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, x]',
      );
      await fails(
        item,
        { UpdateExpression: 'SET m.x = :v, m[0] = :v', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [m, x], path two: [m, [0]]',
      );
    });

    it('syntax: empty, garbage, repeated clauses, unknown and misplaced functions', async () => {
      await fails(item, { UpdateExpression: '' }, 'Invalid UpdateExpression: The expression can not be empty;');
      await fails(
        item,
        { UpdateExpression: 'INVALID SYNTAX HERE' },
        'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = :v SET b = :v', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = nope(:v)', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: Invalid function name; function: nope',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = size(s)' },
        'Invalid UpdateExpression: The function is not allowed in an update expression; function: size',
      );
    });

    it('placeholders: undefined, unused, malformed, empty maps', async () => {
      await fails(
        item,
        { UpdateExpression: 'SET a = :v' },
        'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v',
      );
      await fails(
        item,
        { UpdateExpression: 'SET #a = :v', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': N(1), ':unused': N(2) } },
        'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}',
      );
      await fails(
        item,
        {
          UpdateExpression: 'SET a = :v',
          ExpressionAttributeValues: { ':v': N(1) },
          ExpressionAttributeNames: { '#unused': 'x' },
        },
        'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: {} },
        'ExpressionAttributeValues must not be empty',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': N(1) }, ExpressionAttributeNames: {} },
        'ExpressionAttributeNames must not be empty',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': N(1), v: N(1) } },
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"',
      );
      await fails(
        item,
        { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { SS: [] } } },
        'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
      );
    });

    it('reserved words need #aliases', async () => {
      await fails(
        item,
        { UpdateExpression: 'SET status = :v', ExpressionAttributeValues: { ':v': N(1) } },
        'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status',
      );
      const got = await apply(item, {
        UpdateExpression: 'SET #status = :v, #name = :v, #data.#count = :v',
        ExpressionAttributeNames: { '#status': 'status', '#name': 'name', '#data': 'm', '#count': 'count' },
        ExpressionAttributeValues: { ':v': N(7) },
      });
      expect(got).toMatchObject({ status: N(7), name: N(7), m: { M: { x: N(1), count: N(7) } } });
    });
  });
});

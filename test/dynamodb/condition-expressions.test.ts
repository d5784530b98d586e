import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, putAll, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'cond-expr';

/** The fixture every filter below runs against. */
const ITEMS: Item[] = [
  {
    pk: S('a'),
    n: N(1),
    s: S('apple'),
    b: { B: Uint8Array.from([1, 2]) },
    ss: { SS: ['red', 'green'] },
    ns: { NS: ['1', '2', '3'] },
    l: { L: [S('x'), N(7), { M: { deep: S('yes') } }] },
    m: { M: { kid: { M: { v: N(10) } }, tag: S('t1') } },
    flag: { BOOL: true },
    nul: { NULL: true },
  },
  { pk: S('b'), n: N(-2.5), s: S('banana'), ss: { SS: ['yellow'] }, l: { L: [] }, m: { M: {} }, flag: { BOOL: false } },
  { pk: S('c'), n: N(100), s: S('cherry'), b: { B: Uint8Array.from([255]) }, l: { L: [S('x')] } },
  { pk: S('d'), n: S('not-a-number'), s: S('') },
  { pk: S('e') },
];

describe('DynamoDB condition and filter expressions over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T));
    await putAll(server.ddb, T, ITEMS);
  });
  afterAll(() => server.stop());

  /** The sorted pks a Scan FilterExpression keeps. */
  async function matching(
    FilterExpression: string,
    values?: Record<string, AttributeValue>,
    names?: Record<string, string>,
  ) {
    const out = await server.ddb.send(
      new ScanCommand({
        TableName: T,
        FilterExpression,
        ...(values ? { ExpressionAttributeValues: values } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
      }),
    );
    expect(out.ScannedCount).toBe(ITEMS.length);
    return (out.Items ?? []).map((i) => i['pk']!.S!).sort();
  }

  it('comparators on numbers compare numerically and never match other types', async () => {
    expect(await matching('n = :v', { ':v': N('1.0') })).toEqual(['a']);
    // A missing attribute is "not equal" to anything.
    expect(await matching('n <> :v', { ':v': N(1) })).toEqual(['b', 'c', 'd', 'e']);
    expect(await matching('n < :v', { ':v': N(2) })).toEqual(['a', 'b']);
    expect(await matching('n <= :v', { ':v': N(1) })).toEqual(['a', 'b']);
    expect(await matching('n > :v', { ':v': N(1) })).toEqual(['c']);
    expect(await matching('n >= :v', { ':v': N('-2.5') })).toEqual(['a', 'b', 'c']);
  });

  it('comparators on strings and binaries compare by bytes', async () => {
    expect(await matching('s < :v', { ':v': S('b') })).toEqual(['a', 'd']);
    expect(await matching('s > :v', { ':v': S('banana') })).toEqual(['c']);
    expect(await matching('b < :v', { ':v': { B: Uint8Array.from([2]) } })).toEqual(['a']);
    expect(await matching('b > :v', { ':v': { B: Uint8Array.from([1, 2]) } })).toEqual(['c']);
  });

  it('BETWEEN and IN', async () => {
    expect(await matching('n BETWEEN :lo AND :hi', { ':lo': N(-3), ':hi': N(1) })).toEqual(['a', 'b']);
    expect(await matching('s BETWEEN :lo AND :hi', { ':lo': S('b'), ':hi': S('c') })).toEqual(['b']);
    expect(await matching('n IN (:x, :y, :z)', { ':x': N(100), ':y': N(-2.5), ':z': S('not-a-number') })).toEqual([
      'b',
      'c',
      'd',
    ]);
  });

  it('AND binds tighter than OR; NOT binds tighter than AND; parentheses override', async () => {
    const one = N(1);
    const b = S('banana');
    const c = S('cherry');
    expect(await matching('n = :one OR s = :b AND s = :c', { ':one': one, ':b': b, ':c': c })).toEqual(['a']);
    expect(await matching('(n = :one OR s = :b) AND s = :b', { ':one': one, ':b': b })).toEqual(['b']);
    expect(await matching('NOT s = :b AND NOT s = :c', { ':b': b, ':c': c })).toEqual(['a', 'd', 'e']);
    expect(await matching('NOT (s = :b OR s = :c)', { ':b': b, ':c': c })).toEqual(['a', 'd', 'e']);
  });

  it('attribute_exists / attribute_not_exists on top-level and nested paths', async () => {
    expect(await matching('attribute_exists(b)')).toEqual(['a', 'c']);
    expect(await matching('attribute_not_exists(s)')).toEqual(['e']);
    expect(await matching('attribute_exists(m.kid.v)')).toEqual(['a']);
    expect(await matching('attribute_exists(l[1])')).toEqual(['a']);
    expect(await matching('attribute_exists(l[0])')).toEqual(['a', 'c']);
    expect(await matching('attribute_exists(nul)')).toEqual(['a']);
  });

  it('attribute_type for every type', async () => {
    const cases: Array<[string, string[]]> = [
      ['S', ['d']],
      ['N', ['a', 'b', 'c']],
      ['B', ['a', 'c']],
      ['SS', ['a', 'b']],
      ['NS', ['a']],
      ['L', ['a', 'b', 'c']],
      ['M', ['a', 'b']],
      ['BOOL', ['a', 'b']],
      ['NULL', ['a']],
      ['BS', []],
    ];
    for (const [type, pks] of cases) {
      const attr = { S: 'n', N: 'n', B: 'b', SS: 'ss', NS: 'ns', L: 'l', M: 'm', BOOL: 'flag', NULL: 'nul', BS: 'bs' }[
        type
      ]!;
      expect(await matching(`attribute_type(${attr}, :t)`, { ':t': S(type) }), type).toEqual(pks);
    }
  });

  it('begins_with on strings and binaries, contains on strings, sets and lists', async () => {
    expect(await matching('begins_with(s, :p)', { ':p': S('ba') })).toEqual(['b']);
    expect(await matching('begins_with(s, :p)', { ':p': S('') })).toEqual(['a', 'b', 'c', 'd']);
    expect(await matching('begins_with(b, :p)', { ':p': { B: Uint8Array.from([1]) } })).toEqual(['a']);
    expect(await matching('contains(s, :p)', { ':p': S('an') })).toEqual(['b']);
    expect(await matching('contains(ss, :p)', { ':p': S('red') })).toEqual(['a']);
    expect(await matching('contains(ns, :p)', { ':p': N('2.0') })).toEqual(['a']);
    expect(await matching('contains(l, :p)', { ':p': S('x') })).toEqual(['a', 'c']);
    expect(await matching('contains(l, :p)', { ':p': N(7) })).toEqual(['a']);
  });

  it('size() of strings, binaries, sets, lists and maps', async () => {
    expect(await matching('size(s) = :n', { ':n': N(6) })).toEqual(['b', 'c']);
    expect(await matching('size(s) = :n', { ':n': N(0) })).toEqual(['d']);
    expect(await matching('size(b) = :n', { ':n': N(2) })).toEqual(['a']);
    expect(await matching('size(ss) = :n', { ':n': N(2) })).toEqual(['a']);
    expect(await matching('size(l) > :n', { ':n': N(0) })).toEqual(['a', 'c']);
    expect(await matching('size(m) = :n', { ':n': N(0) })).toEqual(['b']);
    expect(await matching('size(m.kid) = :n', { ':n': N(1) })).toEqual(['a']);
    // size() of a number is undefined, so only d (whose n is a string) matches.
    expect(await matching('size(n) > :n', { ':n': N(-1) })).toEqual(['d']);
  });

  it('nested paths, list indexes and #aliases for odd names', async () => {
    expect(await matching('m.kid.v = :v', { ':v': N(10) })).toEqual(['a']);
    expect(await matching('l[2].deep = :v', { ':v': S('yes') })).toEqual(['a']);
    expect(await matching('#m.#t = :v', { ':v': S('t1') }, { '#m': 'm', '#t': 'tag' })).toEqual(['a']);
    expect(await matching('flag = :t', { ':t': { BOOL: true } })).toEqual(['a']);
    expect(await matching('l = :l', { ':l': { L: [S('x')] } })).toEqual(['c']);
    expect(await matching('ss = :ss', { ':ss': { SS: ['green', 'red'] } })).toEqual(['a']);
  });

  it('ConditionExpression on PutItem uses the same language', async () => {
    await server.ddb.send(
      new PutItemCommand({
        TableName: T,
        Item: { pk: S('cond'), v: N(1) },
        ConditionExpression: 'attribute_not_exists(pk) OR v < :max',
        ExpressionAttributeValues: { ':max': N(5) },
      }),
    );
    await expectError(
      server.ddb.send(
        new PutItemCommand({
          TableName: T,
          Item: { pk: S('cond'), v: N(9) },
          ConditionExpression: 'size(v) > :z AND begins_with(pk, :p)',
          ExpressionAttributeValues: { ':z': N(0), ':p': S('c') },
        }),
      ),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
  });

  describe('errors', () => {
    const scan = (FilterExpression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) =>
      server.ddb.send(
        new ScanCommand({
          TableName: T,
          FilterExpression,
          ...(values ? { ExpressionAttributeValues: values } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
    const cond = (
      ConditionExpression: string,
      values?: Record<string, AttributeValue>,
      names?: Record<string, string>,
    ) =>
      server.ddb.send(
        new PutItemCommand({
          TableName: T,
          Item: { pk: S('never') },
          ConditionExpression,
          ...(values ? { ExpressionAttributeValues: values } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );

    it('unknown functions and wrongly typed arguments', async () => {
      await expectError(
        scan('nope(s)'),
        'ValidationException',
        'Invalid FilterExpression: Invalid function name; function: nope',
      );
      await expectError(
        cond('begins_with(s, :n)', { ':n': N(1) }),
        'ValidationException',
        'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
      );
      await expectError(
        cond('attribute_type(s, :t)', { ':t': S('STRING') }),
        'ValidationException',
        // The order of the ten names has varied between AWS releases; all ten must be listed.
        /^Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: \{(?=[^}]*\bNULL\b)(?=[^}]*\bBOOL\b)(?=[^}]*\bSS\b)(?=[^}]*\bNS\b)(?=[^}]*\bBS\b)(?=[^}]*\bL\b)(?=[^}]*\bM\b)(?=[^}]*\bS\b)(?=[^}]*\bN\b)(?=[^}]*\bB\b)[A-Z,]{28}\}$/,
      );
      await expectError(
        cond('size(:n) > :n', { ':n': N(1) }),
        'ValidationException',
        'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N',
      );
      await expectError(
        cond('n BETWEEN :hi AND :lo', { ':hi': N(5), ':lo': N(1) }),
        'ValidationException',
        'Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
      );
    });

    it('functions used where a value or a condition is expected', async () => {
      await expectError(
        cond('size(s)'),
        'ValidationException',
        'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size',
      );
      await expectError(
        cond('attribute_exists(s) = :t', { ':t': { BOOL: true } }),
        'ValidationException',
        'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists',
      );
    });

    it('syntax errors name the token and its neighbourhood', async () => {
      await expectError(
        cond('a = = b'),
        'ValidationException',
        'Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"',
      );
      await expectError(
        cond(''),
        'ValidationException',
        'Invalid ConditionExpression: The expression can not be empty;',
      );
    });

    it('undefined and unused placeholders', async () => {
      await expectError(
        cond('s = :nope'),
        'ValidationException',
        'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope',
      );
      await expectError(
        scan('#nope = :v', { ':v': N(1) }),
        'ValidationException',
        'Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #nope',
      );
      await expectError(
        scan('s = :v', { ':v': N(1), ':extra': N(2) }),
        'ValidationException',
        'Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}',
      );
      await expectError(
        scan('s = :v', { ':v': N(1) }, { '#extra': 'x' }),
        'ValidationException',
        'Value provided in ExpressionAttributeNames unused in expressions: keys: {#extra}',
      );
      await expectError(
        server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S('a') }, ProjectionExpression: '#nope' })),
        'ValidationException',
        'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope',
      );
      await expectError(
        server.ddb.send(
          new PutItemCommand({ TableName: T, Item: { pk: S('x') }, ExpressionAttributeValues: { ':v': S('unused') } }),
        ),
        'ValidationException',
        'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
      );
    });

    it('reserved words are rejected without an alias, in every kind of expression', async () => {
      await expectError(
        cond('status = :v', { ':v': N(1) }),
        'ValidationException',
        'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status',
      );
      await expectError(
        scan('size(#ok) > :v AND name = :v', { ':v': N(1) }, { '#ok': 'x' }),
        'ValidationException',
        'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: name',
      );
      await expectError(
        server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S('a') }, ProjectionExpression: 'pk, data' })),
        'ValidationException',
        'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: data',
      );
      const ok = await server.ddb.send(
        new GetItemCommand({
          TableName: T,
          Key: { pk: S('a') },
          ProjectionExpression: 'pk, #d',
          ExpressionAttributeNames: { '#d': 'data' },
        }),
      );
      expect(ok.Item).toEqual({ pk: S('a') });
    });
  });
});

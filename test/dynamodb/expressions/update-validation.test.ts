import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../../src/services/dynamodb/types.js';
import { compile, compileError } from './helpers.js';

const updateError = (update: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) =>
  compileError({ update, values, names });

describe('UpdateExpression validation', () => {
  it.each([
    [' set #c = :c set abOrt = true ', 'Attribute name is a reserved keyword; reserved keyword: abOrt'],
    [' remove Absolute ', 'Attribute name is a reserved keyword; reserved keyword: Absolute'],
    ['SET COMMENT = :value', 'Attribute name is a reserved keyword; reserved keyword: COMMENT'],
    ['SET #list[0].COMMENT = :value', 'Attribute name is a reserved keyword; reserved keyword: COMMENT'],
    ['set #c = if_not_exist(:c) set c = d', 'Invalid function name; function: if_not_exist'],
    ['SET a = f(b,c,d)', 'Invalid function name; function: f'],
    ['SET a = f123_hi(b,c,d)', 'Invalid function name; function: f123_hi'],
    ['SET a = LIST_APPEND(:a, :b)', 'Invalid function name; function: LIST_APPEND'],
    ['SET #r = contains(s, :needle)', 'The function is not allowed in an update expression; function: contains'],
    ['SET #r = size(s)', 'The function is not allowed in an update expression; function: size'],
    [
      'SET #r = list_append(list_append(l, :t), :u)',
      'The function is not allowed to be used this way in an expression; function: list_append',
    ],
    [
      'SET a = list_append(a, :b) + :c',
      'The function is not allowed to be used this way in an expression; function: list_append',
    ],
    [
      'SET a = if_not_exists(a, list_append(a, :b))',
      'The function is not allowed to be used this way in an expression; function: list_append',
    ],
    ['set a = #c set c = :d', 'The "SET" section can only be used once in an update expression;'],
    ['remove #d set a = b remove e', 'The "REMOVE" section can only be used once in an update expression;'],
    ['add #d :e set a = b add e :f', 'The "ADD" section can only be used once in an update expression;'],
    ['delete #d :e set a = b delete #e :f', 'The "DELETE" section can only be used once in an update expression;'],
    ['SET a = :v REMOVE a SET b = :w', 'The "SET" section can only be used once in an update expression;'],
    [
      'SET #c = if_not_exists(:c)',
      'An expression attribute name used in the document path is not defined; attribute name: #c',
    ],
    [
      'SET #a = if_not_exists(:c)',
      'An expression attribute value used in expression is not defined; attribute value: :c',
    ],
    [
      'set a = if_not_exists(c)',
      'Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1',
    ],
    [
      'set a = list_append(c)',
      'Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1',
    ],
    [
      'set a = if_not_exists(:a, c)',
      'Operator or function requires a document path; operator or function: if_not_exists',
    ],
    [
      'set a = if_not_exists(if_not_exists(a, b), c)',
      'Operator or function requires a document path; operator or function: if_not_exists',
    ],
    [
      'set a = if_not_exists(b, b)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: if_not_exists, first operand: [b]',
    ],
  ])('%j', (update, message) => {
    expect(updateError(update, { ':a': { S: 'a' }, ':b': { S: 'a' } }, { '#a': 'a', '#b': 'b', '#list': 'list' })).toBe(
      `Invalid UpdateExpression: ${message}`,
    );
  });

  it.each([
    ['set d[1] = a, d.b = a, c[1].a = a, #c = a', '[c, [1], a]', '[c]'],
    ['set #c[3].#d = a, #c[3] = a', '[c, [3], [3]]', '[c, [3]]'],
    ['SET a = :v, a.b = :v', '[a]', '[a, b]'],
    ['SET a.b = :v, a = :v', '[a, b]', '[a]'],
    ['SET fieldx = :v, fieldx = :v', '[fieldx]', '[fieldx]'],
    ['SET lst[0] = :v, lst[0].ok = :v', '[lst, [0]]', '[lst, [0], ok]'],
    ['SET #c = :v, c = :v', '[c]', '[c]'],
    ['REMOVE a SET a = :v', '[a]', '[a]'],
    ['SET a[1][1][1][1] = :v, a[1][1] = :v', '[a, [1], [1], [1], [1]]', '[a, [1], [1]]'],
  ])('overlap %j', (update, one, two) => {
    expect(
      updateError(update, update.includes(':v') ? { ':v': { N: '1' } } : undefined, { '#c': 'c', '#d': '[3]' }),
    ).toBe(
      `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
    );
  });

  it.each([
    ['set #c[3].#d = a, #c.#d[3] = if_not_exists(a, b)', '[c, [3], [3]]', '[c, [3], [3]]'],
    ['remove a.#c set a[1] = #d', '[a, c]', '[a, [1]]'],
    ['SET a.b = :v, a[1] = :v', '[a, b]', '[a, [1]]'],
  ])('conflict %j', (update, one, two) => {
    expect(
      updateError(update, update.includes(':v') ? { ':v': { N: '1' } } : undefined, {
        '#b': 'b',
        '#c': 'c',
        '#d': '[3]',
      }),
    ).toBe(
      `Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
    );
  });

  it('checks overlaps before values', () => {
    expect(updateError('SET a = :missing, a.b = :missing')).toBe(
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
    );
  });

  it.each([
    ['add a.b :a', { S: 'a' }, 'ADD', 'STRING'],
    ['delete a.b :a', { S: 'a' }, 'DELETE', 'STRING'],
    ['add a.b :a', { NULL: true }, 'ADD', 'NULL'],
    ['delete a.b :a', { NULL: true }, 'DELETE', 'NULL'],
    ['add a.b :a', { BOOL: false }, 'ADD', 'BOOLEAN'],
    ['add a.b :a', { B: 'YQ==' }, 'ADD', 'BINARY'],
    ['add a.b :a', { M: {} }, 'ADD', 'MAP'],
    ['delete a.b :a', { M: {} }, 'DELETE', 'MAP'],
    ['add a.b :a', { L: [] }, 'ADD', 'LIST'],
    ['delete a.b :a', { L: [] }, 'DELETE', 'LIST'],
    ['delete a.b :a', { N: '1' }, 'DELETE', 'NUMBER'],
  ] as const)('%j with %j', (update, value, action, type) => {
    expect(updateError(update, { ':a': value as AttributeValue })).toBe(
      `Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ${action}, operand type: ${type}, typeSet: ALLOWED_FOR_${action}_OPERAND`,
    );
  });

  it.each([
    ['set a = list_append(:a, a)', 'list_append', 'S'],
    ['set a = list_append(a, :b)', 'list_append', 'N'],
    ['set a = list_append(:c, a)', 'list_append', 'B'],
    ['set a = list_append(:d, a)', 'list_append', 'BOOL'],
    ['set a = list_append(:e, a)', 'list_append', 'NULL'],
    ['set a = list_append(:f, a)', 'list_append', 'SS'],
    ['set a = list_append(:i, a)', 'list_append', 'M'],
    ['set a = a + :a', '+', 'S'],
    ['set a = :a + :c', '+', 'S'],
    ['set a = :c + a', '+', 'B'],
    ['set a = a + :j', '+', 'L'],
    ['set a = a - :g', '-', 'NS'],
  ])('%j', (update, op, type) => {
    const values: Record<string, AttributeValue> = {
      ':a': { S: 'a' },
      ':b': { N: '1' },
      ':c': { B: 'YQ==' },
      ':d': { BOOL: false },
      ':e': { NULL: true },
      ':f': { SS: ['a'] },
      ':g': { NS: ['1'] },
      ':i': { M: {} },
      ':j': { L: [] },
    };
    const used = Object.fromEntries(Object.entries(values).filter(([k]) => update.includes(k)));
    expect(updateError(update, used)).toBe(
      `Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
    );
  });

  it('resolves values from the last action to the first', () => {
    expect(updateError('SET a = :one, b = :two')).toBe(
      'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :two',
    );
    expect(updateError('SET #one = :v, #two = :v', { ':v': { N: '1' } })).toBe(
      'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #two',
    );
  });

  it('accepts the documented forms', () => {
    const values = { ':v': { N: '1' }, ':l': { L: [] }, ':s': { SS: ['x'] } };
    for (const update of [
      'SET a = :v, b = a, c = a + :v, d = :v - a, e = if_not_exists(e, :v), f = list_append(f, :l)',
      'SET a = list_append(if_not_exists(a, :l), :l) REMOVE b, c[1] ADD n :v, s :s DELETE t :s',
      'set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :s, c[6] :v',
      'SET b = if_not_exists(b, :v)+:v',
      'SET a = (:v + :v)',
      'SET a = (:v)',
      'SET a = ((:v) + :v)',
      'ADD #x :v',
      'SET #x = :l',
    ]) {
      const used = Object.fromEntries(Object.entries(values).filter(([k]) => update.includes(k)));
      expect(
        () => compile({ update, values: used, names: update.includes('#x') ? { '#x': 'x' } : undefined }),
        update,
      ).not.toThrow();
    }
  });

  it('rejects redundant parentheses around update values', () => {
    expect(updateError('SET a = ((:v))', { ':v': { N: '1' } })).toBe(
      'Invalid UpdateExpression: The expression has redundant parentheses;',
    );
    expect(updateError('SET a = ((:v + :v))', { ':v': { N: '1' } })).toBe(
      'Invalid UpdateExpression: The expression has redundant parentheses;',
    );
  });

  it('builds actions in document order', () => {
    const { update } = compile({
      update: 'REMOVE x SET a.b[2] = :v ADD n :v DELETE s :s',
      values: { ':v': { N: '1' }, ':s': { SS: ['q'] } },
    });
    expect(update!.actions).toEqual([
      { action: 'REMOVE', path: ['x'] },
      { action: 'SET', path: ['a', 'b', 2], value: { type: 'value', value: { N: '1' } } },
      { action: 'ADD', path: ['n'], value: { N: '1' } },
      { action: 'DELETE', path: ['s'], value: { SS: ['q'] } },
    ]);
  });

  it('rejects updates too large for an item', () => {
    const big = 'x'.repeat(300_000);
    expect(updateError('SET a = :a, b = :b', { ':a': { S: big }, ':b': { S: big } })).toBe(
      'Item size to update has exceeded the maximum allowed size',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../../src/services/dynamodb/types.js';
import { compile, compileError } from './helpers.js';

const filterError = (expression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) =>
  compileError({ filter: expression, values, names });

describe('redundant parentheses', () => {
  it.each([
    'a=a and a > ((views))',
    '(a)between(((b.c)).d)and(c)',
    'a > whatever((:things), ((a)))',
    'a=a AND ((a=a AND a=a)) AND a=a',
    'a=a OR ((a=a OR a=a)) OR a=a',
    'a=a AND ((a=a AND (a=a AND a=a)))',
    'a=a OR ((a=a OR (a=a OR a=a)))',
    '((#name = :value))',
    '((#name)) = :value',
    'NOT ((a = :v))',
    '((attribute_exists(a)))',
  ])('%j', (expression) => {
    expect(filterError(expression)).toBe('Invalid FilterExpression: The expression has redundant parentheses;');
  });

  it.each([
    '(#t = :a) OR (#t = :b)',
    '(#t = :a OR #t = :b)',
    '(#t = :a OR (#t = :b))',
    '(#m = :m) AND ((#t = :a) OR (#t = :b))',
    '(#m = :m) AND (NOT (#s = :s))',
    '(attribute_not_exists(pk)) AND (attribute_not_exists(#s))',
    '(#s = :a) AND (begins_with(#n, :b))',
    '(#s) = :a',
    '((#s) = :a)',
    'size(#n) > (:a)',
  ])('accepts %j', (expression) => {
    const names = ['#t', '#m', '#s', '#n'].filter((n) => expression.includes(n));
    const values = [':a', ':b', ':m', ':s'].filter((v) => expression.includes(v));
    expect(() =>
      compile({
        filter: expression,
        names: names.length ? Object.fromEntries(names.map((n) => [n, n.slice(1)])) : undefined,
        values: values.length ? Object.fromEntries(values.map((v) => [v, { S: 'x' }])) : undefined,
      }),
    ).not.toThrow();
  });

  it('redundant parentheses are reported during parsing, before later syntax errors', () => {
    expect(filterError('((a = :v)) AND')).toBe('Invalid FilterExpression: The expression has redundant parentheses;');
  });

  it('handles deep nesting without crashing', () => {
    expect(filterError('('.repeat(2046) + 'a<b' + ')'.repeat(2046))).toBe(
      'Invalid FilterExpression: The expression has redundant parentheses;',
    );
    expect(filterError('('.repeat(4096))).toMatch(/Syntax error; token: "<EOF>"/);
  });
});

describe('function names and placement', () => {
  it.each([
    ['a=a and whatever((:things)) > a', 'Invalid function name; function: whatever'],
    ['attRIbute_exIsts((views), #a)', 'Invalid function name; function: attRIbute_exIsts'],
    ['dog(a) = :a', 'Invalid function name; function: dog'],
    ['a < f(f(f(b)))', 'Invalid function name; function: f'],
    ['if_not_exists(a, a) = :a', 'The function is not allowed in a condition expression; function: if_not_exists'],
    ['list_append(a, a) = :a', 'The function is not allowed in a condition expression; function: list_append'],
    [
      'a=a and attribute_exists((views), (#a)) > b',
      'The function is not allowed to be used this way in an expression; function: attribute_exists',
    ],
    [
      'attribute_not_exists(things) > b',
      'The function is not allowed to be used this way in an expression; function: attribute_not_exists',
    ],
    [
      'attribute_type(things, :a) > b',
      'The function is not allowed to be used this way in an expression; function: attribute_type',
    ],
    [
      'begins_with(things, a) > b',
      'The function is not allowed to be used this way in an expression; function: begins_with',
    ],
    [
      'contains(:things, c) > b',
      'The function is not allowed to be used this way in an expression; function: contains',
    ],
    [
      'size(contains(a, b)) > a',
      'The function is not allowed to be used this way in an expression; function: contains',
    ],
    ['size(things)', 'The function is not allowed to be used this way in an expression; function: size'],
    [
      'a between b and attribute_exists(things)',
      'The function is not allowed to be used this way in an expression; function: attribute_exists',
    ],
    [
      'a in (b, attribute_exists(things))',
      'The function is not allowed to be used this way in an expression; function: attribute_exists',
    ],
    ['attribute_exists(views, #a)', 'Attribute name is a reserved keyword; reserved keyword: views'],
    [':a < abOrT', 'Attribute name is a reserved keyword; reserved keyword: abOrT'],
    ['m.COMMENT = :value', 'Attribute name is a reserved keyword; reserved keyword: COMMENT'],
    ['begins_with(m.COMMENT, :value)', 'Attribute name is a reserved keyword; reserved keyword: COMMENT'],
    ['status = :v AND foo(a)', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['a[99999999999] = :v', 'List index is not within the allowable range; index: [99999999999]'],
  ])('%j', (expression, message) => {
    expect(filterError(expression)).toBe(`Invalid FilterExpression: ${message}`);
  });
});

describe('placeholders and operands (checked bottom-up, in document order)', () => {
  it.each([
    [
      'attribute_exists(#Pictures.RearView, :a) and a=a',
      'An expression attribute name used in the document path is not defined; attribute name: #Pictures',
    ],
    [
      'begins_with(Pictures.#RearView)',
      'An expression attribute name used in the document path is not defined; attribute name: #RearView',
    ],
    [
      '(#P between :lo and :hi) and (#PC in (:cat1, :cat2))',
      'An expression attribute name used in the document path is not defined; attribute name: #P',
    ],
    ['#4g > a', 'An expression attribute name used in the document path is not defined; attribute name: #4g'],
    ['#_ > a', 'An expression attribute name used in the document path is not defined; attribute name: #_'],
    [
      '(a)between(b.c[45].#d)and(:a)',
      'An expression attribute name used in the document path is not defined; attribute name: #d',
    ],
    [
      'begins_with(:hello, #a, #b)',
      'An expression attribute value used in expression is not defined; attribute value: :hello',
    ],
    [':a < :b', 'An expression attribute value used in expression is not defined; attribute value: :a'],
    [':_ > a', 'An expression attribute value used in expression is not defined; attribute value: :_'],
    [
      'attribute_exists(things, a) and a=a',
      'Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2',
    ],
    [
      'attribute_not_exists(things, b)',
      'Incorrect number of operands for operator or function; operator or function: attribute_not_exists, number of operands: 2',
    ],
    [
      'attribute_type(things)',
      'Incorrect number of operands for operator or function; operator or function: attribute_type, number of operands: 1',
    ],
    [
      'begins_with(things)',
      'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1',
    ],
    [
      'begins_with(things, size(a), b)',
      'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3',
    ],
    [
      'contains(things)',
      'Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1',
    ],
    [
      'size(things, a) > b',
      'Incorrect number of operands for operator or function; operator or function: size, number of operands: 2',
    ],
    [
      'a = a AND #a = b AND :views > a',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]',
    ],
    [
      '((a=a) OR (a=a))',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]',
    ],
    [
      'contains(ab.bc[1].a, ab.bc[1].#a)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [ab, bc, [1], a]',
    ],
    [
      'attribute_type(ab.bc[1].#a, ab.bc[1].a)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [ab, bc, [1], a]',
    ],
    [
      'begins_with(ab.bc[1].a, ab.bc[1].#a)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [ab, bc, [1], a]',
    ],
    [
      '#a <> a',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a]',
    ],
    [
      'a > #a',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: >, first operand: [a]',
    ],
    ['a BETWEEN :x AND a', 'An expression attribute value used in expression is not defined; attribute value: :x'],
    [
      'a IN (b, a)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]',
    ],
  ])('%j', (expression, message) => {
    const names =
      expression.includes('#a') && !expression.includes('#Pictures') && !expression.includes('#RearView')
        ? { '#a': 'a' }
        : undefined;
    expect(filterError(expression, undefined, names)).toBe(`Invalid FilterExpression: ${message}`);
  });

  it.each([
    ['attribute_type(a, size(a)) and a=a and a=:a', { N: '1' }, 'attribute_type', 'N'],
    ['attribute_type(a, :a)', { N: '1' }, 'attribute_type', 'N'],
    ['attribute_type(a, :a)', { B: 'YQ==' }, 'attribute_type', 'B'],
    ['attribute_type(a, :a)', { BOOL: true }, 'attribute_type', 'BOOL'],
    ['attribute_type(a, :a)', { NULL: true }, 'attribute_type', 'NULL'],
    ['attribute_type(a, :a)', { L: [] }, 'attribute_type', 'L'],
    ['attribute_type(a, :a)', { M: {} }, 'attribute_type', 'M'],
    ['attribute_type(a, :a)', { SS: ['1'] }, 'attribute_type', 'SS'],
    ['begins_with(a, size(a)) and a=:a', { N: '1' }, 'begins_with', 'N'],
    ['begins_with(a, :a)', { N: '1' }, 'begins_with', 'N'],
    ['begins_with(a, :a)', { BOOL: true }, 'begins_with', 'BOOL'],
    ['begins_with(:a, a)', { L: [] }, 'begins_with', 'L'],
    ['begins_with(:a, a)', { NS: ['1'] }, 'begins_with', 'NS'],
    ['size(size(a)) > :a', { N: '1' }, 'size', 'N'],
    ['attribute_not_exists(size(:a))', { N: '1' }, 'size', 'N'],
    ['size(:a) > a', { BOOL: true }, 'size', 'BOOL'],
    ['size(:a) > a', { NULL: true }, 'size', 'NULL'],
    ['a < :a', { L: [] }, '<', 'L'],
    ['a BETWEEN :a AND :a', { SS: ['x'] }, 'BETWEEN', 'SS'],
  ] as const)('%j with %j', (expression, value, op, type) => {
    expect(filterError(expression, { ':a': value as AttributeValue })).toBe(
      `Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
    );
  });

  it('reports a path as attribute_type operand with every possible type', () => {
    expect(compileError({ condition: 'attribute_type(#n, S)', names: { '#n': 'name' } })).toBe(
      'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}',
    );
  });

  it('validates attribute_type names', () => {
    expect(filterError('attribute_type(a, :a)', { ':a': { S: 'STRING' } })).toBe(
      'Invalid FilterExpression: Invalid attribute type name found; type: STRING, valid types: {S,SS,N,NS,B,BS,BOOL,NULL,L,M}',
    );
  });

  it('requires document paths where functions need them', () => {
    expect(filterError('attribute_exists(:a) and a=a', { ':a': { S: '1' } })).toBe(
      'Invalid FilterExpression: Operator or function requires a document path; operator or function: attribute_exists',
    );
    expect(filterError('attribute_not_exists(size(:a))', { ':a': { S: '1' } })).toBe(
      'Invalid FilterExpression: Operator or function requires a document path; operator or function: attribute_not_exists',
    );
  });

  it('checks BETWEEN bounds given as values', () => {
    expect(compileError({ keyCondition: 'a between :b and :a', values: { ':a': { S: 'a' }, ':b': { N: '1' } } })).toBe(
      'Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}',
    );
    expect(compileError({ keyCondition: 'a between :b and :a', values: { ':a': { S: 'a' }, ':b': { S: 'b' } } })).toBe(
      'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}',
    );
    expect(
      compileError({ condition: 'pk BETWEEN :l AND :u', values: { ':l': { B: 'eg==' }, ':u': { B: 'YQ==' } } }),
    ).toBe(
      'Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {B:eg==}, upper bound operand: AttributeValue: {B:YQ==}',
    );
    expect(() =>
      compile({ condition: 'pk BETWEEN :l AND :u', values: { ':l': { N: '5' }, ':u': { N: '5' } } }),
    ).not.toThrow();
    // Bounds from the item are only compared at evaluation time.
    expect(() => compile({ condition: 'a BETWEEN two AND :v', values: { ':v': { S: 'x' } } })).not.toThrow();
  });

  it('limits IN to 100 values after the left operand', () => {
    const values = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`:v${i}`, { N: String(i) }]));
    const keys = Object.keys(values);
    expect(() =>
      compile({
        condition: `a IN (${keys.slice(0, 100).join(',')})`,
        values: Object.fromEntries(keys.slice(0, 100).map((k) => [k, values[k]!])),
      }),
    ).not.toThrow();
    expect(compileError({ condition: `a IN (${keys.join(',')})`, values })).toBe(
      'Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101',
    );
  });

  it('limits expressions to 300 operators', () => {
    const ok = 'a<b ' + 'or (a<b '.repeat(149) + ')'.repeat(149);
    expect(() => compile({ condition: ok })).not.toThrow();
    const tooMany = 'a<b ' + 'or (a<b '.repeat(151) + ')'.repeat(151);
    expect(compileError({ condition: tooMany })).toBe(
      'Invalid ConditionExpression: The expression contains too many operators; operator count: 301',
    );
  });

  it('limits document paths to 32 levels', () => {
    expect(() => compile({ condition: `attribute_exists(a${'.b'.repeat(31)})` })).not.toThrow();
    expect(compileError({ condition: `attribute_exists(a${'.b'.repeat(32)})` })).toBe(
      'Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33',
    );
  });
});

describe('resolved condition trees', () => {
  it('applies NOT > AND > OR precedence', () => {
    const { condition } = compile({ condition: 'NOT a = :v AND b = :v OR c = :v', values: { ':v': { S: 'x' } } });
    expect(condition).toMatchObject({
      type: 'or',
      left: { type: 'and', left: { type: 'not', condition: { type: 'comparison', operator: '=' } } },
      right: { type: 'comparison', left: { type: 'path', path: ['c'] } },
    });
  });

  it('BETWEEN binds its own AND', () => {
    const { condition } = compile({
      condition: 'a BETWEEN :x AND :y AND b = :x',
      values: { ':x': { N: '1' }, ':y': { N: '2' } },
    });
    expect(condition).toMatchObject({ type: 'and', left: { type: 'between' }, right: { type: 'comparison' } });
  });

  it('resolves names, nested paths and list indexes', () => {
    const { condition } = compile({
      condition: '#a.b[1][2].#c = :v',
      names: { '#a': 'x.y', '#c': 'z' },
      values: { ':v': { N: '1' } },
    });
    expect(condition).toEqual({
      type: 'comparison',
      operator: '=',
      left: { type: 'path', path: ['x.y', 'b', 1, 2, 'z'] },
      right: { type: 'value', value: { N: '1' } },
    });
  });

  it('is case-insensitive for keywords', () => {
    expect(() =>
      compile({ condition: 'a between :x and :y or not b in (:x)', values: { ':x': { N: '1' }, ':y': { N: '2' } } }),
    ).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import {
  analyzeKeyCondition,
  convertKeyConditions,
  extractKeyConditions,
  type KeyAttribute,
} from '../../../src/services/dynamodb/expressions/index.js';
import type { AttributeValue } from '../../../src/services/dynamodb/types.js';
import { compile, errorOf } from './helpers.js';

const hash: KeyAttribute = { name: 'pk', type: 'S' };
const range: KeyAttribute = { name: 'sk', type: 'S' };

function keyCondition(
  expression: string,
  values: Record<string, AttributeValue> = { ':a': { S: '1' }, ':b': { S: '2' } },
) {
  const used = Object.fromEntries(Object.entries(values).filter(([k]) => expression.includes(k)));
  return compile({ keyCondition: expression, values: Object.keys(used).length ? used : undefined }).keyCondition!;
}

describe('extractKeyConditions', () => {
  it.each([
    ['a > :a and size(b) > :a or a > :a', 'Invalid operator used in KeyConditionExpression: OR'],
    ['a in (:a, :b)', 'Invalid operator used in KeyConditionExpression: IN'],
    ['attribute_exists(a)', 'Invalid operator used in KeyConditionExpression: attribute_exists'],
    ['attribute_not_exists(a)', 'Invalid operator used in KeyConditionExpression: attribute_not_exists'],
    ['attribute_type(a, :t)', 'Invalid operator used in KeyConditionExpression: attribute_type'],
    ['contains(a.d, :a)', 'Invalid operator used in KeyConditionExpression: contains'],
    ['not a > :a', 'Invalid operator used in KeyConditionExpression: NOT'],
    ['a <> :a', 'Invalid operator used in KeyConditionExpression: <>'],
    [
      ':a between size(b) and size(a) and b > :b',
      'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand',
    ],
    [
      'begins_with(:a, b) and a > :b',
      'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand',
    ],
    ['size(b) > :a AND a.b > :b', 'KeyConditionExpressions cannot contain nested operations'],
    ['a > size(b.d)', 'KeyConditionExpressions cannot contain nested operations'],
    ['b > a.b', 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
    [
      'b between c[1] and d',
      'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition',
    ],
    [
      'begins_with(a, b)',
      'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition',
    ],
    ['b.d > :a AND c.d > :b', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    ['b[0] > :a', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    [':b > :a AND a < :b', 'Invalid condition in KeyConditionExpression: No key attribute specified'],
    ['b > :a AND b < :a', 'KeyConditionExpressions must only contain one condition per key'],
    ['(a > :a and b > :a) and (b > :a and c > :a)', 'KeyConditionExpressions must only contain one condition per key'],
    [':a = a and b = :a and :a = c', 'Conditions can be of length 1 or 2 only'],
  ])('%j', (expression, message) => {
    const values: Record<string, AttributeValue> = { ':a': { S: '1' }, ':b': { S: '2' }, ':t': { S: 'S' } };
    expect(errorOf(() => extractKeyConditions(keyCondition(expression, values)))).toBe(message);
  });

  it('normalises operand order and keeps values', () => {
    const conditions = extractKeyConditions(keyCondition(':a <= sk AND pk = :b'));
    expect([...conditions]).toEqual([
      ['sk', { operator: 'GE', values: [{ S: '1' }] }],
      ['pk', { operator: 'EQ', values: [{ S: '2' }] }],
    ]);
  });
});

describe('analyzeKeyCondition', () => {
  it('returns the hash value and the range condition', () => {
    expect(analyzeKeyCondition(keyCondition('pk = :a'), hash, range)).toEqual({ hashValue: { S: '1' } });
    expect(analyzeKeyCondition(keyCondition('pk = :a AND sk > :b'), hash, range)).toEqual({
      hashValue: { S: '1' },
      range: { op: '>', values: [{ S: '2' }] },
    });
    expect(analyzeKeyCondition(keyCondition(':b < sk AND pk = :a'), hash, range).range).toEqual({
      op: '>',
      values: [{ S: '2' }],
    });
    expect(
      analyzeKeyCondition(keyCondition('(#pk = :a) AND (begins_with(sk, :b))'.replace('#pk', 'pk')), hash, range).range,
    ).toEqual({
      op: 'begins_with',
      values: [{ S: '2' }],
    });
    expect(analyzeKeyCondition(keyCondition('pk = :a AND sk BETWEEN :a AND :b'), hash, range).range).toEqual({
      op: 'BETWEEN',
      values: [{ S: '1' }, { S: '2' }],
    });
  });

  it.each([
    ['sk = :a', 'Query condition missed key schema element: pk'],
    ['attr1 = :a', 'Query condition missed key schema element: pk'],
    ['pk = :a AND attr2 = :b', 'Query condition missed key schema element: sk'],
    ['pk > :a', 'Query key condition not supported'],
    ['begins_with(pk, :a)', 'Query key condition not supported'],
    ['pk = :n', 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
    [
      'pk = :a AND sk < :n',
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    ],
    [
      'pk = :e',
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    ],
  ])('%j', (expression, message) => {
    const values: Record<string, AttributeValue> = {
      ':a': { S: '1' },
      ':b': { S: '2' },
      ':n': { N: '1' },
      ':e': { S: '' },
    };
    expect(errorOf(() => analyzeKeyCondition(keyCondition(expression, values), hash, range))).toBe(message);
  });

  it('reports non-indexable hash key conditions', () => {
    for (const op of ['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']) {
      const list = op === 'NULL' || op === 'NOT_NULL' ? undefined : [{ S: 'a' }];
      expect(
        errorOf(() =>
          analyzeKeyCondition(convertKeyConditions({ pk: { ComparisonOperator: op, AttributeValueList: list } }), hash),
        ),
      ).toBe('Attempted conditional constraint is not an indexable operation');
    }
    for (const op of ['LE', 'LT', 'GE', 'GT', 'BEGINS_WITH']) {
      expect(
        errorOf(() =>
          analyzeKeyCondition(
            convertKeyConditions({ pk: { ComparisonOperator: op, AttributeValueList: [{ S: 'a' }] } }),
            hash,
          ),
        ),
      ).toBe('Query key condition not supported');
    }
  });

  it('allows only one condition on a hash-only schema', () => {
    for (const expression of ['pk = :a AND sk = :a', 'y = :a and z = :a']) {
      expect(errorOf(() => analyzeKeyCondition(keyCondition(expression), hash))).toBe(
        'Query key condition not supported',
      );
    }
    expect(errorOf(() => analyzeKeyCondition(keyCondition(':n > pk', { ':n': { N: '1' } }), hash))).toBe(
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    );
  });

  it('names the index in empty key value errors', () => {
    expect(
      errorOf(() =>
        analyzeKeyCondition(keyCondition('pk = :e', { ':e': { S: '' } }), hash, undefined, { indexName: 'gsi1' }),
      ),
    ).toBe(
      'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: gsi1, IndexKey: pk',
    );
  });

  it('accepts legacy KeyConditions', () => {
    const conditions = convertKeyConditions({
      pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'legacy' }] },
      sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'beta' }, { S: 'epsilon' }] },
    });
    expect(analyzeKeyCondition(conditions, hash, range)).toEqual({
      hashValue: { S: 'legacy' },
      range: { op: 'BETWEEN', values: [{ S: 'beta' }, { S: 'epsilon' }] },
    });
    for (const op of ['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']) {
      const list = op === 'NULL' || op === 'NOT_NULL' ? undefined : [{ S: 'a' }];
      const legacy = convertKeyConditions({
        pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'b' }] },
        sk: { ComparisonOperator: op, AttributeValueList: list },
      });
      expect(errorOf(() => analyzeKeyCondition(legacy, hash, range))).toBe(
        'Attempted conditional constraint is not an indexable operation',
      );
    }
    expect(errorOf(() => convertKeyConditions({}))).toBe('Conditions can be of length 1 or 2 only');
    expect(
      errorOf(() =>
        convertKeyConditions({ pk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'b' }, { S: 'a' }] } }),
      ),
    ).toBe('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
    expect(
      errorOf(() =>
        convertKeyConditions({ pk: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'b' }, { N: '1' }] } }),
      ),
    ).toBe('One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type');
  });
});

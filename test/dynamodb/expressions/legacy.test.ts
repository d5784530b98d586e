import { describe, expect, it } from 'vitest';
import {
  applyUpdate,
  checkExpressionParameters,
  checkFilterNotOnKey,
  checkNoNestedKeyAccess,
  convertAttributeUpdates,
  convertExpected,
  convertFilter,
  evaluateCondition,
} from '../../../src/services/dynamodb/expressions/index.js';
import type { Item } from '../../../src/services/dynamodb/types.js';
import { compile, errorOf } from './helpers.js';

describe('checkExpressionParameters', () => {
  it('rejects mixing expression and non-expression parameters', () => {
    expect(
      errorOf(() =>
        checkExpressionParameters('PutItem', { Expected: {}, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    );
    expect(
      errorOf(() =>
        checkExpressionParameters('UpdateItem', {
          AttributeUpdates: {},
          UpdateExpression: 'SET a = :v',
          ExpressionAttributeValues: {},
        }),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}',
    );
    expect(
      errorOf(() =>
        checkExpressionParameters('UpdateItem', {
          Expected: {},
          AttributeUpdates: {},
          ConditionExpression: '',
          UpdateExpression: '',
        }),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}',
    );
    expect(
      errorOf(() => checkExpressionParameters('GetItem', { AttributesToGet: ['a'], ProjectionExpression: '#n' })),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
    );
    expect(
      errorOf(() =>
        checkExpressionParameters('Scan', {
          ScanFilter: {},
          AttributesToGet: [],
          ConditionalOperator: 'OR',
          FilterExpression: '',
          ProjectionExpression: '',
        }),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}',
    );
    expect(
      errorOf(() =>
        checkExpressionParameters('Query', {
          AttributesToGet: [],
          QueryFilter: {},
          ConditionalOperator: 'OR',
          KeyConditions: {},
          ProjectionExpression: '',
          FilterExpression: '',
          KeyConditionExpression: '',
        }),
      ),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}',
    );
    expect(
      errorOf(() => checkExpressionParameters('Query', { KeyConditions: {}, QueryFilter: {}, FilterExpression: '' })),
    ).toBe(
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}',
    );
    expect(() => checkExpressionParameters('Query', { KeyConditions: {}, FilterExpression: 'a = :v' })).not.toThrow();
  });

  it('requires expressions for ExpressionAttributeNames / Values', () => {
    expect(
      errorOf(() =>
        checkExpressionParameters('PutItem', {
          Expected: {},
          ExpressionAttributeNames: {},
          ExpressionAttributeValues: {},
        }),
      ),
    ).toBe('ExpressionAttributeNames can only be specified when using expressions');
    expect(
      errorOf(() => checkExpressionParameters('PutItem', { ExpressionAttributeValues: { ':v': { S: 'x' } } })),
    ).toBe('ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null');
    expect(errorOf(() => checkExpressionParameters('UpdateItem', { ExpressionAttributeValues: {} }))).toBe(
      'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
    );
    expect(errorOf(() => checkExpressionParameters('Scan', { ExpressionAttributeValues: {} }))).toBe(
      'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null',
    );
    expect(
      errorOf(() => checkExpressionParameters('Query', { ExpressionAttributeValues: {}, ProjectionExpression: 'a' })),
    ).toBe(
      'ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null',
    );
    expect(() =>
      checkExpressionParameters('GetItem', { ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a' } }),
    ).not.toThrow();
  });
});

describe('Expected', () => {
  const item: Item = {
    pk: { S: 'k' },
    status: { S: 'active' },
    role: { S: 'admin' },
    n: { N: '5' },
    tags: { SS: ['a', 'b'] },
    l: { L: [{ S: 'x' }] },
  };
  const holds = (expected: Parameters<typeof convertExpected>[0], op?: string, on: Item | null = item) =>
    evaluateCondition(convertExpected(expected, op) ?? { type: 'true' }, on ?? undefined);

  it('evaluates Value / Exists forms', () => {
    expect(holds({ pk: { Exists: false } }, undefined, null)).toBe(true);
    expect(holds({ pk: { Exists: false } })).toBe(false);
    expect(holds({ status: { Value: { S: 'active' } } })).toBe(true);
    expect(holds({ status: { Value: { S: 'active' }, Exists: true } })).toBe(true);
    expect(holds({ status: { Value: { S: 'other' } } })).toBe(false);
  });

  it('evaluates ComparisonOperator forms', () => {
    expect(
      holds(
        {
          status: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'active' }] },
          role: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'admin' }] },
        },
        'AND',
      ),
    ).toBe(true);
    expect(
      holds(
        {
          status: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'x' }] },
          role: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'admin' }] },
        },
        'AND',
      ),
    ).toBe(false);
    expect(
      holds(
        {
          status: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'x' }] },
          role: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'admin' }] },
        },
        'OR',
      ),
    ).toBe(true);
    expect(holds({ status: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'act' }] } })).toBe(true);
    expect(holds({ n: { ComparisonOperator: 'GT', Value: { N: '4' } } })).toBe(true);
    expect(holds({ n: { ComparisonOperator: 'NE', AttributeValueList: [{ S: '5' }] } })).toBe(true);
    expect(holds({ absent1: { ComparisonOperator: 'NE', AttributeValueList: [{ S: '5' }] } })).toBe(true);
    expect(holds({ absent1: { ComparisonOperator: 'NULL' } })).toBe(true);
    expect(holds({ n: { ComparisonOperator: 'NOT_NULL' } })).toBe(true);
    expect(holds({ tags: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ S: 'a' }] } })).toBe(true);
    expect(holds({ l: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ S: 'x' }] } })).toBe(true);
    expect(holds({ status: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [{ S: 'zz' }] } })).toBe(true);
    expect(holds({ absent1: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [{ S: 'zz' }] } })).toBe(false);
    expect(holds({ n: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }, { N: '5' }] } })).toBe(true);
    expect(holds({ n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '5' }] } })).toBe(true);
    expect(holds({ n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '6' }, { N: '9' }] } })).toBe(false);
  });

  it.each([
    [
      { a: {} },
      'One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a',
    ],
    [
      { a: { Exists: true } },
      'One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a',
    ],
    [
      { a: { Exists: false, Value: { S: 'a' } } },
      'One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a',
    ],
    [
      { a: { ComparisonOperator: 'LT' } },
      'One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a',
    ],
    [
      { a: { Exists: true, ComparisonOperator: 'LT' } },
      'One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a',
    ],
    [
      { a: { AttributeValueList: [{ S: 'a' }], Value: { S: 'a' }, ComparisonOperator: 'LT' } },
      'One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a',
    ],
    [
      { a: { AttributeValueList: [{ S: 'a' }] } },
      'One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a',
    ],
    [
      { a: { Exists: true, AttributeValueList: [{ S: 'a' }] } },
      'One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a',
    ],
    [
      { a: { AttributeValueList: [], ComparisonOperator: 'EQ' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator',
    ],
    [
      { a: { AttributeValueList: [{ S: 'a' }], ComparisonOperator: 'NULL' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator',
    ],
    [
      { a: { AttributeValueList: [], ComparisonOperator: 'IN' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator',
    ],
    [
      { a: { AttributeValueList: [{ N: '1' }, { N: '10' }, { N: '12' }], ComparisonOperator: 'BETWEEN' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator',
    ],
    [
      { a: { Value: { S: 'a' }, ComparisonOperator: 'NULL' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator',
    ],
    [
      { a: { Value: { S: 'a' }, ComparisonOperator: 'BETWEEN' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator',
    ],
    [
      { a: { AttributeValueList: [{ N: '5' }, { N: '1' }], ComparisonOperator: 'BETWEEN' } },
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    ],
  ] as const)('%j', (expected, message) => {
    expect(errorOf(() => convertExpected(expected))).toBe(message);
  });

  it('checks ConditionalOperator', () => {
    expect(errorOf(() => convertExpected(undefined, 'AND'))).toBe(
      'ConditionalOperator cannot be used without Filter or Expected',
    );
    expect(errorOf(() => convertExpected({ a: { Exists: false } }, 'OR'))).toBe(
      'ConditionalOperator can only be used when Filter or Expected has two or more elements',
    );
  });
});

describe('QueryFilter / ScanFilter', () => {
  const item: Item = { val: { N: '20' }, name: { S: 'beta-two' }, tag: { S: 'hello-world' } };
  const matches = (filter: Parameters<typeof convertFilter>[0], op?: string) =>
    evaluateCondition(convertFilter(filter, op)!, item);

  it('evaluates legacy operators', () => {
    expect(matches({ val: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '20' }] } })).toBe(true);
    expect(matches({ val: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '30' }] } })).toBe(false);
    expect(matches({ name: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ S: 'two' }] } })).toBe(true);
    expect(
      matches(
        {
          name: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'alpha' }] },
          val: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '10' }] },
        },
        'OR',
      ),
    ).toBe(true);
    expect(convertFilter({})).toBeUndefined();
  });

  it.each([
    [
      { a: { ComparisonOperator: 'EQ' } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator',
    ],
    [
      { a: { ComparisonOperator: 'NOT_NULL', AttributeValueList: [{ S: 'a' }] } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the NOT_NULL ComparisonOperator',
    ],
    [
      { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'a' }, { S: 'a' }, { S: 'a' }] } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator',
    ],
    [
      { a: { ComparisonOperator: 'LT', AttributeValueList: [{ BOOL: true }] } },
      'One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL AttributeValue type',
    ],
    [
      { a: { ComparisonOperator: 'IN', AttributeValueList: [{ SS: ['a'] }] } },
      'One or more parameter values were invalid: ComparisonOperator IN is not valid for SS AttributeValue type',
    ],
    [
      { a: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ M: {} }] } },
      'One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for M AttributeValue type',
    ],
    [
      { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ L: [] }, { L: [] }] } },
      'One or more parameter values were invalid: ComparisonOperator BETWEEN is not valid for L AttributeValue type',
    ],
    [
      { a: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ N: '1' }] } },
      'One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type',
    ],
    [
      { a: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'b' }, { N: '1' }] } },
      'One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type',
    ],
  ] as const)('%j', (filter, message) => {
    expect(errorOf(() => convertFilter(filter as unknown as Parameters<typeof convertFilter>[0]))).toBe(message);
  });

  it('rejects filters on key attributes in queries', () => {
    expect(
      errorOf(() =>
        checkFilterNotOnKey(
          convertFilter({ b: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } })!,
          'a',
          'b',
          true,
        ),
      ),
    ).toBe('QueryFilter can only contain non-primary key attributes: Primary key attribute: b');
    for (const expr of ['attribute_exists(a.b) AND b = :b', 'a = :b', 'a[1] = :b']) {
      const { filter } = compile({ filter: expr, values: { ':b': { N: '1' } } });
      expect(errorOf(() => checkFilterNotOnKey(filter!, 'a', undefined))).toBe(
        'Filter Expression can only contain non-primary key attributes: Primary key attribute: a',
      );
    }
  });

  it('rejects nested access to key attributes', () => {
    const { filter } = compile({ filter: 'd[1] = :b', values: { ':b': { N: '1' } } });
    expect(errorOf(() => checkNoNestedKeyAccess({ filter }, ['a', 'b'], ['c', 'd']))).toBe(
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: d",
    );
    const { update } = compile({ update: 'SET x = a.b' });
    expect(errorOf(() => checkNoNestedKeyAccess({ update }, ['a']))).toBe(
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: a",
    );
  });
});

describe('AttributeUpdates', () => {
  const apply = (updates: Parameters<typeof convertAttributeUpdates>[0], item: Item | undefined) =>
    applyUpdate(convertAttributeUpdates(updates), item, { key: { pk: { S: 'k' } } }).item;

  it('applies PUT, ADD and DELETE', () => {
    expect(apply({ data: { Action: 'PUT', Value: { S: 'new' } } }, { pk: { S: 'k' } })).toEqual({
      pk: { S: 'k' },
      data: { S: 'new' },
    });
    expect(apply({ data: { Value: { S: 'default-put' } } }, undefined)).toEqual({
      pk: { S: 'k' },
      data: { S: 'default-put' },
    });
    expect(apply({ c: { Action: 'ADD', Value: { N: '5' } } }, { c: { N: '10' } })).toEqual({ c: { N: '15' } });
    expect(apply({ c: { Action: 'ADD', Value: { N: '5' } } }, undefined)).toEqual({ pk: { S: 'k' }, c: { N: '5' } });
    expect(apply({ t: { Action: 'ADD', Value: { SS: ['c', 'd'] } } }, { t: { SS: ['a', 'b'] } })).toEqual({
      t: { SS: ['a', 'b', 'c', 'd'] },
    });
    expect(apply({ l: { Action: 'ADD', Value: { L: [{ N: '3' }] } } }, { l: { L: [{ N: '1' }] } })).toEqual({
      l: { L: [{ N: '1' }, { N: '3' }] },
    });
    expect(apply({ t: { Action: 'DELETE', Value: { SS: ['b'] } } }, { t: { SS: ['a', 'b', 'c'] } })).toEqual({
      t: { SS: ['a', 'c'] },
    });
    expect(apply({ t: { Action: 'DELETE', Value: { SS: ['a'] } } }, { t: { SS: ['a'] } })).toEqual({});
    expect(apply({ extra: { Action: 'DELETE' } }, { extra: { S: 'x' }, keep: { N: '1' } })).toEqual({
      keep: { N: '1' },
    });
    expect(apply({}, undefined)).toEqual({ pk: { S: 'k' } });
  });

  it('reports type mismatches when applied', () => {
    for (const [updates, item] of [
      [{ b: { Action: 'DELETE', Value: { NS: ['1'] } } }, { b: { SS: ['1'] } }],
      [{ c: { Action: 'DELETE', Value: { NS: ['1'] } } }, { c: { N: '1' } }],
      [{ b: { Action: 'ADD', Value: { NS: ['1'] } } }, { b: { SS: ['1'] } }],
      [{ d: { Action: 'ADD', Value: { N: '1' } } }, { d: { NS: ['1'] } }],
    ] as const) {
      expect(errorOf(() => apply(updates as unknown as Parameters<typeof apply>[0], item as unknown as Item))).toBe(
        'Type mismatch for attribute to update',
      );
    }
  });

  it('validates actions', () => {
    expect(errorOf(() => convertAttributeUpdates({ a: { Action: 'PUT' } }))).toBe(
      'One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified',
    );
    expect(errorOf(() => convertAttributeUpdates({ a: { Action: 'DELETE', Value: { S: 'x' } } }))).toBe(
      'One or more parameter values were invalid: DELETE action with value is not supported for the type S',
    );
    expect(errorOf(() => convertAttributeUpdates({ a: { Action: 'ADD', Value: { S: 'x' } } }))).toBe(
      'One or more parameter values were invalid: ADD action is not supported for the type S',
    );
  });
});

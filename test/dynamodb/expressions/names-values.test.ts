import { describe, expect, it } from 'vitest';
import { compileRequestExpressions } from '../../../src/services/dynamodb/expressions/index.js';
import { compile, compileError, errorOf } from './helpers.js';

describe('ExpressionAttributeNames / ExpressionAttributeValues maps', () => {
  it('rejects empty maps', () => {
    expect(compileError({ condition: '', names: {}, values: {} })).toBe('ExpressionAttributeNames must not be empty');
    expect(compileError({ condition: '', values: {} })).toBe('ExpressionAttributeValues must not be empty');
  });

  it('rejects malformed keys', () => {
    expect(compileError({ condition: '', names: { a: 'a' }, values: {} })).toBe(
      'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
    );
    expect(compileError({ condition: '', values: { ':b': { S: 'a' }, b: { S: 'a' } } })).toBe(
      'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"',
    );
    expect(compileError({ projection: '#m', names: { '#': 'm' } })).toBe(
      'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"',
    );
    expect(compileError({ projection: 'a', names: { [`#${'a'.repeat(255)}`]: 'x' } })).toBe(
      'ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256',
    );
  });

  it('validates values through the callback', () => {
    const message = errorOf(() =>
      compileRequestExpressions(
        { condition: 'a = :b', values: { ':b': { SS: [] } } },
        {
          validateValue: (v) =>
            'SS' in v && v.SS.length === 0
              ? 'One or more parameter values were invalid: An string set  may not be empty'
              : undefined,
        },
      ),
    );
    expect(message).toBe(
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b',
    );
  });

  it('rejects empty attribute names', () => {
    expect(compileError({ projection: '#name', names: { '#name': '' } })).toBe(
      'ExpressionAttributeNames contains invalid value: Empty attribute name for key #name',
    );
  });

  it('reports undefined placeholders with the expression prefix', () => {
    expect(compileError({ update: 'SET attr1 = :v' })).toBe(
      'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v',
    );
    expect(
      compileError({
        keyCondition: 'pk = :pk',
        filter: '#missing = :fv',
        values: { ':pk': { S: 'v' }, ':fv': { S: 'x' } },
      }),
    ).toBe(
      'Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #missing',
    );
    expect(compileError({ projection: '#comment' })).toBe(
      'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #comment',
    );
  });

  it('reports unused names, then unused values, across all expressions', () => {
    expect(compileError({ update: 'SET attr1 = :v', values: { ':v': { S: 'val' } }, names: { '#unused': 'x' } })).toBe(
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}',
    );
    expect(compileError({ update: 'SET attr1 = :v', values: { ':v': { S: 'val' }, ':unused': { S: 'x' } } })).toBe(
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}',
    );
    expect(
      compileError({
        update: 'remove a set b = list_append(b, if_not_exists(a, :a))',
        condition: 'a = :b',
        values: { ':a': { S: 'a' }, ':b': { S: 'a' } },
        names: { '#a': 'a', '#b': 'b' },
      }),
    ).toBe('Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}');
    expect(
      compileError({
        update: 'remove a',
        condition: 'a = :b',
        values: { ':a': { S: 'a' }, ':b': { S: 'a' }, ':c': { S: 'a' } },
      }),
    ).toBe('Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}');
  });

  it('counts placeholders used by any expression of the request', () => {
    expect(() =>
      compile({
        keyCondition: '#pk = :pk',
        filter: '#f = :f',
        projection: '#p',
        names: { '#pk': 'pk', '#f': 'f', '#p': 'p' },
        values: { ':pk': { S: 'a' }, ':f': { N: '1' } },
      }),
    ).not.toThrow();
  });

  it('validates expressions in order: update, condition, key condition, filter, projection', () => {
    expect(compileError({ update: '', condition: '' })).toBe(
      'Invalid UpdateExpression: The expression can not be empty;',
    );
    expect(compileError({ update: 'SET a = :v', condition: '', values: { ':v': { S: 'x' } } })).toBe(
      'Invalid ConditionExpression: The expression can not be empty;',
    );
    expect(compileError({ keyCondition: '', filter: '', projection: '' })).toBe(
      'Invalid KeyConditionExpression: The expression can not be empty;',
    );
    expect(compileError({ keyCondition: 'a > 4', filter: '' })).toMatch(
      /^Invalid KeyConditionExpression: Syntax error/,
    );
    expect(compileError({ keyCondition: 'pk = :v', filter: '', projection: '', values: { ':v': { S: 'x' } } })).toBe(
      'Invalid FilterExpression: The expression can not be empty;',
    );
    expect(compileError({ filter: 'a > b', projection: '' })).toBe(
      'Invalid ProjectionExpression: The expression can not be empty;',
    );
    // A problem in a later expression wins over unused placeholders.
    expect(
      compileError({ update: 'SET a = :v', condition: 'b = :missing', values: { ':v': { N: '1' }, ':x': { N: '1' } } }),
    ).toBe(
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing',
    );
  });

  it('validates the maps before any expression', () => {
    expect(compileError({ condition: 'INVALID', names: {} })).toBe('ExpressionAttributeNames must not be empty');
  });

  it('reuses parses across requests with different placeholder values', () => {
    const a = compile({ condition: 'x = :v', values: { ':v': { N: '1' } } });
    const b = compile({ condition: 'x = :v', values: { ':v': { N: '2' } } });
    expect(a.condition).toMatchObject({ right: { value: { N: '1' } } });
    expect(b.condition).toMatchObject({ right: { value: { N: '2' } } });
    expect(compileError({ condition: 'x = ' })).toBe(compileError({ condition: 'x = ' }));
  });
});

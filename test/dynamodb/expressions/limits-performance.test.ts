import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../../src/services/dynamodb/expressions/index.js';
import { compile, compileError } from './helpers.js';

describe('deeply nested expressions', () => {
  it('reports errors without exhausting the stack', () => {
    expect(compileError({ condition: 'a < ' + 'f('.repeat(1355) + 'b' + ')'.repeat(1355) })).toBe(
      'Invalid ConditionExpression: Invalid function name; function: f',
    );
    expect(compileError({ condition: 'a < ' + 'size('.repeat(680) + 'b' + ')'.repeat(680) })).toBe(
      'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N',
    );
    expect(compileError({ condition: 'not '.repeat(1000) + 'a<b' })).toBe(
      'Invalid ConditionExpression: The expression contains too many operators; operator count: 301',
    );
    expect(compileError({ condition: 'a<b ' + 'or a<b '.repeat(584) })).toBe(
      'Invalid ConditionExpression: The expression contains too many operators; operator count: 301',
    );
    expect(compileError({ condition: '(a<b) and ' + '('.repeat(1000) + 'a<b' + ')'.repeat(1000) })).toBe(
      'Invalid ConditionExpression: The expression has redundant parentheses;',
    );
  });
});

describe('performance', () => {
  it('compiles and evaluates cached expressions quickly', () => {
    const input = {
      condition: 'attribute_not_exists(#pk) OR (#s = :s AND size(#l) < :n AND begins_with(#name, :p))',
      update: 'SET #s = :s2, #c = if_not_exists(#c, :zero) + :one, #l = list_append(#l, :items) REMOVE #old',
      names: { '#pk': 'pk', '#s': 'status', '#l': 'list', '#name': 'name', '#c': 'count', '#old': 'old' },
      values: {
        ':s': { S: 'active' },
        ':s2': { S: 'done' },
        ':n': { N: '10' },
        ':p': { S: 'al' },
        ':zero': { N: '0' },
        ':one': { N: '1' },
        ':items': { L: [{ S: 'x' }] },
      },
    };
    const item = { pk: { S: 'k' }, status: { S: 'active' }, list: { L: [] }, name: { S: 'alice' } };
    compile(input);
    const start = performance.now();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const compiled = compile(input);
      evaluateCondition(compiled.condition!, item);
    }
    const perOp = (performance.now() - start) / n;
    // Generous bound; typically a few microseconds.
    expect(perOp).toBeLessThan(0.2);
  });
});

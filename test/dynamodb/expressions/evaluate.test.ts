import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../../src/services/dynamodb/expressions/index.js';
import type { AttributeValue, Item } from '../../../src/services/dynamodb/types.js';
import { compile } from './helpers.js';

const b64 = (...bytes: number[]) => Buffer.from(bytes).toString('base64');

const item: Item = {
  pk: { S: 'p' },
  s: { S: 'hello' },
  n: { N: '10' },
  n2: { N: '10.0' },
  b: { B: b64(1, 2, 3) },
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2.5'] },
  bs: { BS: [b64(1), b64(2)] },
  l: { L: [{ S: 'x' }, { N: '2' }, { L: [{ S: 'deep' }] }] },
  m: { M: { k: { S: 'v' }, nested: { M: { z: { N: '1' } } } } },
  t: { BOOL: true },
  z: { NULL: true },
  e: { S: '' },
  u: { S: 'héllo😀' },
  high: { B: b64(0x80) },
  low: { B: b64(0x7f) },
};

function check(
  expression: string,
  values: Record<string, AttributeValue> = {},
  names?: Record<string, string>,
  on: Item | null = item,
): boolean {
  const { condition } = compile({
    condition: expression,
    values: Object.keys(values).length ? values : undefined,
    names,
  });
  return evaluateCondition(condition!, on ?? undefined);
}

describe('evaluateCondition', () => {
  it('compares scalars of the same type', () => {
    expect(check('s = :v', { ':v': { S: 'hello' } })).toBe(true);
    expect(check('n = :v', { ':v': { N: '10.00' } })).toBe(true);
    expect(check('n = n2')).toBe(true);
    expect(check('n < :v', { ':v': { N: '9' } })).toBe(false);
    expect(check('n >= :v', { ':v': { N: '10' } })).toBe(true);
    expect(check('s > :v', { ':v': { S: 'hell' } })).toBe(true);
    expect(check('b <= :v', { ':v': { B: b64(1, 2, 3) } })).toBe(true);
    expect(check('high > low')).toBe(true);
  });

  it('treats different types as unequal, not as errors', () => {
    expect(check('n = :v', { ':v': { S: '10' } })).toBe(false);
    expect(check('n <> :v', { ':v': { S: '10' } })).toBe(true);
    expect(check('n < :v', { ':v': { S: '99' } })).toBe(false);
    expect(check('l < :v', { ':v': { N: '99' } })).toBe(false);
  });

  it('handles absent attributes', () => {
    expect(check('absent = :v', { ':v': { S: 'x' } })).toBe(false);
    expect(check('absent <> :v', { ':v': { S: 'x' } })).toBe(true);
    expect(check('q = z2')).toBe(false);
    expect(check('q <> z2')).toBe(true);
    expect(check('q < z2')).toBe(false);
    expect(check('attribute_not_exists(absent)')).toBe(true);
    expect(check('attribute_exists(pk)', {}, undefined, null)).toBe(false);
    expect(check('attribute_not_exists(pk)', {}, undefined, null)).toBe(true);
    expect(check('absent <> :v', { ':v': { S: 'x' } }, undefined, null)).toBe(true);
  });

  it('compares sets regardless of order and lists/maps deeply', () => {
    expect(check('ss = :v', { ':v': { SS: ['b', 'a'] } })).toBe(true);
    expect(check('ns = :v', { ':v': { NS: ['2.50', '1'] } })).toBe(true);
    expect(check('ss <> :v', { ':v': { SS: ['a'] } })).toBe(true);
    expect(check('m = :v', { ':v': { M: { nested: { M: { z: { N: '1' } } }, k: { S: 'v' } } } })).toBe(true);
    expect(check('l = :v', { ':v': { L: [{ N: '2' }, { S: 'x' }, { L: [{ S: 'deep' }] }] } })).toBe(false);
  });

  it('navigates nested paths', () => {
    expect(check('m.k = :v', { ':v': { S: 'v' } })).toBe(true);
    expect(check('m.nested.z = :v', { ':v': { N: '1' } })).toBe(true);
    expect(check('l[2][0] = :v', { ':v': { S: 'deep' } })).toBe(true);
    expect(check('attribute_exists(l[3])')).toBe(false);
    expect(check('attribute_exists(s.x)')).toBe(false);
    expect(check('attribute_exists(m[0])')).toBe(false);
    expect(check('#a = :v', { ':v': { S: 'x' } }, { '#a': 'm.k' })).toBe(false);
  });

  it('evaluates BETWEEN and IN', () => {
    expect(check('n BETWEEN :a AND :b', { ':a': { N: '1' }, ':b': { N: '10' } })).toBe(true);
    expect(check('n BETWEEN :a AND :b', { ':a': { N: '11' }, ':b': { N: '20' } })).toBe(false);
    expect(check('n BETWEEN :a AND :b', { ':a': { S: '0' }, ':b': { S: '2' } })).toBe(false);
    expect(check('s BETWEEN n AND :b', { ':b': { S: 'z' } })).toBe(false);
    expect(check('absent BETWEEN :a AND :b', { ':a': { N: '1' }, ':b': { N: '10' } })).toBe(false);
    expect(check('n IN (:a, :b)', { ':a': { S: 'dog' }, ':b': { N: '10' } })).toBe(true);
    expect(check('ss IN (:a)', { ':a': { SS: ['b', 'a'] } })).toBe(true);
    expect(check('absent IN (:a)', { ':a': { N: '1' } })).toBe(false);
  });

  it('evaluates attribute_type', () => {
    for (const [attr, type] of [
      ['s', 'S'],
      ['n', 'N'],
      ['b', 'B'],
      ['ss', 'SS'],
      ['ns', 'NS'],
      ['bs', 'BS'],
      ['l', 'L'],
      ['m', 'M'],
      ['t', 'BOOL'],
      ['z', 'NULL'],
    ]) {
      expect(check(`attribute_type(${attr}, :t)`, { ':t': { S: type! } })).toBe(true);
      expect(check(`attribute_type(${attr}, :t)`, { ':t': { S: type === 'S' ? 'N' : 'S' } })).toBe(false);
    }
    expect(check('attribute_type(absent, :t)', { ':t': { S: 'S' } })).toBe(false);
  });

  it('evaluates begins_with on strings and binaries', () => {
    expect(check('begins_with(s, :p)', { ':p': { S: 'he' } })).toBe(true);
    expect(check('begins_with(s, :p)', { ':p': { S: 'lo' } })).toBe(false);
    expect(check('begins_with(b, :p)', { ':p': { B: b64(1, 2) } })).toBe(true);
    expect(check('begins_with(b, :p)', { ':p': { B: b64(2) } })).toBe(false);
    expect(check('begins_with(b, :p)', { ':p': { S: 'x' } })).toBe(false);
    expect(check('begins_with(n, :p)', { ':p': { S: '1' } })).toBe(false);
  });

  it('evaluates contains on strings, binaries, sets and lists', () => {
    expect(check('contains(s, :v)', { ':v': { S: 'ell' } })).toBe(true);
    expect(check('contains(s, :v)', { ':v': { S: 'xyz' } })).toBe(false);
    expect(check('contains(b, :v)', { ':v': { B: b64(2, 3) } })).toBe(true);
    expect(check('contains(ss, :v)', { ':v': { S: 'a' } })).toBe(true);
    expect(check('contains(ss, :v)', { ':v': { S: 'c' } })).toBe(false);
    expect(check('contains(ns, :v)', { ':v': { N: '2.50' } })).toBe(true);
    expect(check('contains(bs, :v)', { ':v': { B: b64(2) } })).toBe(true);
    expect(check('contains(l, :v)', { ':v': { N: '2.0' } })).toBe(true);
    expect(check('contains(l, :v)', { ':v': { L: [{ S: 'deep' }] } })).toBe(true);
    expect(check('contains(ss, :v)', { ':v': { SS: ['a'] } })).toBe(false);
    expect(check('contains(n, :v)', { ':v': { N: '1' } })).toBe(false);
    expect(check('contains(absent, :v)', { ':v': { S: 'a' } })).toBe(false);
    expect(check('NOT contains(absent, :v)', { ':v': { S: 'a' } })).toBe(true);
  });

  it('evaluates size()', () => {
    expect(check('size(s) = :v', { ':v': { N: '5' } })).toBe(true);
    expect(check('size(u) = :v', { ':v': { N: '7' } })).toBe(true); // UTF-16 code units
    expect(check('size(e) = :v', { ':v': { N: '0' } })).toBe(true);
    expect(check('size(b) = :v', { ':v': { N: '3' } })).toBe(true);
    expect(check('size(ss) = :v', { ':v': { N: '2' } })).toBe(true);
    expect(check('size(l) = :v', { ':v': { N: '3' } })).toBe(true);
    expect(check('size(m) = :v', { ':v': { N: '2' } })).toBe(true);
    expect(check('size(n) = :v', { ':v': { N: '2' } })).toBe(false);
    expect(check('size(n) <> :v', { ':v': { N: '2' } })).toBe(true);
    expect(check('size(t) >= :v', { ':v': { N: '0' } })).toBe(false);
    expect(check('size(s) = :v', { ':v': { S: '5' } })).toBe(false);
    expect(check('size(s) = n2', {})).toBe(false);
    expect(check('size(:x) = :v', { ':x': { S: 'abc' }, ':v': { N: '3' } })).toBe(true);
    expect(check('size(absent) < :v', { ':v': { N: '3' } })).toBe(false);
  });

  it('combines with AND, OR, NOT', () => {
    const v = { ':a': { S: 'hello' }, ':b': { N: '1' } };
    expect(check('s = :a AND n = :b', v)).toBe(false);
    expect(check('s = :a OR n = :b', v)).toBe(true);
    expect(check('NOT s = :a OR n = :b', v)).toBe(false);
    expect(check('NOT (s = :a OR n = :b)', v)).toBe(false);
    expect(check('(s = :a AND (n = :b OR attribute_exists(m)))', v)).toBe(true);
  });
});

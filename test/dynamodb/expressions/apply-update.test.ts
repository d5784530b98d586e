import { describe, expect, it } from 'vitest';
import {
  applyUpdate,
  checkKeyNotUpdated,
  projectUpdated,
  updatedAttributes,
} from '../../../src/services/dynamodb/expressions/index.js';
import type { AttributeValue, Item } from '../../../src/services/dynamodb/types.js';
import { compile, errorOf } from './helpers.js';

function update(
  expression: string,
  on: Item | undefined,
  values?: Record<string, AttributeValue>,
  names?: Record<string, string>,
  key?: Item,
) {
  const { update: ast } = compile({ update: expression, values, names });
  return applyUpdate(ast!, on, { key });
}

const PATH_ERROR = 'The document path provided in the update expression is invalid for update';
const MISSING = 'The provided expression refers to an attribute that does not exist in the item';
const TYPE = 'An operand in the update expression has an incorrect data type';

describe('applyUpdate: SET', () => {
  it('sets top-level and nested attributes, merging with the item', () => {
    const base: Item = { p: { S: 'k' }, a: { M: { b: { N: '3' }, c: { N: '4' } } }, d: { N: '5' } };
    const r = update('SET a.c = :v, x = :w', base, { ':v': { N: '7' }, ':w': { S: 'new' } });
    expect(r.item).toEqual({
      p: { S: 'k' },
      a: { M: { b: { N: '3' }, c: { N: '7' } } },
      d: { N: '5' },
      x: { S: 'new' },
    });
    expect(base.a).toEqual({ M: { b: { N: '3' }, c: { N: '4' } } });
    expect(r.updatedAttributes).toEqual(['a', 'x']);
  });

  it('creates an item from its key when none exists', () => {
    const r = update('SET #d = :v', undefined, { ':v': { S: 'created' } }, { '#d': 'data' }, { pk: { S: 'k' } });
    expect(r.item).toEqual({ pk: { S: 'k' }, data: { S: 'created' } });
  });

  it('reads every value from the item before the update', () => {
    const r = update('SET a = b, b = a', { a: { N: '1' }, b: { N: '2' } });
    expect(r.item).toEqual({ a: { N: '2' }, b: { N: '1' } });
    expect(errorOf(() => update('SET x = :v, y = x', { p: { S: 'k' } }, { ':v': { N: '4' } }))).toBe(MISSING);
    const copy = update('REMOVE a SET b = a', { a: { S: 'hello' } });
    expect(copy.item).toEqual({ b: { S: 'hello' } });
  });

  it('does arithmetic on numbers only', () => {
    expect(update('SET c = c + :v', { c: { N: '10' } }, { ':v': { N: '5' } }).item.c).toEqual({ N: '15' });
    expect(update('SET c = :v - c', { c: { N: '10' } }, { ':v': { N: '5.5' } }).item.c).toEqual({ N: '-4.5' });
    expect(update('SET m.c = m.c + :v', { m: { M: { c: { N: '10' } } } }, { ':v': { N: '5' } }).item.m).toEqual({
      M: { c: { N: '15' } },
    });
    expect(errorOf(() => update('SET c = c + :v', { c: { S: 'x' } }, { ':v': { N: '1' } }))).toBe(TYPE);
    expect(errorOf(() => update('SET b = b + :v', {}, { ':v': { N: '1' } }))).toBe(MISSING);
    expect(errorOf(() => update('SET a = :a + :b', {}, { ':a': { N: '1e125' }, ':b': { N: '9.9e125' } }))).toMatch(
      /overflow/,
    );
  });

  it('implements if_not_exists', () => {
    expect(update('SET a = if_not_exists(a, :v)', {}, { ':v': { N: '2' } }).item.a).toEqual({ N: '2' });
    expect(update('SET a = if_not_exists(a, :v)', { a: { N: '1' } }, { ':v': { N: '2' } }).item.a).toEqual({ N: '1' });
    expect(update('SET b = if_not_exists(a, :v)', { a: { N: '1' } }, { ':v': { N: '2' } }).item.b).toEqual({ N: '1' });
    expect(update('SET a = if_not_exists(a, :z) + :v', {}, { ':z': { N: '0' }, ':v': { N: '3' } }).item.a).toEqual({
      N: '3',
    });
    expect(
      update('SET #bk = if_not_exists(#bk, #mv)', { myval: { S: 'o' } }, undefined, { '#bk': 'backup', '#mv': 'myval' })
        .item.backup,
    ).toEqual({ S: 'o' });
    expect(errorOf(() => update('SET a = if_not_exists(a, b)', { a: { N: '1' } }))).toBe(MISSING);
  });

  it('implements list_append', () => {
    const l = (...s: string[]) => ({ L: s.map((x) => ({ S: x })) });
    expect(update('SET v = list_append(v, :n)', { v: l('a', 'b') }, { ':n': l('c', 'd') }).item.v).toEqual(
      l('a', 'b', 'c', 'd'),
    );
    expect(update('SET v = list_append(:n, v)', { v: l('a') }, { ':n': l('z') }).item.v).toEqual(l('z', 'a'));
    expect(update('SET v = list_append(if_not_exists(v, :e), :n)', {}, { ':e': l(), ':n': l('x') }).item.v).toEqual(
      l('x'),
    );
    expect(errorOf(() => update('SET v = list_append(b, :n)', {}, { ':n': l('x') }))).toBe(MISSING);
    expect(errorOf(() => update('SET v = list_append(b, :n)', { b: { S: 'no' } }, { ':n': l('x') }))).toBe(TYPE);
  });

  it('replaces list elements and appends past the end in index order', () => {
    const l = (...s: string[]) => ({ L: s.map((x) => ({ S: x })) });
    expect(update('SET a[1] = :v', { a: l('one', 'two', 'three') }, { ':v': { S: 'hello' } }).item.a).toEqual(
      l('one', 'hello', 'three'),
    );
    expect(update('SET a[7] = :v', { a: l('one', 'two', 'three') }, { ':v': { S: 'hello' } }).item.a).toEqual(
      l('one', 'two', 'three', 'hello'),
    );
    expect(
      update(
        'SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4',
        { a: l('x') },
        { ':a1': { S: 'a1' }, ':a2': { S: 'a2' }, ':a3': { S: 'a3' }, ':a4': { S: 'a4' } },
      ).item.a,
    ).toEqual(l('x', 'a3', 'a2', 'a4', 'a1'));
    expect(
      update('SET #l[0] = :v', { mylist: { L: [] } }, { ':v': { S: 'first' } }, { '#l': 'mylist' }).item.mylist,
    ).toEqual(l('first'));
  });

  it('uses original list indexes when removing and setting together', () => {
    const nums = (...n: number[]) => ({ L: n.map((x) => ({ N: String(x) })) });
    expect(update('REMOVE a[1] SET a[3] = :v', { a: nums(2, 3, 4, 5, 6, 7) }, { ':v': { N: '17' } }).item.a).toEqual(
      nums(2, 4, 17, 6, 7),
    );
    expect(update('SET a[3] = :v REMOVE a[1]', { a: nums(2, 3, 4, 5, 6, 7) }, { ':v': { N: '17' } }).item.a).toEqual(
      nums(2, 4, 17, 6, 7),
    );
  });

  it('updates deep paths', () => {
    const base: Item = {
      a: {
        M: {
          b: { N: '3' },
          c: { L: [{ S: 'hi' }, { M: { x: { M: { y: { L: [{ N: '3' }, { N: '5' }, { N: '7' }] } } } } }] },
        },
      },
    };
    const r = update('SET a.c[1].#name.y[1] = :v', base, { ':v': { N: '9' } }, { '#name': 'x' });
    expect(r.item.a).toEqual({
      M: {
        b: { N: '3' },
        c: { L: [{ S: 'hi' }, { M: { x: { M: { y: { L: [{ N: '3' }, { N: '9' }, { N: '7' }] } } } } }] },
      },
    });
    const z = update('SET a.z = a.c[1].#name.y[1]', base, undefined, { '#name': 'x' });
    expect((z.item.a as { M: Record<string, AttributeValue> }).M.z).toEqual({ N: '5' });
  });

  it('fails on paths through missing or mismatched containers', () => {
    const base: Item = { a: { S: 'hello' }, b: { L: [{ S: 'hi' }] }, m: { M: {} } };
    for (const expr of [
      'SET a.c = :v',
      'SET b.c = :v',
      'SET c.c = :v',
      'SET a[0] = :v',
      'SET c[0] = :v',
      'SET m[0] = :v',
      'SET b[5].x = :v',
      'ADD c.x :v',
      'DELETE m.q.r :s',
    ]) {
      const values: Record<string, AttributeValue> = expr.includes(':s')
        ? { ':s': { SS: ['x'] } }
        : { ':v': { N: '7' } };
      expect(
        errorOf(() => update(expr, base, values)),
        expr,
      ).toBe(PATH_ERROR);
    }
    for (const expr of ['REMOVE a.c', 'REMOVE b.c', 'REMOVE c.c', 'REMOVE a[0]', 'REMOVE c[0]']) {
      expect(
        errorOf(() => update(expr, base)),
        expr,
      ).toBe(PATH_ERROR);
    }
    expect(
      errorOf(() =>
        update(
          'SET #a.#b.#c = :v',
          { top: { S: 'v' } },
          { ':v': { S: 't' } },
          { '#a': 'absent', '#b': 'nested', '#c': 'deep' },
        ),
      ),
    ).toBe(PATH_ERROR);
    expect(errorOf(() => update('SET c.c = :v', undefined, { ':v': { N: '7' } }))).toBe(PATH_ERROR);
  });
});

describe('applyUpdate: REMOVE', () => {
  it('removes attributes, map keys and list elements', () => {
    const r = update('REMOVE a, m.k, l[1], absent, m.absent, l[9]', {
      a: { N: '1' },
      keep: { S: 'yes' },
      m: { M: { k: { S: 'gone' }, keep: { S: 'stay' } } },
      l: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] },
    });
    expect(r.item).toEqual({
      keep: { S: 'yes' },
      m: { M: { keep: { S: 'stay' } } },
      l: { L: [{ S: 'a' }, { S: 'c' }] },
    });
  });

  it('leaves empty maps and lists behind', () => {
    expect(update('REMOVE a.b', { a: { M: { b: { N: '1' } } } }).item).toEqual({ a: { M: {} } });
    expect(update('REMOVE a[0]', { a: { L: [{ N: '1' }] } }).item).toEqual({ a: { L: [] } });
  });

  it('ignores nested removals on an item that does not exist', () => {
    expect(update('REMOVE x.y, z[0]', undefined, undefined, undefined, { pk: { S: 'k' } }).item).toEqual({
      pk: { S: 'k' },
    });
  });
});

describe('applyUpdate: ADD and DELETE', () => {
  it('adds numbers, treating a missing attribute as 0', () => {
    expect(update('ADD #c :v', { count: { N: '10' } }, { ':v': { N: '3' } }, { '#c': 'count' }).item.count).toEqual({
      N: '13',
    });
    expect(update('ADD c :v', undefined, { ':v': { N: '10' } }).item.c).toEqual({ N: '10' });
    expect(update('ADD m.c :v', { m: { M: {} } }, { ':v': { N: '2' } }).item.m).toEqual({ M: { c: { N: '2' } } });
    expect(errorOf(() => update('ADD b :v', { b: { S: 'hi' } }, { ':v': { N: '1' } }))).toBe(TYPE);
  });

  it('adds set elements of the same type', () => {
    expect(update('ADD t :v', { t: { SS: ['a', 'b'] } }, { ':v': { SS: ['b', 'c'] } }).item.t).toEqual({
      SS: ['a', 'b', 'c'],
    });
    expect(update('ADD t :v', {}, { ':v': { SS: ['x'] } }).item.t).toEqual({ SS: ['x'] });
    expect(update('ADD n :v', { n: { NS: ['1', '2'] } }, { ':v': { NS: ['2.0', '3'] } }).item.n).toEqual({
      NS: ['1', '2', '3'],
    });
    expect(errorOf(() => update('ADD t :v', { t: { NS: ['1'] } }, { ':v': { SS: ['x'] } }))).toBe(TYPE);
    expect(errorOf(() => update('ADD t :v', { t: { L: [] } }, { ':v': { SS: ['x'] } }))).toBe(TYPE);
  });

  it('deletes set elements and drops emptied sets', () => {
    expect(update('DELETE t :v', { t: { SS: ['a', 'b', 'c'] } }, { ':v': { SS: ['b', 'x'] } }).item.t).toEqual({
      SS: ['a', 'c'],
    });
    expect(
      update('DELETE #t :v', { tags: { SS: ['a', 'b'] } }, { ':v': { SS: ['a', 'b'] } }, { '#t': 'tags' }).item,
    ).toEqual({});
    expect(update('DELETE t :v', {}, { ':v': { SS: ['a'] } }).item).toEqual({});
    expect(update('DELETE n :v', { n: { NS: ['1', '2'] } }, { ':v': { NS: ['1.0'] } }).item.n).toEqual({ NS: ['2'] });
    expect(errorOf(() => update('DELETE t :v', { t: { NS: ['1'] } }, { ':v': { SS: ['1'] } }))).toBe(TYPE);
    expect(errorOf(() => update('DELETE t :v', { t: { N: '1' } }, { ':v': { NS: ['1'] } }))).toBe(TYPE);
  });
});

describe('update helpers', () => {
  it('projects the updated paths for UPDATED_OLD / UPDATED_NEW', () => {
    const old: Item = { pk: { S: 'k' }, x: { N: '1' }, y: { N: '1' }, m: { M: { a: { N: '1' }, b: { N: '2' } } } };
    const { update: ast } = compile({ update: 'SET x = :v, m.a = :v', values: { ':v': { N: '2' } } });
    const r = applyUpdate(ast!, old);
    expect(projectUpdated(ast!, old)).toEqual({ x: { N: '1' }, m: { M: { a: { N: '1' } } } });
    expect(projectUpdated(ast!, r.item)).toEqual({ x: { N: '2' }, m: { M: { a: { N: '2' } } } });
    expect(updatedAttributes(ast!)).toEqual(['x', 'm']);
  });

  it('rejects updates of key attributes', () => {
    for (const expr of [
      'SET pk = :v',
      'add pk.b :v',
      'remove d set b = :v, pk = :v',
      'set pk = pk.b + pk[1]',
      'REMOVE sk',
    ]) {
      const { update: ast } = compile({ update: expr, values: expr.includes(':v') ? { ':v': { N: '1' } } : undefined });
      const key = expr.includes('sk') ? 'sk' : 'pk';
      expect(errorOf(() => checkKeyNotUpdated(ast!, ['pk', 'sk']))).toBe(
        `One or more parameter values were invalid: Cannot update attribute ${key}. This attribute is part of the key`,
      );
    }
    const { update: ok } = compile({ update: 'SET a = pk' });
    expect(() => checkKeyNotUpdated(ok!, ['pk'])).not.toThrow();
  });
});

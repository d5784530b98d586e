import { describe, expect, it } from 'vitest';
import {
  convertAttributesToGet,
  projectAttributes,
  projectionOf,
  projectItem,
} from '../../../src/services/dynamodb/expressions/index.js';
import type { Item } from '../../../src/services/dynamodb/types.js';
import { compile, compileError, errorOf } from './helpers.js';

const item: Item = {
  pk: { S: 'p' },
  name: { S: 'alice' },
  mymap: { M: { nested: { S: 'deep' }, other: { N: '42' } } },
  mylist: { L: [{ S: 'zero' }, { S: 'one' }, { S: 'two' }, { M: { a: { N: '1' }, b: { N: '2' } } }] },
  s: { S: 'scalar' },
};

const project = (expression: string, names?: Record<string, string>) =>
  projectItem(item, compile({ projection: expression, names }).projection!);

describe('ProjectionExpression', () => {
  it('selects top-level attributes', () => {
    expect(project('pk, #n', { '#n': 'name' })).toEqual({ pk: { S: 'p' }, name: { S: 'alice' } });
    expect(project('absent1, pk')).toEqual({ pk: { S: 'p' } });
  });

  it('selects nested map keys', () => {
    expect(project('#m.#n', { '#m': 'mymap', '#n': 'nested' })).toEqual({ mymap: { M: { nested: { S: 'deep' } } } });
  });

  it('compacts list elements in index order', () => {
    expect(project('#l[0]', { '#l': 'mylist' })).toEqual({ mylist: { L: [{ S: 'zero' }] } });
    expect(project('mylist[2], mylist[0]')).toEqual({ mylist: { L: [{ S: 'zero' }, { S: 'two' }] } });
    expect(project('mylist[3].b, mylist[9]')).toEqual({ mylist: { L: [{ M: { b: { N: '2' } } }] } });
    expect(project('#m.#n, #l[1]', { '#m': 'mymap', '#n': 'nested', '#l': 'mylist' })).toEqual({
      mymap: { M: { nested: { S: 'deep' } } },
      mylist: { L: [{ S: 'one' }] },
    });
  });

  it('drops paths that do not resolve', () => {
    expect(project('s.x, mymap.absent1, mylist[7]')).toEqual({});
    expect(project('s[0], mymap[0], mylist.x')).toEqual({});
  });

  it('reports overlapping and conflicting paths', () => {
    expect(compileError({ projection: 'a, a' })).toBe(
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    );
    expect(compileError({ projection: 'a, a.b' })).toBe(
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
    );
    expect(compileError({ projection: 'a.b, a' })).toBe(
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]',
    );
    expect(compileError({ projection: '#a, #b', names: { '#a': 'a', '#b': 'a' } })).toBe(
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    );
    expect(compileError({ projection: 'a.b, a[1]' })).toBe(
      'Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]',
    );
    expect(() => compile({ projection: 'a.b, a.c, l[0], l[1]' })).not.toThrow();
  });

  it('rejects reserved words', () => {
    expect(compileError({ projection: 'pk, status' })).toBe(
      'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status',
    );
    expect(compileError({ projection: 'name' })).toBe(
      'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name',
    );
    expect(compileError({ projection: '#m.COMMENT', names: { '#m': 'm' } })).toBe(
      'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: COMMENT',
    );
    expect(() => compile({ projection: '#m.#c', names: { '#m': 'm', '#c': 'COMMENT' } })).not.toThrow();
  });

  it('supports paths built by the caller', () => {
    expect(projectItem(item, projectionOf([['mymap', 'other']]))).toEqual({ mymap: { M: { other: { N: '42' } } } });
  });
});

describe('AttributesToGet', () => {
  it('selects top-level attributes by literal name', () => {
    expect(projectAttributes(item, ['name', 'absent1'])).toEqual({ name: { S: 'alice' } });
    expect(projectItem({ 'a.b': { N: '1' } }, convertAttributesToGet(['a.b']))).toEqual({ 'a.b': { N: '1' } });
  });

  it('rejects duplicates', () => {
    expect(errorOf(() => convertAttributesToGet(['a', 'b', 'a']))).toBe(
      'One or more parameter values were invalid: Duplicate value in attribute name: a',
    );
  });
});

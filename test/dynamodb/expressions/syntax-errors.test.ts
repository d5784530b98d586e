import { describe, expect, it } from 'vitest';
import { compileError } from './helpers.js';

describe('syntax errors: token and near context (AWS format)', () => {
  it.each([
    [
      'update',
      'INVALID SYNTAX HERE',
      'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"',
    ],
    ['update', 'ADD hits : incr', 'Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"'],
    ['update', 'SET #as, #b = :v', 'Invalid UpdateExpression: Syntax error; token: ",", near: "#as, #b"'],
    ['update', 'ADD numx', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "numx"'],
    ['update', 'SET note = :v +', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "+"'],
    ['update', 'SET numx = numx * :v', 'Invalid UpdateExpression: Syntax error; token: "*", near: "numx * :v"'],
    ['update', 'SET numx = numx / :v', 'Invalid UpdateExpression: Syntax error; token: "/", near: "numx / :v"'],
    ['update', 'DELETE setx', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "setx"'],
    ['update', 'ADD numx 1', 'Invalid UpdateExpression: Syntax error; token: "1", near: "numx 1"'],
    ['update', 'DELETE setx a', 'Invalid UpdateExpression: Syntax error; token: "a", near: "setx a"'],
    [
      'update',
      'SET #list[0.#comment = :value',
      'Invalid UpdateExpression: Syntax error; token: ".", near: "0.#comment"',
    ],
    ['update', 'SET a = ', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "= "'],
    ['update', 'SET', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"'],
    ['update', 'SET _123 = :v', 'Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"'],
    ['projection', '!!! INVALID !!!', 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"'],
    ['projection', 'a b', 'Invalid ProjectionExpression: Syntax error; token: "b", near: "a b"'],
    ['projection', 'a,', 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'],
    ['projection', '#list[].#comment', 'Invalid ProjectionExpression: Syntax error; token: "]", near: "[]."'],
    [
      'condition',
      '#list[abc].#comment = :value',
      'Invalid ConditionExpression: Syntax error; token: "abc", near: "[abc]"',
    ],
    ['filter', '#list[-1].#comment = :value', 'Invalid FilterExpression: Syntax error; token: "-", near: "[-1"'],
    ['condition', '#comment =', 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="'],
    ['condition', 'attribute_type()', 'Invalid ConditionExpression: Syntax error; token: ")", near: "()"'],
    [
      'keyCondition',
      'begins_with(#sk, :type',
      'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: ":type"',
    ],
    ['update', 'a, #, b', 'Invalid UpdateExpression: Syntax error; token: "a", near: "a,"'],
    ['update', 'SET a = :v, #, b', 'Invalid UpdateExpression: Syntax error; token: "#", near: ", #,"'],
  ] as const)('%s %j', (field, text, message) => {
    expect(compileError({ [field]: text })).toBe(message);
  });

  it.each([
    'things are not gonna be ok',
    'a > 4',
    'attribute_exists(Pictures-RearView)',
    'attribute_exists("Pictures.RearView")',
    'attribute_exists(Pictures..RearView)',
    'attribute_exists(Pi#ctures.RearView)',
    'attribute_exists(asdf[a])',
    'a in b, c',
    'a > between',
    'a in b',
    'a in (b,c,)',
    '(a)between(b.(c.d))and(c)',
    '(a)between(b.c.d)and((c)',
    '#$.b > a',
    'a > :things.stuff',
    'b[:a] > a',
    'b[#_] > a',
    'ü > a',
    '(a)between(b.c[4.5].#d)and(:a)',
    'size(a).b > a',
    '(size(a)).b > a',
    'size(a)[0] > a',
    '(size(a))[0] > a',
    'a IN ()',
    'a',
    ':v',
    'NOT a',
    'a AND :v',
    '(a)',
    'a[007] = :v',
    '   ',
  ])('filter %j is a syntax error', (text) => {
    expect(compileError({ filter: text })).toMatch(/^Invalid FilterExpression: Syntax error; token: /);
  });

  it.each([
    'whatever',
    'set a',
    'add a',
    'delete a',
    'set a=set',
    'remove a = b',
    'add a = b',
    'delete a = b',
    'delete a b',
    'delete a if_not_exist(b)',
    'add abort b',
    'add a if_not_exist(b)',
    'remove a b',
    'set a b',
    'set :a = b',
    'add :a b',
    'delete :a b',
    'remove :a',
    'set a = b / c',
    'set a = b * c',
    'set a[1] = "eight"',
    'set a[1] = 1',
    'SET if_not_exist(a, b) = a',
    'set (a = (b + c))',
    'set a = (b.c).d + e',
    'set a = (b.c)[0] + e',
    'set a = b + c + d',
    'SET b = if_not_exists(non@sense, :val1)',
    'SET c = if_not_exists(c, :val1+:val2)',
    'SET a[:xyz] = :val1',
    'SET a[#xyz] = :val1',
    'SET a = _f(b,c,d)',
    'SET # = :val1',
    'SET a = :',
    'SET hi-there = :v',
  ])('update %j is a syntax error', (text) => {
    expect(compileError({ update: text })).toMatch(/^Invalid UpdateExpression: Syntax error; token: /);
  });

  it('reports a syntax error before any later problem', () => {
    expect(compileError({ filter: 'status = :v AND', values: { ':v': { S: 'a' } } })).toBe(
      'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "AND"',
    );
  });

  it('treats keywords as tokens in every expression kind', () => {
    expect(compileError({ projection: 'a, and' })).toBe(
      'Invalid ProjectionExpression: Syntax error; token: "and", near: ", and"',
    );
    expect(compileError({ update: 'SET in = :v', values: { ':v': { S: 'a' } } })).toBe(
      'Invalid UpdateExpression: Syntax error; token: "in", near: "SET in ="',
    );
  });
});

describe('empty and oversized expressions', () => {
  it.each([
    ['update', 'Invalid UpdateExpression: The expression can not be empty;'],
    ['condition', 'Invalid ConditionExpression: The expression can not be empty;'],
    ['keyCondition', 'Invalid KeyConditionExpression: The expression can not be empty;'],
    ['filter', 'Invalid FilterExpression: The expression can not be empty;'],
    ['projection', 'Invalid ProjectionExpression: The expression can not be empty;'],
  ] as const)('empty %s', (field, message) => {
    expect(compileError({ [field]: '' })).toBe(message);
  });

  it('limits expressions to 4096 characters', () => {
    const spaces = ' '.repeat(4085);
    expect(compileError({ update: `SET ${spaces}a = :val`, values: { ':val': { N: '1' } } })).toBe(
      'Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;',
    );
    expect(compileError({ condition: `a${' '.repeat(4091)} = :v`, values: { ':v': { N: '1' } } })).toBe(
      'Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097',
    );
    expect(compileError({ projection: 'x'.repeat(4097) })).toBe(
      'Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size;',
    );
    expect(compileError({ condition: '('.repeat(15000) })).toMatch(/expression size: 15000$/);
  });

  it('accepts 4096 characters', () => {
    expect(() => compileError({ projection: 'x'.repeat(4096) })).toThrow('expected an error');
  });
});

import { describe, expect, it } from 'vitest';
import { EventPatternError, matchesPattern, parseEventPattern } from '../../src/core/patterns/event-pattern.js';

const event = {
  version: '0',
  id: 'e1',
  'detail-type': 'Order Placed',
  source: 'com.shop',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::bucket-a', 'arn:aws:s3:::bucket-b'],
  detail: {
    amount: 150,
    currency: 'EUR',
    tags: ['red', 'big'],
    nested: { flag: true, none: null, empty: '' },
    items: [
      { sku: 'A1', qty: 1 },
      { sku: 'B2', qty: 5 },
    ],
    ip: '10.0.1.7',
    ip6: '2001:db8::1',
    path: 'dir/file.png',
  },
};

const m = (pattern: unknown) => matchesPattern(parseEventPattern(JSON.stringify(pattern)), event);

describe('event patterns: matching', () => {
  it.each([
    // literals
    [{ source: ['com.shop'] }, true],
    [{ source: ['com.shop', 'other'] }, true],
    [{ source: ['COM.SHOP'] }, false],
    [{ detail: { amount: [150] } }, true],
    [{ detail: { amount: ['150'] } }, false],
    [{ detail: { nested: { flag: [true] } } }, true],
    [{ detail: { nested: { none: [null] } } }, true],
    [{ detail: { nested: { empty: [''] } } }, true],
    [{ detail: { missing: [null] } }, false],
    // arrays in the event: any element
    [{ resources: ['arn:aws:s3:::bucket-b'] }, true],
    [{ detail: { tags: ['big'] } }, true],
    [{ detail: { items: { sku: ['B2'] } } }, true],
    [{ detail: { items: { sku: ['C3'] } } }, false],
    // every field must match
    [{ source: ['com.shop'], 'detail-type': ['Other'] }, false],
    // prefix / suffix / equals-ignore-case
    [{ source: [{ prefix: 'com.' }] }, true],
    [{ source: [{ prefix: 'org.' }] }, false],
    [{ source: [{ prefix: { 'equals-ignore-case': 'COM.S' } }] }, true],
    [{ detail: { path: [{ suffix: '.png' }] } }, true],
    [{ detail: { path: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } }, true],
    [{ detail: { currency: [{ 'equals-ignore-case': 'eur' }] } }, true],
    // anything-but
    [{ detail: { currency: [{ 'anything-but': 'USD' }] } }, true],
    [{ detail: { currency: [{ 'anything-but': ['EUR', 'USD'] }] } }, false],
    [{ detail: { amount: [{ 'anything-but': [100, 200] }] } }, true],
    [{ detail: { currency: [{ 'anything-but': { prefix: 'E' } }] } }, false],
    [{ detail: { currency: [{ 'anything-but': { suffix: 'D' } }] } }, true],
    [{ detail: { currency: [{ 'anything-but': { 'equals-ignore-case': ['eur'] } }] } }, false],
    [{ detail: { path: [{ 'anything-but': { wildcard: 'dir/*' } }] } }, false],
    [{ detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    // numeric
    [{ detail: { amount: [{ numeric: ['>', 100] }] } }, true],
    [{ detail: { amount: [{ numeric: ['>=', 150, '<', 151] }] } }, true],
    [{ detail: { amount: [{ numeric: ['=', 150] }] } }, true],
    [{ detail: { amount: [{ numeric: ['<', 150] }] } }, false],
    [{ detail: { currency: [{ numeric: ['>', 0] }] } }, false],
    // exists
    [{ detail: { amount: [{ exists: true }] } }, true],
    [{ detail: { missing: [{ exists: true }] } }, false],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { amount: [{ exists: false }] } }, false],
    [{ detail: { nested: [{ exists: true }] } }, false],
    // cidr
    [{ detail: { ip: [{ cidr: '10.0.0.0/16' }] } }, true],
    [{ detail: { ip: [{ cidr: '10.1.0.0/16' }] } }, false],
    [{ detail: { ip6: [{ cidr: '2001:db8::/32' }] } }, true],
    [{ detail: { ip6: [{ cidr: '2001:db9::/32' }] } }, false],
    // wildcard
    [{ detail: { path: [{ wildcard: 'dir/*.png' }] } }, true],
    [{ detail: { path: [{ wildcard: '*.jpg' }] } }, false],
    [{ 'detail-type': [{ wildcard: 'Order*' }] }, true],
    // $or
    [{ $or: [{ source: ['x'] }, { detail: { currency: ['EUR'] } }] }, true],
    [{ $or: [{ source: ['x'] }, { detail: { currency: ['USD'] } }] }, false],
    [{ source: ['com.shop'], detail: { $or: [{ amount: [1] }, { tags: ['red'] }] } }, true],
  ])('%j -> %s', (pattern, expected) => {
    expect(m(pattern)).toBe(expected);
  });

  it('escaped wildcard stars match literally', () => {
    const p = parseEventPattern({ a: [{ wildcard: 'x\\*y' }] });
    expect(matchesPattern(p, { a: 'x*y' })).toBe(true);
    expect(matchesPattern(p, { a: 'xzy' })).toBe(false);
  });
});

describe('event patterns: validation', () => {
  it.each([
    ['not json', 'not json'],
    ['an array', '[]'],
    ['a string', '"x"'],
    ['empty object', '{}'],
    ['a bare leaf value', '{"source":"x"}'],
    ['an empty leaf array', '{"source":[]}'],
    ['an unknown operator', '{"source":[{"bogus":"x"}]}'],
    ['two operators in one matcher', '{"source":[{"prefix":"a","suffix":"b"}]}'],
    ['exists not boolean', '{"a":[{"exists":"true"}]}'],
    ['numeric not an array', '{"a":[{"numeric":5}]}'],
    ['numeric bad operator', '{"a":[{"numeric":["!=",5]}]}'],
    ['numeric bad range', '{"a":[{"numeric":[">",10,"<",5]}]}'],
    ['numeric two lower bounds', '{"a":[{"numeric":[">",1,">",2]}]}'],
    ['prefix not a string', '{"a":[{"prefix":5}]}'],
    ['bad cidr', '{"a":[{"cidr":"10.0.0.0/33"}]}'],
    ['consecutive wildcards', '{"a":[{"wildcard":"a**b"}]}'],
    ['$or with one branch', '{"$or":[{"a":["x"]}]}'],
    ['anything-but with null', '{"a":[{"anything-but":[null]}]}'],
    ['nested array in a leaf', '{"a":[["x"]]}'],
  ])('rejects %s', (_why, text) => {
    expect(() => parseEventPattern(text)).toThrow(EventPatternError);
  });
});

import { describe, expect, it } from 'vitest';
import {
  EventPatternError,
  matchesAny,
  matchesPattern,
  parseEventPattern,
  parsePatterns,
} from '../../src/core/patterns/event-pattern.js';

const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    count: 5,
    ratio: 0.25,
    flag: true,
    nothing: null,
    tags: ['blue', 'green'],
    'source-ip': '10.0.0.123',
    'source-ip6': '2001:db8::ff00:42:8329',
    location: { city: 'Seattle', zip: '98101' },
    items: [
      { sku: 'a-1', qty: 2 },
      { sku: 'b-2', qty: 0 },
    ],
  },
};

const matches = (pattern: object): boolean => matchesPattern(parseEventPattern(JSON.stringify(pattern)), event);

describe('event patterns: matching', () => {
  it('matches literal values, nested objects and arrays (any element)', () => {
    expect(matches({ source: ['aws.ec2'] })).toBe(true);
    expect(matches({ source: ['aws.s3', 'aws.ec2'] })).toBe(true);
    expect(matches({ source: ['aws.s3'] })).toBe(false);
    expect(matches({ detail: { state: ['terminated'], count: [5] } })).toBe(true);
    expect(matches({ detail: { count: ['5'] } })).toBe(false);
    expect(matches({ detail: { flag: [true] } })).toBe(true);
    expect(matches({ detail: { nothing: [null] } })).toBe(true);
    expect(matches({ detail: { tags: ['green'] } })).toBe(true);
    expect(matches({ detail: { location: { city: ['Seattle'] } } })).toBe(true);
    expect(matches({ detail: { location: { city: ['Portland'] } } })).toBe(false);
    expect(matches({ detail: { items: { sku: ['b-2'] } } })).toBe(true);
    expect(matches({ detail: { missing: ['x'] } })).toBe(false);
  });

  it('prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(matches({ 'detail-type': [{ prefix: 'EC2 Instance' }] })).toBe(true);
    expect(matches({ 'detail-type': [{ prefix: 'ec2' }] })).toBe(false);
    expect(matches({ 'detail-type': [{ prefix: { 'equals-ignore-case': 'ec2 instance' } }] })).toBe(true);
    expect(matches({ 'detail-type': [{ suffix: 'Notification' }] })).toBe(true);
    expect(matches({ 'detail-type': [{ suffix: { 'equals-ignore-case': 'NOTIFICATION' } }] })).toBe(true);
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] })).toBe(true);
    expect(matches({ source: [{ wildcard: 'aws.*' }] })).toBe(true);
    expect(matches({ resources: [{ wildcard: 'arn:aws:ec2:*:instance/i-*' }] })).toBe(true);
    expect(matches({ source: [{ wildcard: 'aws.s*' }] })).toBe(false);
  });

  it('anything-but: values, lists, prefix, suffix, equals-ignore-case, wildcard', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'running' }] } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': ['running', 'terminated'] }] } })).toBe(false);
    expect(matches({ detail: { count: [{ 'anything-but': [1, 2, 3] }] } })).toBe(true);
    expect(matches({ detail: { count: [{ 'anything-but': 5 }] } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { suffix: 'ing' } }] } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['TERMINATED'] } }] } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { wildcard: 'term*' } }] } })).toBe(false);
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('numeric ranges', () => {
    expect(matches({ detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } })).toBe(true);
    expect(matches({ detail: { count: [{ numeric: ['>', 5] }] } })).toBe(false);
    expect(matches({ detail: { ratio: [{ numeric: ['>=', 0.25, '<', 1] }] } })).toBe(true);
    expect(matches({ detail: { count: [{ numeric: ['=', 5] }] } })).toBe(true);
    expect(matches({ detail: { state: [{ numeric: ['>', 0] }] } })).toBe(false);
  });

  it('exists', () => {
    expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { missing: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { missing: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { state: [{ exists: false }] } })).toBe(false);
    // An absent parent object: only exists:false below it can match.
    expect(matches({ absent: { child: [{ exists: false }] } })).toBe(true);
    expect(matches({ absent: { child: [{ exists: true }] } })).toBe(false);
  });

  it('cidr, IPv4 and IPv6', () => {
    expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
    expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } })).toBe(false);
    expect(matches({ detail: { 'source-ip': [{ cidr: '0.0.0.0/0' }] } })).toBe(true);
    expect(matches({ detail: { 'source-ip6': [{ cidr: '2001:db8::/32' }] } })).toBe(true);
    expect(matches({ detail: { 'source-ip6': [{ cidr: '2001:db9::/32' }] } })).toBe(false);
    expect(matches({ detail: { 'source-ip6': [{ cidr: '10.0.0.0/8' }] } })).toBe(false);
  });

  it('$or at the top and nested levels', () => {
    expect(matches({ $or: [{ source: ['aws.s3'] }, { detail: { count: [5] } }] })).toBe(true);
    expect(matches({ $or: [{ source: ['aws.s3'] }, { detail: { count: [6] } }] })).toBe(false);
    expect(
      matches({ source: ['aws.ec2'], detail: { $or: [{ state: ['running'] }, { tags: [{ prefix: 'gr' }] }] } }),
    ).toBe(true);
  });

  it('matchesAny: any pattern, and no patterns match everything (Lambda filters)', () => {
    const patterns = parsePatterns([{ Pattern: '{"source":["aws.s3"]}' }, { Pattern: '{"source":["aws.ec2"]}' }]);
    expect(matchesAny(patterns, event)).toBe(true);
    expect(matchesAny([], event)).toBe(true);
    expect(matchesAny(parsePatterns([{ Pattern: '{"source":["x"]}' }]), event)).toBe(false);
  });
});

describe('event patterns: validation', () => {
  it.each([
    ['not JSON', '{source:'],
    ['not an object', '["aws.ec2"]'],
    ['empty', '{}'],
    ['a scalar leaf', '{"source":"aws.ec2"}'],
    ['an unknown matcher', '{"source":[{"regex":"a.*"}]}'],
    ['two keys in a matcher', '{"source":[{"prefix":"a","suffix":"b"}]}'],
    ['a non-string prefix', '{"source":[{"prefix":5}]}'],
    ['a non-boolean exists', '{"source":[{"exists":"yes"}]}'],
    ['a bad numeric operator', '{"n":[{"numeric":["!=",1]}]}'],
    ['a non-numeric bound', '{"n":[{"numeric":[">","1"]}]}'],
    ['an odd numeric list', '{"n":[{"numeric":[">"]}]}'],
    ['a bad cidr', '{"ip":[{"cidr":"10.0.0.0"}]}'],
    ['a cidr prefix too long', '{"ip":[{"cidr":"10.0.0.0/33"}]}'],
    ['consecutive wildcards', '{"s":[{"wildcard":"a**b"}]}'],
    ['$or with one branch', '{"$or":[{"source":["a"]}]}'],
    ['anything-but with null', '{"s":[{"anything-but":[null]}]}'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseEventPattern(text)).toThrow(EventPatternError);
  });

  it('accepts every supported matcher', () => {
    expect(() =>
      parseEventPattern(
        JSON.stringify({
          source: ['a', 1, true, null, { prefix: 'p' }, { suffix: { 'equals-ignore-case': 'S' } }],
          detail: {
            a: [{ 'anything-but': ['x', 1] }, { 'anything-but': { wildcard: 'x*' } }],
            b: [{ numeric: ['>', 0, '<=', 10] }, { exists: false }, { cidr: '::1/128' }, { wildcard: 'a*b' }],
            $or: [{ c: ['1'] }, { d: [{ 'equals-ignore-case': 'D' }] }],
          },
        }),
      ),
    ).not.toThrow();
  });
});

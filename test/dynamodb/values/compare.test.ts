import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../../src/services/dynamodb/types.js';
import { compareScalars, valuesEqual } from '../../../src/services/dynamodb/values/compare.js';
import { compareNumbers } from '../../../src/services/dynamodb/values/numbers.js';
import { arbNumber } from './arbitraries.js';

const b64 = (...bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('compareScalars', () => {
  it('orders S by UTF-8 bytes, not UTF-16 units', () => {
    expect(compareScalars({ S: 'a' }, { S: 'b' })).toBeLessThan(0);
    expect(compareScalars({ S: 'ab' }, { S: 'a' })).toBeGreaterThan(0);
    expect(compareScalars({ S: 'a' }, { S: 'a' })).toBe(0);
    expect(compareScalars({ S: '\u{1f600}' }, { S: '\uff5e' })).toBeGreaterThan(0);
    expect(compareScalars({ S: '\ue000' }, { S: '\ud7ff' })).toBeGreaterThan(0);
    expect(compareScalars({ S: 'Z' }, { S: 'a' })).toBeLessThan(0);
  });

  it('orders N numerically', () => {
    expect(compareScalars({ N: '10' }, { N: '9' })).toBeGreaterThan(0);
    expect(compareScalars({ N: '-10' }, { N: '-9' })).toBeLessThan(0);
    expect(compareScalars({ N: '1.0' }, { N: '1' })).toBe(0);
    fc.assert(
      fc.property(arbNumber, arbNumber, (a, b) => {
        expect(Math.sign(compareScalars({ N: a }, { N: b })!)).toBe(Math.sign(compareNumbers(a, b)));
      }),
    );
  });

  it('orders B by unsigned bytes', () => {
    expect(compareScalars({ B: b64(0x7f) }, { B: b64(0x80) })).toBeLessThan(0);
    expect(compareScalars({ B: b64(0xff) }, { B: b64(0x00, 0x00) })).toBeGreaterThan(0);
    expect(compareScalars({ B: b64(1, 2) }, { B: b64(1) })).toBeGreaterThan(0);
    expect(compareScalars({ B: b64(1, 2) }, { B: b64(1, 2) })).toBe(0);
  });

  it('is undefined across types and for non-scalars', () => {
    expect(compareScalars({ S: '1' }, { N: '1' })).toBeUndefined();
    expect(compareScalars({ B: b64(1) }, { S: 'AQ==' })).toBeUndefined();
    expect(compareScalars({ BOOL: true }, { BOOL: true })).toBeUndefined();
    expect(compareScalars({ SS: ['a'] }, { SS: ['a'] })).toBeUndefined();
    expect(compareScalars({ NULL: true }, { NULL: true })).toBeUndefined();
  });
});

describe('valuesEqual', () => {
  const equal: [AttributeValue, AttributeValue][] = [
    [{ S: 'a' }, { S: 'a' }],
    [{ N: '1' }, { N: '1.00' }],
    [{ N: '-0' }, { N: '0' }],
    [{ B: 'AQI=' }, { B: 'AQI=' }],
    [{ BOOL: true }, { BOOL: true }],
    [{ NULL: true }, { NULL: true }],
    [{ SS: ['a', 'b'] }, { SS: ['b', 'a'] }],
    [{ NS: ['1', '2.5'] }, { NS: ['2.50', '1e0'] }],
    [{ BS: [b64(1), b64(2)] }, { BS: [b64(2), b64(1)] }],
    [{ L: [{ S: 'a' }, { N: '1' }] }, { L: [{ S: 'a' }, { N: '1.0' }] }],
    [{ L: [] }, { L: [] }],
    [{ M: { a: { S: 'x' }, b: { L: [{ NS: ['1'] }] } } }, { M: { b: { L: [{ NS: ['1'] }] }, a: { S: 'x' } } }],
    [{ M: {} }, { M: {} }],
  ];
  const unequal: [AttributeValue, AttributeValue][] = [
    [{ S: 'a' }, { S: 'b' }],
    [{ S: '1' }, { N: '1' }],
    [{ N: '1' }, { N: '1.000000001' }],
    [{ B: b64(1) }, { B: b64(1, 0) }],
    [{ BOOL: true }, { BOOL: false }],
    [{ SS: ['a'] }, { SS: ['a', 'b'] }],
    [{ SS: ['a', 'b'] }, { SS: ['a', 'c'] }],
    [{ NS: ['1'] }, { NS: ['2'] }],
    [{ SS: ['1'] }, { NS: ['1'] }],
    [{ L: [{ S: 'a' }, { S: 'b' }] }, { L: [{ S: 'b' }, { S: 'a' }] }],
    [{ L: [{ S: 'a' }] }, { L: [{ S: 'a' }, { S: 'a' }] }],
    [{ L: [{ S: 'a' }] }, { SS: ['a'] }],
    [{ M: { a: { S: 'x' } } }, { M: { a: { S: 'y' } } }],
    [{ M: { a: { S: 'x' } } }, { M: { b: { S: 'x' } } }],
    [{ M: { a: { S: 'x' } } }, { M: { a: { S: 'x' }, b: { S: 'x' } } }],
    [{ M: {} }, { L: [] }],
  ];

  it.each(equal)('%j equals %j', (a, b) => {
    expect(valuesEqual(a, b)).toBe(true);
    expect(valuesEqual(b, a)).toBe(true);
  });

  it.each(unequal)('%j differs from %j', (a, b) => {
    expect(valuesEqual(a, b)).toBe(false);
    expect(valuesEqual(b, a)).toBe(false);
  });
});

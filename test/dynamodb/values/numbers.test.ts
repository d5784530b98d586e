import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/core/errors/aws-error.js';
import {
  addNumbers,
  compareNumbers,
  normalizeNumber,
  subtractNumbers,
} from '../../../src/services/dynamodb/values/numbers.js';
import { arbNumber } from './arbitraries.js';

const BigDec = Decimal.clone({ precision: 400 });

const OVERFLOW = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
const UNDERFLOW = 'Number underflow. Attempting to store a number with magnitude smaller than supported range';
const DIGITS = 'Attempting to store more than 38 significant digits in a Number';

function errorOf(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    expect((e as AwsError).code).toBe('ValidationException');
    return e as AwsError;
  }
  throw new Error('expected a ValidationException');
}

describe('normalizeNumber', () => {
  it.each([
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1.5E2', '150'],
    ['1.10', '1.1'],
    ['3.1400', '3.14'],
    ['1.0', '1'],
    ['-0', '0'],
    ['+0', '0'],
    ['0.000', '0'],
    ['-0.0e5', '0'],
    ['00', '0'],
    ['0e999999', '0'],
    ['.5', '0.5'],
    ['-.5', '-0.5'],
    ['+.5', '0.5'],
    ['5.', '5'],
    ['+5', '5'],
    ['+1e2', '100'],
    ['1e+2', '100'],
    ['1.5E+3', '1500'],
    ['-7', '-7'],
    ['00042', '42'],
    ['-0015.789e6', '-15789000'],
    ['123.456', '123.456'],
    ['0.00000000000000000000000000000000000001', '0.00000000000000000000000000000000000001'],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['0000012345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['-00001.23456789012345678901234567890123456780000', '-1.2345678901234567890123456789012345678'],
    ['10000000000000000000000000000000000000000', '10000000000000000000000000000000000000000'],
    ['1e125', '1' + '0'.repeat(125)],
    ['0009.99999999999999999999999999999999999990000e125', '9'.repeat(38) + '0'.repeat(88)],
    ['-9.9999999999999999999999999999999999999E+125', '-' + '9'.repeat(38) + '0'.repeat(88)],
    ['1E-130', '0.' + '0'.repeat(129) + '1'],
    ['0001.000e-130', '0.' + '0'.repeat(129) + '1'],
    ['-1E-130', '-0.' + '0'.repeat(129) + '1'],
    ['1.5e-130', '0.' + '0'.repeat(129) + '15'],
    ['1e-0', '1'],
    ['1e0005', '100000'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeNumber(input)).toBe(expected);
  });

  it.each([
    'b',
    ' 1',
    '1 ',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e',
    'e5',
    '.',
    '-',
    '+',
    '0x10',
    '1.2.3',
    '++5',
    '+-5',
    '1e+',
    '1_000',
    '1,5',
    '1e5.5',
    '--1',
    '١',
    '1e99999999999',
    '1e2147483648',
    '\n1',
  ])('rejects %j as not numeric', (input) => {
    expect(errorOf(() => normalizeNumber(input)).message).toBe(
      `The parameter cannot be converted to a numeric value: ${input}`,
    );
  });

  it('reports an empty string without a value', () => {
    expect(errorOf(() => normalizeNumber('')).message).toBe('The parameter cannot be converted to a numeric value');
  });

  it.each([
    ['1e126', OVERFLOW],
    ['-1e126', OVERFLOW],
    ['1E+126', OVERFLOW],
    ['10e125', OVERFLOW],
    ['1e2147483647', OVERFLOW],
    ['1e-131', UNDERFLOW],
    ['-1e-131', UNDERFLOW],
    ['0.1e-130', UNDERFLOW],
    ['123456789012345678901234567890123456789', DIGITS],
    ['-1.23456789012345678901234567890123456789', DIGITS],
    ['1.00000000000000000000000000000000000001', DIGITS],
  ])('%s → %s', (input, message) => {
    expect(errorOf(() => normalizeNumber(input)).message).toBe(message);
  });

  it('matches decimal.js on random valid numbers and is idempotent', () => {
    fc.assert(
      fc.property(arbNumber, (n) => {
        const scientific = new BigDec(n).toExponential();
        const normal = normalizeNumber(scientific);
        expect(normal).toBe(n);
        expect(normalizeNumber(normal)).toBe(normal);
      }),
    );
  });
});

describe('compareNumbers', () => {
  it('orders numerically', () => {
    const sorted = [
      '-1e125',
      '-100',
      '-10.5',
      '-10',
      '-1.01',
      '-1',
      '-0.5',
      '-1e-130',
      '0',
      '1e-130',
      '0.5',
      '1',
      '1.01',
      '10',
      '10.5',
      '100',
      '1e125',
    ];
    for (let i = 0; i < sorted.length; i++) {
      for (let j = 0; j < sorted.length; j++) {
        expect(Math.sign(compareNumbers(sorted[i]!, sorted[j]!))).toBe(Math.sign(i - j));
      }
    }
  });

  it('treats equal values written differently as equal', () => {
    expect(compareNumbers('1', '1.0')).toBe(0);
    expect(compareNumbers('-0', '0')).toBe(0);
    expect(compareNumbers('1e2', '100')).toBe(0);
  });

  it('agrees with decimal.js', () => {
    fc.assert(
      fc.property(arbNumber, arbNumber, (a, b) => {
        expect(Math.sign(compareNumbers(a, b))).toBe(new BigDec(a).comparedTo(new BigDec(b)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addNumbers / subtractNumbers', () => {
  it.each([
    ['1', '2', '3', '-1'],
    ['0.1', '0.2', '0.3', '-0.1'],
    ['1.5', '1.5', '3', '0'],
    ['-5', '5', '0', '-10'],
    ['99999999999999999999999999999999999999', '1', '1' + '0'.repeat(38), '99999999999999999999999999999999999998'],
    ['99999999999999999999999999999999999999', '0.1', OVERFLOW, OVERFLOW],
    ['1e50', '1', OVERFLOW, OVERFLOW],
    ['1e125', '1e125', '2' + '0'.repeat(125), '0'],
    ['1e-130', '1e-130', '0.' + '0'.repeat(129) + '2', '0'],
    ['12345678901234567890123456789012345678', '0.5', OVERFLOW, OVERFLOW],
  ])('%s ± %s', (a, b, sum, difference) => {
    const run = (fn: () => string, expected: string) =>
      expected.startsWith('Number') ? expect(errorOf(fn).message).toBe(expected) : expect(fn()).toBe(expected);
    run(() => addNumbers(a, b), sum);
    run(() => subtractNumbers(a, b), difference);
  });

  it('overflows past the largest magnitude', () => {
    const max = normalizeNumber('9.9999999999999999999999999999999999999E+125');
    expect(errorOf(() => addNumbers(max, '1e125')).message).toBe(OVERFLOW);
    expect(errorOf(() => subtractNumbers('-' + max, '1e125')).message).toBe(OVERFLOW);
  });

  it('is exact and agrees with decimal.js when in range', () => {
    fc.assert(
      fc.property(arbNumber, arbNumber, (a, b) => {
        for (const [fn, op] of [
          [addNumbers, 'plus'],
          [subtractNumbers, 'minus'],
        ] as const) {
          const expected = new BigDec(a)[op](new BigDec(b));
          let expectedText: string;
          try {
            expectedText = normalizeNumber(expected.toFixed());
          } catch {
            expect(() => fn(a, b)).toThrow(AwsError);
            continue;
          }
          expect(fn(a, b)).toBe(expectedText);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

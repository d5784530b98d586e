import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../../src/services/dynamodb/values/compare.js';
import { decodeKey, encodeKey, hashBucket } from '../../../src/services/dynamodb/values/key-encoding.js';
import { compareNumbers } from '../../../src/services/dynamodb/values/numbers.js';
import { arbNumber } from './arbitraries.js';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const arbUnicode = fc.string({ unit: 'binary', maxLength: 12 });
/** Strings that often share prefixes and mix ASCII, BMP above the surrogates, and astral characters. */
const arbTrickyString = fc
  .array(
    fc.constantFrom(
      'a',
      'b',
      '\u007f',
      '\u0080',
      '\u07ff',
      '\u0800',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '\u{10000}',
      '\u{1f600}',
      '\u{10ffff}',
      'é',
      '中',
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

describe('encodeKey N', () => {
  it('orders exactly as compareNumbers (random decimals, tiny and huge exponents)', () => {
    fc.assert(
      fc.property(arbNumber, arbNumber, (a, b) => {
        expect(sign(Buffer.compare(encodeKey('N', a), encodeKey('N', b)))).toBe(sign(compareNumbers(a, b)));
      }),
      { numRuns: 5000 },
    );
  });

  it('sorts a hand-picked list into numeric order', () => {
    const ordered = [
      '-' + '9'.repeat(38) + '0'.repeat(88),
      '-1' + '0'.repeat(125),
      '-1000',
      '-999.9',
      '-123.01',
      '-123',
      '-12.3',
      '-1.21',
      '-1.2',
      '-1.1',
      '-1.01',
      '-1.001',
      '-1',
      '-0.9',
      '-0.1',
      '-0.01',
      '-0.0' + '0'.repeat(127) + '1' + '9'.repeat(37),
      '-0.0' + '0'.repeat(127) + '1',
      '0',
      '0.0' + '0'.repeat(127) + '1',
      '0.0' + '0'.repeat(127) + '1' + '9'.repeat(37),
      '0.01',
      '0.1',
      '0.9',
      '1',
      '1.001',
      '1.01',
      '1.1',
      '1.2',
      '1.21',
      '12.3',
      '123',
      '123.01',
      '999.9',
      '1000',
      '9'.repeat(38),
      '1' + '0'.repeat(125),
      '9'.repeat(38) + '0'.repeat(88),
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort((a, b) => Buffer.compare(encodeKey('N', a), encodeKey('N', b)));
    expect(shuffled).toEqual(ordered);
  });

  it('round-trips through decodeKey to the normalised string', () => {
    fc.assert(
      fc.property(arbNumber, (n) => {
        expect(decodeKey('N', encodeKey('N', n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
    expect(decodeKey('N', encodeKey('N', '1.50e1'))).toBe('15');
    expect(decodeKey('N', encodeKey('N', '-0'))).toBe('0');
  });

  it('encodes equal values identically and stays small', () => {
    expect(encodeKey('N', '1e2').equals(encodeKey('N', '100.00'))).toBe(true);
    expect(encodeKey('N', '-' + '9'.repeat(38)).length).toBeLessThanOrEqual(22);
  });
});

describe('encodeKey S', () => {
  it('orders by UTF-8 bytes, which differs from JS UTF-16 order for astral characters', () => {
    const astral = '\u{1f600}';
    const highBmp = '\uffff';
    expect(astral < highBmp).toBe(true); // UTF-16 order
    expect(Buffer.compare(encodeKey('S', astral), encodeKey('S', highBmp))).toBe(1); // DynamoDB order
    expect(compareStrings(astral, highBmp)).toBeGreaterThan(0);
  });

  it('compareStrings agrees with memcmp of the encodings on random unicode', () => {
    fc.assert(
      fc.property(fc.oneof(arbUnicode, arbTrickyString), fc.oneof(arbUnicode, arbTrickyString), (a, b) => {
        expect(sign(compareStrings(a, b))).toBe(sign(Buffer.compare(encodeKey('S', a), encodeKey('S', b))));
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(arbUnicode, (s) => {
        expect(decodeKey('S', encodeKey('S', s))).toBe(s);
      }),
    );
  });
});

describe('encodeKey B', () => {
  it('orders by unsigned bytes and round-trips to base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10 }), fc.uint8Array({ maxLength: 10 }), (x, y) => {
        const a = Buffer.from(x).toString('base64');
        const b = Buffer.from(y).toString('base64');
        expect(sign(Buffer.compare(encodeKey('B', a), encodeKey('B', b)))).toBe(sign(Buffer.compare(x, y)));
        expect(decodeKey('B', encodeKey('B', a))).toBe(a);
      }),
    );
    expect(
      Buffer.compare(
        encodeKey('B', Buffer.from([0x7f]).toString('base64')),
        encodeKey('B', Buffer.from([0x80]).toString('base64')),
      ),
    ).toBe(-1);
  });
});

describe('hashBucket', () => {
  it('is a deterministic unsigned 32-bit integer', () => {
    const h = hashBucket('S', 'abc');
    expect(h).toBe(hashBucket('S', 'abc'));
    expect(Number.isInteger(h)).toBe(true);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(2 ** 32);
  });

  it('depends on the type and on the numeric value, not its spelling', () => {
    expect(hashBucket('S', '1')).not.toBe(hashBucket('N', '1'));
    expect(hashBucket('N', '1.0')).toBe(hashBucket('N', '1'));
    expect(hashBucket('B', 'AQ==')).not.toBe(hashBucket('S', 'AQ=='));
  });

  it('spreads keys evenly over parallel-scan segments', () => {
    const segments = 8;
    const counts = new Array<number>(segments).fill(0);
    for (let i = 0; i < 8000; i++) {
      const h = hashBucket('S', `user#${i}`);
      counts[Math.floor((h * segments) / 2 ** 32)]!++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    for (const c of counts) expect(c).toBeLessThan(1200);
  });
});

/** fast-check generators of DynamoDB values shared by the values tests. */
import fc from 'fast-check';
import { formatDecimal } from '../../../src/services/dynamodb/values/decimal.js';

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const nonZero = fc.integer({ min: 1, max: 9 }).map(String);

/** Significant digits: 1..38 digits, no leading or trailing zero. */
export const arbDigits = fc
  .tuple(nonZero, fc.array(digit, { maxLength: 36 }), nonZero, fc.boolean())
  .map(([first, middle, last, single]) => (single ? first : first + middle.join('') + last));

/** A canonical (normalised) DynamoDB number anywhere in the supported range, zero included. */
export const arbNumber: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('0') },
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.boolean(), arbDigits, fc.oneof(fc.integer({ min: -130, max: 125 }), fc.integer({ min: -4, max: 6 })))
      .map(([negative, digits, exponent]) => formatDecimal({ negative, digits, exponent })),
  },
  {
    // Values sharing a long prefix: the hard case for an order-preserving encoding.
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.boolean(),
        fc.constantFrom('1', '12', '1234567', '99', '5'),
        fc.array(digit, { maxLength: 4 }),
        nonZero,
        fc.integer({ min: -3, max: 3 }),
      )
      .map(([negative, base, mid, last, exponent]) =>
        formatDecimal({ negative, digits: (base + mid.join('') + last).slice(0, 38), exponent }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1' + '0'.repeat(125),
      '-1' + '0'.repeat(125),
      '9'.repeat(38) + '0'.repeat(88),
      '-' + '9'.repeat(38) + '0'.repeat(88),
      '0.' + '0'.repeat(129) + '1',
      '-0.' + '0'.repeat(129) + '1',
      '0.' + '0'.repeat(129) + '1' + '9'.repeat(37),
      '9'.repeat(38),
      '-' + '9'.repeat(38),
      '1',
      '-1',
    ),
  },
);

/**
 * Order-preserving byte encodings of key values: `Buffer.compare` (memcmp, SQLite BLOB order) of two
 * encodings of the same type orders exactly as DynamoDB orders sort keys.
 *
 * S: the UTF-8 bytes (UTF-8 byte order is code point order). B: the raw bytes.
 * N: [sign][exponent][digit pairs…][terminator]
 *   sign      0x00 negative, 0x01 zero (nothing follows), 0x02 positive
 *   exponent  positive: exponent + 130 (0..255); negative: 125 - exponent, so larger magnitudes sort first
 *   digits    two decimal digits per byte (0..99, an odd last digit is padded with a 0);
 *             negatives store 99 - pair and end with 0xFF so that a shorter mantissa sorts after a
 *             longer one sharing its prefix (−1.2 > −1.23)
 */
import { murmur3 } from './murmur3.js';
import type { ScalarKeyType } from '../types.js';
import { formatDecimal, type Decimal } from './decimal.js';
import { decimalOf } from './numbers.js';

const NEGATIVE = 0x00;
const ZERO = 0x01;
const POSITIVE = 0x02;
const NEGATIVE_END = 0xff;
const EXPONENT_BIAS = 130;
const MAX_EXPONENT_BYTE = 255;

export function encodeKey(type: ScalarKeyType, value: string): Buffer {
  switch (type) {
    case 'S':
      return Buffer.from(value, 'utf8');
    case 'B':
      return Buffer.from(value, 'base64');
    case 'N':
      return encodeNumber(decimalOf(value));
  }
}

export function decodeKey(type: ScalarKeyType, buf: Buffer): string {
  switch (type) {
    case 'S':
      return buf.toString('utf8');
    case 'B':
      return buf.toString('base64');
    case 'N':
      return formatDecimal(decodeNumber(buf));
  }
}

/** Seeds per key type, so equal bytes of different types land in different buckets. */
const TYPE_SEED = { S: 0x53, N: 0x4e, B: 0x42 } as const;

/**
 * Deterministic, well-mixed unsigned 32-bit hash of a partition key value (MurmurHash3 of the value's
 * canonical bytes, seeded by type). Parallel scan: segment = Math.floor(hash * totalSegments / 2 ** 32).
 */
export function hashBucket(type: ScalarKeyType, value: string): number {
  return murmur3(encodeKey(type, value), TYPE_SEED[type]);
}

function encodeNumber(d: Decimal): Buffer {
  if (d.digits.length === 0) return Buffer.from([ZERO]);
  if (d.exponent + EXPONENT_BIAS < 0 || d.exponent + EXPONENT_BIAS > MAX_EXPONENT_BYTE) {
    throw new RangeError(`number key out of DynamoDB range: exponent ${d.exponent}`);
  }
  const pairs = Math.ceil(d.digits.length / 2);
  const out = Buffer.alloc(2 + pairs + (d.negative ? 1 : 0));
  out[0] = d.negative ? NEGATIVE : POSITIVE;
  out[1] = d.negative ? MAX_EXPONENT_BYTE - (d.exponent + EXPONENT_BIAS) : d.exponent + EXPONENT_BIAS;
  for (let i = 0; i < pairs; i++) {
    const hi = d.digits.charCodeAt(2 * i) - 48;
    const lo = 2 * i + 1 < d.digits.length ? d.digits.charCodeAt(2 * i + 1) - 48 : 0;
    const pair = hi * 10 + lo;
    out[2 + i] = d.negative ? 99 - pair : pair;
  }
  if (d.negative) out[out.length - 1] = NEGATIVE_END;
  return out;
}

function decodeNumber(buf: Buffer): Decimal {
  const sign = buf[0];
  if (sign === ZERO) return { negative: false, digits: '', exponent: 0 };
  if ((sign !== NEGATIVE && sign !== POSITIVE) || buf.length < 3) throw new Error('invalid number key encoding');
  const negative = sign === NEGATIVE;
  const expByte = buf[1] ?? 0;
  const exponent = (negative ? MAX_EXPONENT_BYTE - expByte : expByte) - EXPONENT_BIAS;
  const end = negative ? buf.length - 1 : buf.length;
  let digits = '';
  for (let i = 2; i < end; i++) {
    const pair = negative ? 99 - (buf[i] ?? 0) : (buf[i] ?? 0);
    digits += pair < 10 ? '0' + pair : String(pair);
  }
  return { negative, digits: digits.replace(/0+$/, ''), exponent };
}

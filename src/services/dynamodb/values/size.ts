/**
 * DynamoDB item size, which drives the 400 KB item limit, capacity units and the 1 MB page:
 * attribute names in UTF-8 bytes plus value sizes.
 *   S: UTF-8 bytes. B: raw bytes. BOOL, NULL: 1.
 *   N: 1 byte + 1 per base-100 digit pair (pairs aligned on the decimal point) + 1 if negative; 0 is 1.
 *   SS/NS/BS: sum of the members. L: 3 + Σ(1 + element). M: 3 + Σ(1 + name + value).
 */
import type { AttributeValue, Item } from '../types.js';
import { parseDecimal } from './decimal.js';

/** 400 KB. */
export const MAX_ITEM_SIZE = 409_600;
/** Partition key value limit, in bytes. */
export const MAX_HASH_KEY_SIZE = 2048;
/** Sort key value limit, in bytes. */
export const MAX_RANGE_KEY_SIZE = 1024;

export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + attributeValueSize(item[name]!);
  return size;
}

export function attributeValueSize(v: AttributeValue): number {
  if ('S' in v) return utf8Length(v.S);
  if ('N' in v) return numberSize(v.N);
  if ('B' in v) return base64Length(v.B);
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return sum(v.SS, utf8Length);
  if ('NS' in v) return sum(v.NS, numberSize);
  if ('BS' in v) return sum(v.BS, base64Length);
  if ('L' in v) return 3 + sum(v.L, (e) => 1 + attributeValueSize(e));
  if ('M' in v) return 3 + Object.keys(v.M).length + itemSize(v.M);
  return 0;
}

/**
 * Size of a number: DynamoDB stores it in base 100 (two digits a byte, pairs aligned on the decimal
 * point) after an exponent byte, plus one byte for negatives. Zero is 1 byte.
 */
export function numberSize(n: string): number {
  const d = parseDecimal(n);
  if (!d || d.digits.length === 0) return 1;
  const count = d.digits.length;
  // With an even leading exponent the first digit sits alone in its pair, which costs a byte
  // exactly when the digit count is even too.
  const extra = count % 2 === 0 && d.exponent % 2 === 0 ? 1 : 0;
  return 1 + Math.ceil(count / 2) + extra + (d.negative ? 1 : 0);
}

/** Bytes of a key value as the key size limits count them: S UTF-8, B raw, N its stored size. */
export function keyValueSize(v: AttributeValue): number {
  if ('S' in v) return utf8Length(v.S);
  if ('B' in v) return base64Length(v.B);
  if ('N' in v) return numberSize(v.N);
  return attributeValueSize(v);
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Decoded length of a base64 string. */
export function base64Length(b64: string): number {
  return Buffer.byteLength(b64, 'base64');
}

function sum<T>(values: readonly T[], size: (v: T) => number): number {
  let total = 0;
  for (const v of values) total += size(v);
  return total;
}

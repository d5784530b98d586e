/** DynamoDB ordering of scalars and DynamoDB equality of any two attribute values. */
import type { AttributeValue } from '../types.js';
import { typeOf } from '../types.js';
import { compareDecimals, formatDecimal, parseDecimal } from './decimal.js';

/**
 * Order of two scalars of the same type: S by UTF-8 bytes (= code points, not UTF-16 units),
 * N numerically, B by unsigned bytes. undefined when the types differ or are not S, N or B.
 */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('N' in a && 'N' in b) return compareNumberStrings(a.N, b.N);
  if ('B' in a && 'B' in b) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'));
  return undefined;
}

/** Code point (UTF-8 byte) order of two JS strings, without encoding them. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 units order code points except that surrogates (D800–DFFF, code points ≥ 10000)
    // must sort after E000–FFFF. Shift both ranges so unit order becomes code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function compareNumberStrings(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  return compareDecimals(x, y);
}

/**
 * DynamoDB equality: same type; N numerically; sets regardless of order (NS numerically, BS by
 * bytes); L element by element in order; M by keys and values; B by bytes.
 */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  switch (type) {
    case 'S':
      return (a as { S: string }).S === (b as { S: string }).S;
    case 'N':
      return compareNumberStrings((a as { N: string }).N, (b as { N: string }).N) === 0;
    case 'B':
      return bytesKey((a as { B: string }).B) === bytesKey((b as { B: string }).B);
    case 'BOOL':
      return (a as { BOOL: boolean }).BOOL === (b as { BOOL: boolean }).BOOL;
    case 'NULL':
      return true;
    case 'SS':
      return sameMembers((a as { SS: string[] }).SS, (b as { SS: string[] }).SS, (s) => s);
    case 'NS':
      return sameMembers((a as { NS: string[] }).NS, (b as { NS: string[] }).NS, numberKey);
    case 'BS':
      return sameMembers((a as { BS: string[] }).BS, (b as { BS: string[] }).BS, bytesKey);
    case 'L':
      return listsEqual((a as { L: AttributeValue[] }).L, (b as { L: AttributeValue[] }).L);
    case 'M':
      return mapsEqual((a as { M: Record<string, AttributeValue> }).M, (b as { M: Record<string, AttributeValue> }).M);
  }
}

function sameMembers(a: readonly string[], b: readonly string[], key: (s: string) => string): boolean {
  const keys = new Set(a.map(key));
  const other = new Set(b.map(key));
  if (keys.size !== other.size) return false;
  for (const k of other) if (!keys.has(k)) return false;
  return true;
}

function listsEqual(a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i]!, b[i]!)) return false;
  return true;
}

function mapsEqual(a: Record<string, AttributeValue>, b: Record<string, AttributeValue>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !valuesEqual(a[k]!, b[k]!)) return false;
  }
  return true;
}

/** Canonical text of a number for set membership (the raw text if it does not parse). */
export function numberKey(n: string): string {
  const d = parseDecimal(n);
  return d ? formatDecimal(d) : n;
}

/** The bytes of a base64 value as a string usable as a Set/Map key. */
export function bytesKey(b64: string): string {
  return Buffer.from(b64, 'base64').toString('latin1');
}

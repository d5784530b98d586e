/**
 * The JSON-shape pass AWS (Coral) runs on AttributeValues before any validation: wrong JSON types
 * are SerializationExceptions, `null` members and unknown members are dropped, and booleans accept
 * a few string spellings. The result may still be empty or carry several types; validate.ts
 * reports those.
 */
import { coreErrors } from '../../../core/errors/aws-error.js';
import type { AttributeValue } from '../types.js';

/** An AttributeValue after the JSON-shape pass: any subset of members, each of the right JSON type. */
export interface LooseAttributeValue {
  S?: string;
  B?: string;
  N?: string;
  BOOL?: boolean;
  NULL?: boolean;
  BS?: string[];
  NS?: (string | null)[];
  SS?: string[];
  L?: LooseAttributeValue[];
  M?: Record<string, LooseAttributeValue>;
}

/** The member order AWS checks in (and reports the first problem of). */
export const MEMBER_ORDER = ['S', 'B', 'N', 'BOOL', 'NULL', 'BS', 'NS', 'SS', 'L', 'M'] as const;

const AV_CLASS = 'com.amazonaws.dynamodb.v20120810.AttributeValue';

const fail = (message: string) => coreErrors.serialization(message);

/** The key of an object that has exactly one (enumerable, as `for…in` sees it), else undefined. */
export function soleKey(obj: object): string | undefined {
  let only: string | undefined;
  for (const k in obj) {
    if (only !== undefined) return undefined;
    only = k;
  }
  return only;
}

/** The JSON-shape pass over one AttributeValue. */
export function parseAttributeValue(raw: unknown): LooseAttributeValue {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object') throw fail('Unexpected value type in payload');
  if (Array.isArray(raw)) throw fail(`Unrecognized collection type class ${AV_CLASS}`);
  const src = raw as Record<string, unknown>;
  // Most values are one S or N member: that needs no walk over the ten member names.
  const only = soleKey(src);
  if (only === 'S' || only === 'N') {
    const v = src[only];
    if (typeof v === 'string') return only === 'S' ? { S: v } : { N: v };
  }
  const out: LooseAttributeValue = {};
  for (const member of MEMBER_ORDER) {
    const v = src[member];
    if (v === null || v === undefined) continue;
    switch (member) {
      case 'S':
      case 'N':
        out[member] = asString(v);
        break;
      case 'B':
        out.B = asBlob(v);
        break;
      case 'BOOL':
      case 'NULL':
        out[member] = asBoolean(v);
        break;
      case 'SS':
        out.SS = asList(v).map((e) => asString(nonNull(e)));
        break;
      case 'NS':
        // A null member is reported by validation as an unconvertible number.
        out.NS = asList(v).map((e) => (e === null || e === undefined ? null : asString(e)));
        break;
      case 'BS':
        out.BS = asList(v).map((e) => asBlob(nonNull(e)));
        break;
      case 'L':
        out.L = asList(v).map(parseAttributeValue);
        break;
      case 'M':
        out.M = parseAttributeMap(v);
        break;
    }
  }
  return out;
}

/** The JSON-shape pass over a map of AttributeValues (an Item, a Key, an `M`). */
export function parseAttributeMap(raw: unknown): Record<string, LooseAttributeValue> {
  if (typeof raw !== 'object' || raw === null) throw fail('Unexpected field type');
  if (Array.isArray(raw)) throw fail(`Unrecognized collection type java.util.Map<java.lang.String, ${AV_CLASS}>`);
  const out: Record<string, LooseAttributeValue> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) out[name] = parseAttributeValue(value);
  return out;
}

/** Narrow a loose value that validation has accepted. */
export const asAttributeValue = (v: LooseAttributeValue): AttributeValue => v as AttributeValue;

function nonNull(v: unknown): unknown {
  if (v === null || v === undefined) throw fail('Unexpected null value in collection');
  return v;
}

function asString(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      throw fail(`${v ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to String`);
    case 'number':
      throw fail(`${Number.isInteger(v) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE'} cannot be converted to String`);
    default:
      if (Array.isArray(v)) throw fail('Unrecognized collection type class java.lang.String');
      throw fail('Start of structure or map found where not expected');
  }
}

function asBoolean(v: unknown): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      throw fail(`${Number.isInteger(v) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE'} cannot be converted to Boolean`);
    case 'string': {
      const s = v.toUpperCase();
      if (s === 'TRUE' || s === '1' || s === 'YES') return true;
      if (s === 'FALSE' || s === '0' || s === 'NO') return false;
      throw fail('Unexpected token received from parser');
    }
    default:
      if (Array.isArray(v)) throw fail('Unrecognized collection type class java.lang.Boolean');
      throw fail('Start of structure or map found where not expected');
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function asBlob(v: unknown): string {
  if (typeof v === 'boolean' || typeof v === 'number') {
    throw fail('only base-64-encoded strings are convertible to bytes');
  }
  if (typeof v !== 'string') {
    if (Array.isArray(v)) throw fail('Unrecognized collection type class java.nio.ByteBuffer');
    throw fail('Start of structure or map found where not expected');
  }
  if (v.length % 4 !== 0) throw fail(`Base64 encoded length is expected a multiple of 4 bytes but found: ${v.length}`);
  if (!BASE64.test(v) || Buffer.from(v, 'base64').toString('base64') !== v) {
    throw fail('Invalid last non-pad Base64 character dectected');
  }
  return v;
}

function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') throw fail('Start of structure or map found where not expected');
  throw fail('Unexpected field type');
}

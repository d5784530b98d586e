import type { AnalyzedKeyCondition } from '../expressions/index.js';
import type { SortRange } from '../storage/items.js';
import type { KeyAttribute } from '../tables/record.js';
import type { AttributeValue } from '../types.js';
import { encodeKey } from '../values/key-encoding.js';

const scalar = (v: AttributeValue): string => Object.values(v)[0] as string;

/** The smallest byte string greater than every string starting with `prefix` (undefined: none). */
function prefixEnd(prefix: Buffer): Buffer | undefined {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** Encoded sort-key bounds for a key condition's range part. */
export function sortRange(range: AnalyzedKeyCondition['range'], key: KeyAttribute | undefined): SortRange {
  if (!range || !key) return {};
  const enc = (v: AttributeValue) => encodeKey(key.type, scalar(v));
  const [a, b] = range.values;
  switch (range.op) {
    case '=':
      return { low: { value: enc(a!), inclusive: true }, high: { value: enc(a!), inclusive: true } };
    case '<':
      return { high: { value: enc(a!), inclusive: false } };
    case '<=':
      return { high: { value: enc(a!), inclusive: true } };
    case '>':
      return { low: { value: enc(a!), inclusive: false } };
    case '>=':
      return { low: { value: enc(a!), inclusive: true } };
    case 'BETWEEN':
      return { low: { value: enc(a!), inclusive: true }, high: { value: enc(b!), inclusive: true } };
    case 'begins_with': {
      const prefix = enc(a!);
      const end = prefixEnd(prefix);
      return { low: { value: prefix, inclusive: true }, ...(end ? { high: { value: end, inclusive: false } } : {}) };
    }
  }
}

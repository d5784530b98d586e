import { invalid } from '../errors.js';
import { encodeKeyOf } from '../keys.js';
import type { IndexInfo, Table } from '../tables/table.js';
import type { KeyShape } from '../tables/record.js';
import type { Item } from '../types.js';
import { typeOf } from '../types.js';
import type { Position } from './read-page.js';

const mismatch = () =>
  invalid('The provided starting key is invalid: The provided key element does not match the schema');

function hasKeyOf(shape: KeyShape, item: Item): boolean {
  for (const a of [shape.hash, shape.range]) {
    if (!a) continue;
    const v = item[a.name];
    if (!v || typeOf(v) !== a.type) return false;
  }
  return true;
}

/** Turn an ExclusiveStartKey into a storage position, checking it against the table/index schema. */
export function startPosition(table: Table, index: IndexInfo | undefined, esk: Item): Position {
  const expected = new Set([table.key.hash.name, ...(table.key.range ? [table.key.range.name] : [])]);
  if (index) {
    expected.add(index.key.hash.name);
    if (index.key.range) expected.add(index.key.range.name);
  }
  if (Object.keys(esk).length !== expected.size || !hasKeyOf(table.key, esk)) throw mismatch();
  for (const name of Object.keys(esk)) if (!expected.has(name)) throw mismatch();
  const t = encodeKeyOf(table.key, esk);
  if (!index) return { table: t };
  if (!hasKeyOf(index.key, esk)) throw mismatch();
  const i = encodeKeyOf(index.key, esk);
  return { index: { bucket: i.bucket, ipk: i.pk, isk: i.sk, tpk: t.pk, tsk: t.sk } };
}

/** The LastEvaluatedKey of a page that stopped at `item`: table key plus index key. */
export function lastEvaluatedKey(table: Table, index: IndexInfo | undefined, item: Item): Item {
  const out: Item = {};
  for (const shape of index ? [table.key, index.key] : [table.key]) {
    out[shape.hash.name] = item[shape.hash.name]!;
    if (shape.range) out[shape.range.name] = item[shape.range.name]!;
  }
  return out;
}

import { invalid } from './errors.js';
import type { IndexInfo, Table } from './tables/table.js';
import type { KeyAttribute, KeyShape } from './tables/record.js';
import type { AttributeValue, Item } from './types.js';
import { typeOf } from './types.js';
import { encodeKey, hashBucket } from './values/key-encoding.js';
import { MAX_HASH_KEY_SIZE, MAX_RANGE_KEY_SIZE, keyValueSize } from './values/size.js';

/** A table key in storage form: hash bucket plus order-preserving encodings. */
export interface EncodedKey {
  bucket: number;
  pk: Buffer;
  sk: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** A string naming one item of one table, for duplicate checks across a request. */
export function itemIdentity(tableId: number, key: EncodedKey): string {
  return `${tableId}/${key.pk.toString('hex')}/${key.sk.toString('hex')}`;
}

const scalar = (v: AttributeValue): string => (v as Record<string, string>)[typeOf(v)]!;

export function encodeKeyOf(shape: KeyShape, item: Item): EncodedKey {
  const h = item[shape.hash.name]!;
  const hv = scalar(h);
  const r = shape.range ? item[shape.range.name] : undefined;
  return {
    bucket: hashBucket(shape.hash.type, hv),
    pk: encodeKey(shape.hash.type, hv),
    sk: r && shape.range ? encodeKey(shape.range.type, scalar(r)) : EMPTY,
  };
}

/** Just the key attributes of an item. */
export function keyOf(shape: KeyShape, item: Item): Item {
  const out: Item = { [shape.hash.name]: item[shape.hash.name]! };
  if (shape.range) out[shape.range.name] = item[shape.range.name]!;
  return out;
}

const isEmptyScalar = (v: AttributeValue): boolean => ('S' in v && v.S === '') || ('B' in v && v.B === '');

function checkKeySizes(shape: KeyShape, item: Item): void {
  if (keyValueSize(item[shape.hash.name]!) > MAX_HASH_KEY_SIZE) {
    throw invalid(
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    );
  }
  if (shape.range && keyValueSize(item[shape.range.name]!) > MAX_RANGE_KEY_SIZE) {
    throw invalid(
      'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    );
  }
}

/** Check a `Key` parameter against the table's schema (GetItem, UpdateItem, DeleteItem, batches). */
export function validateKey(table: Table, key: Item): void {
  const shape = table.key;
  const names = Object.keys(key);
  const expected = shape.range ? 2 : 1;
  const matches = (a: KeyAttribute | undefined) =>
    a !== undefined && key[a.name] !== undefined && typeOf(key[a.name]!) === a.type;
  if (names.length !== expected || !matches(shape.hash) || (shape.range && !matches(shape.range))) {
    throw invalid('The provided key element does not match the schema');
  }
  for (const a of [shape.hash, shape.range]) {
    if (a && isEmptyScalar(key[a.name]!)) {
      throw invalid(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${a.type === 'S' ? 'string' : 'binary'} value. Key: ${a.name}`,
      );
    }
  }
  checkKeySizes(shape, key);
}

/** Check a whole item's key and index-key attributes (PutItem, the result of UpdateItem, BatchWrite puts). */
export function validateItemKeys(table: Table, item: Item): void {
  for (const a of [table.key.hash, table.key.range]) {
    if (!a) continue;
    const v = item[a.name];
    if (v === undefined)
      throw invalid(`One or more parameter values were invalid: Missing the key ${a.name} in the item`);
    const t = typeOf(v);
    if (t !== a.type) {
      throw invalid(
        `One or more parameter values were invalid: Type mismatch for key ${a.name} expected: ${a.type} actual: ${t}`,
      );
    }
    if (isEmptyScalar(v)) {
      throw invalid(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${a.type === 'S' ? 'string' : 'binary'} value. Key: ${a.name}`,
      );
    }
  }
  checkKeySizes(table.key, item);
  for (const index of table.indexes) validateIndexKeys(index, item);
}

function validateIndexKeys(index: IndexInfo, item: Item): void {
  for (const a of [index.key.hash, index.key.range]) {
    if (!a) continue;
    const v = item[a.name];
    if (v === undefined) continue;
    const t = typeOf(v);
    if (t !== a.type) {
      throw invalid(
        `One or more parameter values were invalid: Type mismatch for Index Key ${a.name} Expected: ${a.type} Actual: ${t} IndexName: ${index.name}`,
      );
    }
    if (isEmptyScalar(v)) {
      throw invalid(
        `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${a.type === 'S' ? 'string' : 'binary'} value. IndexName: ${index.name}, IndexKey: ${a.name}`,
      );
    }
  }
}

/** Whether an item appears in an index (sparse indexes skip items without the index keys). */
export function inIndex(index: IndexInfo, item: Item): boolean {
  const h = item[index.key.hash.name];
  if (!h || typeOf(h) !== index.key.hash.type) return false;
  if (index.key.range) {
    const r = item[index.key.range.name];
    if (!r || typeOf(r) !== index.key.range.type) return false;
  }
  return true;
}

/** The item as an index stores it: table keys, index keys and the projected attributes. */
export function projectForIndex(table: Table, index: IndexInfo, item: Item): Item {
  if (index.projects === 'ALL') return item;
  const out: Item = keyOf(table.key, item);
  out[index.key.hash.name] = item[index.key.hash.name]!;
  if (index.key.range) out[index.key.range.name] = item[index.key.range.name]!;
  if (index.projects === 'INCLUDE') {
    for (const name of index.include) if (item[name] !== undefined) out[name] = item[name];
  }
  return out;
}

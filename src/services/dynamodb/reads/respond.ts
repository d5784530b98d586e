import { RawJson } from '../../../core/protocols/raw-json.js';
import { addRead, consumedCapacity, newConsumption } from '../capacity.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import type { DynamoDb } from '../context.js';
import { evaluateCondition, projectItem } from '../expressions/index.js';
import type { Condition, Projection } from '../expressions/index.js';
import { encodeKeyOf } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { IndexInfo, Table } from '../tables/table.js';
import { isExpiredRead, ttlAttributeOf } from '../ttl/state.js';
import type { Item } from '../types.js';
import { readPage, readPagePacked } from './read-page.js';
import type { ReadSource } from './read-page.js';
import type { Select } from './select.js';
import { lastEvaluatedKey } from './start-key.js';

export interface ReadRequest {
  source: ReadSource;
  filter: Condition | undefined;
  projection: Projection | undefined;
  select: Select;
  consistent: boolean;
  returnConsumedCapacity: ReturnConsumedCapacity;
}

/** Whether an LSI read must fetch the base item (AWS fetches non-projected attributes from the table). */
function needsTableFetch(index: IndexInfo | undefined, select: Select, projection: Projection | undefined): boolean {
  if (!index || index.global || index.projects === 'ALL') return false;
  if (select === 'ALL_ATTRIBUTES') return true;
  if (!projection) return false;
  const projected = new Set([
    ...index.include,
    index.key.hash.name,
    ...(index.key.range ? [index.key.range.name] : []),
  ]);
  return projection.paths.some((p) => typeof p[0] === 'string' && !projected.has(p[0]));
}

/**
 * Query and Scan: when nothing needs to look inside the items (no filter, projection, TTL, LSI
 * fetch or COUNT), the stored JSON is spliced into the answer without being parsed.
 */
export async function respondReadRaw(
  ddb: DynamoDb,
  table: Table,
  req: ReadRequest,
): Promise<Record<string, unknown> | RawJson> {
  const plain =
    !req.filter &&
    !req.projection &&
    req.select !== 'COUNT' &&
    ttlAttributeOf(table) === undefined &&
    !needsTableFetch(req.source.index, req.select, req.projection);
  if (!plain) return respondRead(ddb, table, req);
  const index = req.source.index;
  const packed = await readPagePacked(ddb.store, req.source);
  if (packed) {
    const capacity = newConsumption('read');
    addRead(capacity, packed.bytes, req.consistent, index?.name);
    const consumed = consumedCapacity(table, req.returnConsumedCapacity, capacity);
    if (!consumed) return new RawJson(packed.answer);
    const tail = Buffer.from(`,"ConsumedCapacity":${JSON.stringify(consumed)}}`);
    return new RawJson(Buffer.concat([packed.answer.subarray(0, packed.answer.length - 1), tail]));
  }
  const page = await readPage(ddb.store, req.source);
  const capacity = newConsumption('read');
  addRead(capacity, page.bytes, req.consistent, index?.name);
  const n = page.raws.length;
  let text = `{"Items":[${page.raws.join(',')}],"Count":${n},"ScannedCount":${n}`;
  if (page.last) text += `,"LastEvaluatedKey":${JSON.stringify(lastEvaluatedKey(table, index, page.last))}`;
  const consumed = consumedCapacity(table, req.returnConsumedCapacity, capacity);
  if (consumed) text += `,"ConsumedCapacity":${JSON.stringify(consumed)}`;
  return new RawJson(text + '}');
}

/** Run one Query/Scan page and shape the response. */
export async function respondRead(ddb: DynamoDb, table: Table, req: ReadRequest): Promise<Record<string, unknown>> {
  const page = await readPage(ddb.store, req.source);
  const index = req.source.index;
  const capacity = newConsumption('read');
  addRead(capacity, page.bytes, req.consistent, index?.name);
  const fetch = needsTableFetch(index, req.select, req.projection);
  // Expired items (TTL) are filtered like a FilterExpression would: read, counted in ScannedCount.
  const ttlAttribute = ttlAttributeOf(table);
  const now = ddb.clock.now();
  const items: Item[] = [];
  let count = 0;
  for (const stored of page.items) {
    let item = stored;
    if (fetch) {
      const row = await itemsSql.get(ddb.store, table.id, encodeKeyOf(table.key, stored));
      if (!row) continue;
      item = JSON.parse(row.item) as Item;
      addRead(capacity, row.size, true);
    }
    if (
      ttlAttribute !== undefined &&
      (await isExpiredRead(ddb.store, table, fetch ? undefined : index, item, ttlAttribute, now))
    )
      continue;
    if (req.filter && !evaluateCondition(req.filter, item)) continue;
    count++;
    if (req.select !== 'COUNT') items.push(req.projection ? projectItem(item, req.projection) : item);
  }
  const out: Record<string, unknown> = {};
  if (req.select !== 'COUNT') out['Items'] = items;
  out['Count'] = count;
  out['ScannedCount'] = page.items.length;
  if (page.last) out['LastEvaluatedKey'] = lastEvaluatedKey(table, index, page.last);
  const consumed = consumedCapacity(table, req.returnConsumedCapacity, capacity);
  if (consumed) out['ConsumedCapacity'] = consumed;
  return out;
}

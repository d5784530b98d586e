import type { OperationContext } from '../../../core/service.js';
import { addWriteOf, consumedCapacity, newConsumption } from '../capacity.js';
import type { Consumption, ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { encodeKeyOf, itemIdentity, keyOf, validateItemKeys, validateKey } from '../keys.js';
import type { EncodedKey } from '../keys.js';
import type { Table } from '../tables/table.js';
import type { Item } from '../types.js';
import { MAX_ITEM_SIZE, itemSize } from '../values/size.js';
import { validateItem } from '../values/validate.js';
import { itemCollectionMetrics } from './shared/return-values.js';
import { changesStorage } from '../writes.js';

interface WriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

export interface BatchWriteItemInput {
  RequestItems: Record<string, WriteRequest[]>;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
}

interface Planned {
  table: Table;
  key: EncodedKey;
  keyItem: Item;
  item: Item | undefined;
  /** The item's size (a put), computed once for the limit, the row and the capacity. */
  size: number | undefined;
}

export async function batchWriteItem(ddb: DynamoDb, input: BatchWriteItemInput, ctx: OperationContext) {
  const entries = Object.entries(input.RequestItems);
  const total = entries.reduce((n, [, r]) => n + r.length, 0);
  if (total > 25) throw invalid('Too many items requested for the BatchWriteItem call');
  const planned: Planned[] = [];
  for (const [name, requests] of entries) {
    const normalized = requests.map((r) => {
      const count = (r.PutRequest ? 1 : 0) + (r.DeleteRequest ? 1 : 0);
      if (count !== 1)
        throw invalid(
          'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
        );
      return r.PutRequest ? { put: validateItem(r.PutRequest.Item) } : { del: validateItem(r.DeleteRequest!.Key) };
    });
    const table = tableFor(ddb, ctx, name, undefined, { access: 'write' });
    const seen = new Set<string>();
    for (const r of normalized) {
      let item: Item | undefined;
      let size: number | undefined;
      let keyItem: Item;
      if (r.put) {
        validateItemKeys(table, r.put);
        size = itemSize(r.put);
        if (size > MAX_ITEM_SIZE) throw invalid('Item size has exceeded the maximum allowed size');
        item = r.put;
        keyItem = keyOf(table.key, r.put);
      } else {
        validateKey(table, r.del!);
        keyItem = r.del!;
      }
      const key = encodeKeyOf(table.key, keyItem);
      const sig = itemIdentity(table.id, key);
      if (seen.has(sig)) throw invalid('Provided list of item keys contains duplicates');
      seen.add(sig);
      planned.push({ table, key, keyItem, item, size });
    }
  }
  const capacities = new Map<Table, Consumption>();
  await ddb.store.transaction(async (tx) => {
    for (const p of planned) {
      const change = await ddb.writer.readOld(tx, p.table, p.key, false);
      change.newItem = p.item;
      change.newSize = p.size;
      change.at = ddb.clock.now();
      if (changesStorage(change)) await ddb.writer.apply(tx, change);
      let c = capacities.get(p.table);
      if (!c) capacities.set(p.table, (c = newConsumption('write')));
      addWriteOf(c, p.table, change);
    }
  });
  const out: Record<string, unknown> = { UnprocessedItems: {} };
  const consumed = [...capacities]
    .map(([table, c]) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
    .filter(Boolean);
  if (consumed.length) out['ConsumedCapacity'] = consumed;
  if (input.ReturnItemCollectionMetrics === 'SIZE') {
    const metrics: Record<string, unknown[]> = {};
    for (const p of planned) {
      const m = await itemCollectionMetrics(ddb, p.table, 'SIZE', p.keyItem, p.key);
      if (m) (metrics[p.table.name] ??= []).push(m);
    }
    out['ItemCollectionMetrics'] = metrics;
  }
  return out;
}

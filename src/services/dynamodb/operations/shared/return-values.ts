import { projectUpdated } from '../../expressions/index.js';
import type { UpdateExpression } from '../../expressions/index.js';
import { invalid } from '../../errors.js';
import { itemsSql } from '../../storage/items.js';
import type { DynamoDb } from '../../context.js';
import type { EncodedKey } from '../../keys.js';
import { keyOf } from '../../keys.js';
import type { Table } from '../../tables/table.js';
import type { Item } from '../../types.js';

export type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

/** returnedAttributes for a write whose old item is parsed on first read: NONE does not read it. */
export function returnedAttributesOf(
  mode: ReturnValues | undefined,
  write: { readonly oldItem: Item | undefined },
  newItem: Item | undefined,
  update?: UpdateExpression,
): Item | undefined {
  return mode === undefined || mode === 'NONE' ? undefined : returnedAttributes(mode, write.oldItem, newItem, update);
}

/** The `Attributes` member for a write's ReturnValues, or undefined. */
export function returnedAttributes(
  mode: ReturnValues | undefined,
  oldItem: Item | undefined,
  newItem: Item | undefined,
  update?: UpdateExpression,
): Item | undefined {
  switch (mode) {
    case 'ALL_OLD':
      return oldItem;
    case 'ALL_NEW':
      return newItem;
    case 'UPDATED_OLD':
      return oldItem && update ? emptyToUndefined(projectUpdated(update, oldItem)) : undefined;
    case 'UPDATED_NEW':
      return newItem && update ? emptyToUndefined(projectUpdated(update, newItem)) : undefined;
    default:
      return undefined;
  }
}

/** PutItem and DeleteItem can only return the old item. */
export function checkOldOnlyReturnValues(mode: ReturnValues | undefined): void {
  if (mode !== undefined && mode !== 'NONE' && mode !== 'ALL_OLD') throw invalid('Return values set to invalid value');
}

const emptyToUndefined = (item: Item): Item | undefined => (Object.keys(item).length ? item : undefined);

/** ItemCollectionMetrics for tables with local secondary indexes (ReturnItemCollectionMetrics=SIZE). */
export async function itemCollectionMetrics(
  ddb: DynamoDb,
  table: Table,
  mode: string | undefined,
  item: Item,
  key: EncodedKey,
): Promise<Record<string, unknown> | undefined> {
  if (mode !== 'SIZE' || table.record.lsis.length === 0) return undefined;
  const bytes = await itemsSql.collectionSize(ddb.store, table.id, key.bucket, key.pk);
  const gb = bytes / 1024 ** 3;
  const hashOnly = { hash: table.key.hash };
  return {
    ItemCollectionKey: keyOf(hashOnly, item),
    SizeEstimateRangeGB: [Math.floor(gb), Math.floor(gb) + 1],
  };
}

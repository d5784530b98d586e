import { inIndex, projectForIndex } from './keys.js';
import type { Table } from './tables/table.js';
import type { Item } from './types.js';
import { readUnits, writeUnits } from './values/capacity.js';
import { itemSize } from './values/size.js';

export type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE' | undefined;

/** Capacity consumed on a table and its indexes by one request. */
export interface Consumption {
  table: number;
  indexes: Map<string, number>;
  kind: 'read' | 'write';
}

export const newConsumption = (kind: 'read' | 'write'): Consumption => ({ table: 0, indexes: new Map(), kind });

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The ConsumedCapacity member as DynamoDB returns it, or undefined for NONE. */
export function consumedCapacity(
  table: Table,
  mode: ReturnConsumedCapacity,
  c: Consumption,
): Record<string, unknown> | undefined {
  // Every data-plane answer passes here with what it consumed: charge the capacity buckets.
  table.throttle?.charge(table, c);
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  let total = c.table;
  for (const v of c.indexes.values()) total += v;
  const unitsKey = c.kind === 'read' ? 'ReadCapacityUnits' : 'WriteCapacityUnits';
  const out: Record<string, unknown> = { TableName: table.name, CapacityUnits: round(total), [unitsKey]: round(total) };
  if (mode === 'INDEXES') {
    out['Table'] = { CapacityUnits: round(c.table), [unitsKey]: round(c.table) };
    const gsis: Record<string, unknown> = {};
    const lsis: Record<string, unknown> = {};
    for (const [name, units] of c.indexes) {
      const target = table.indexByName.get(name)?.global ? gsis : lsis;
      target[name] = { CapacityUnits: round(units), [unitsKey]: round(units) };
    }
    if (Object.keys(gsis).length) out['GlobalSecondaryIndexes'] = gsis;
    if (Object.keys(lsis).length) out['LocalSecondaryIndexes'] = lsis;
  }
  return out;
}

/**
 * addWrite for a write whose old item may not be parsed yet (see WriteResult): without secondary
 * indexes only sizes count, the stored one and the new item's `newSize` (computed when not known).
 */
export function addWriteOf(
  c: Consumption,
  table: Table,
  write: {
    readonly oldItem: Item | undefined;
    readonly oldSize: number | undefined;
    readonly newItem: Item | undefined;
    readonly newSize?: number | undefined;
  },
): void {
  const { newItem } = write;
  if (table.indexes.length > 0) return addWrite(c, table, write.oldItem, newItem);
  c.table += writeUnits(Math.max(write.oldSize ?? 0, newItem ? (write.newSize ?? itemSize(newItem)) : 0));
}

/** Write units of one item change on the table and each index it touches. */
export function addWrite(
  c: Consumption,
  table: Table,
  oldItem: Item | undefined,
  newItem: Item | undefined,
  multiplier = 1,
): void {
  const size = Math.max(oldItem ? itemSize(oldItem) : 0, newItem ? itemSize(newItem) : 0);
  c.table += writeUnits(size) * multiplier;
  for (const index of table.indexes) {
    const before = oldItem && inIndex(index, oldItem) ? projectForIndex(table, index, oldItem) : undefined;
    const after = newItem && inIndex(index, newItem) ? projectForIndex(table, index, newItem) : undefined;
    if (!before && !after) continue;
    let units = 0;
    if (before && after) {
      const keyChanged =
        JSON.stringify(before[index.key.hash.name]) !== JSON.stringify(after[index.key.hash.name]) ||
        (index.key.range !== undefined &&
          JSON.stringify(before[index.key.range.name]) !== JSON.stringify(after[index.key.range.name]));
      units = keyChanged
        ? writeUnits(itemSize(before)) + writeUnits(itemSize(after))
        : writeUnits(Math.max(itemSize(before), itemSize(after)));
    } else {
      units = writeUnits(itemSize((before ?? after)!));
    }
    c.indexes.set(index.name, (c.indexes.get(index.name) ?? 0) + units * multiplier);
  }
}

/** Read units for reading `bytes` (summed then rounded, as Query and Scan do) on the table or an index. */
export function addRead(c: Consumption, bytes: number, consistent: boolean, index?: string): void {
  const units = readUnits(bytes, consistent);
  if (index) c.indexes.set(index, (c.indexes.get(index) ?? 0) + units);
  else c.table += units;
}

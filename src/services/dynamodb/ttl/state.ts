import type { Db } from '../../../storage/store.js';
import { encodeKeyOf } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { IndexInfo, Table } from '../tables/table.js';
import type { Item } from '../types.js';

/** A table's TTL setting, kept in `record.extra.ttl` (not part of the TableDescription). */
export interface TtlState {
  attributeName: string;
  enabled: boolean;
  /** When UpdateTimeToLive last changed it (epoch ms), for the cooldown. */
  updatedAt: number;
}

export const TTL_STATE = 'ttl';

/** TTL ignores expiration times more than five years in the past (AWS's documented rule). */
export const FIVE_YEARS_S = 5 * 365 * 24 * 60 * 60;

export function ttlStateOf(table: Table): TtlState | undefined {
  return table.record.extra[TTL_STATE] as TtlState | undefined;
}

/** The TTL attribute of a table with TTL enabled; undefined otherwise (one property read). */
export function ttlAttributeOf(table: Table): string | undefined {
  const state = table.record.extra[TTL_STATE] as TtlState | undefined;
  return state?.enabled ? state.attributeName : undefined;
}

/** An item's expiration time in epoch seconds: its TTL attribute when it is a Number. */
export function expiryOf(item: Item | undefined, attribute: string): number | undefined {
  const value = item?.[attribute];
  if (!value || !('N' in value)) return undefined;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** Whether an expiration time has passed at `nowMs` (and is not more than five years old). */
export function isDue(expires: number, nowMs: number): boolean {
  const now = nowMs / 1000;
  return expires < now && expires >= now - FIVE_YEARS_S;
}

export function isExpired(item: Item, attribute: string, nowMs: number): boolean {
  const expires = expiryOf(item, attribute);
  return expires !== undefined && isDue(expires, nowMs);
}

/** Whether an index row carries the TTL attribute (or can only lack it because the item does). */
function indexCarries(table: Table, index: IndexInfo, attribute: string): boolean {
  if (index.projects === 'ALL') return true;
  if (table.keyNames.includes(attribute) || index.key.hash.name === attribute || index.key.range?.name === attribute)
    return true;
  return index.projects === 'INCLUDE' && index.include.has(attribute);
}

/**
 * Whether an item read by Query/Scan has expired. Index rows that do not project the TTL
 * attribute are checked against the table's item.
 */
export async function isExpiredRead(
  db: Db,
  table: Table,
  index: IndexInfo | undefined,
  item: Item,
  attribute: string,
  nowMs: number,
): Promise<boolean> {
  if (!index || attribute in item || indexCarries(table, index, attribute)) return isExpired(item, attribute, nowMs);
  const row = await itemsSql.get(db, table.id, encodeKeyOf(table.key, item));
  return row ? isExpired(JSON.parse(row.item) as Item, attribute, nowMs) : false;
}

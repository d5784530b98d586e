import type { Db } from '../../storage/store.js';
import { encodeKeyOf, inIndex, projectForIndex } from './keys.js';
import type { EncodedKey } from './keys.js';
import { itemsSql } from './storage/items.js';
import type { IndexInfo, Table } from './tables/table.js';
import type { Item } from './types.js';
import { itemSize } from './values/size.js';

/** One changed item: what it was and what it is now (undefined = absent). */
export interface ItemChange {
  table: Table;
  key: EncodedKey;
  /**
   * The item before the write. A write that read it from storage parses it on first use (a getter):
   * code that only needs to know whether there was one, or its size, reads `oldSize` first.
   */
  readonly oldItem: Item | undefined;
  /** The old item's stored size, when the writer read it from storage (undefined: absent or not known). */
  readonly oldSize?: number | undefined;
  newItem: Item | undefined;
  /** The new item's size, when the writer has computed it already (else computed where needed). */
  readonly newSize?: number | undefined;
  /** Epoch ms of the write (injected clock). */
  at: number;
}

/**
 * An ItemChange whose old item comes from storage: its stored size is known without parsing it,
 * and the item is parsed on first read, so a write that needs neither (a PutItem on a table
 * without indexes or streams, ReturnValues NONE) never parses it. Such a write does not even read
 * it first: it starts *blind* (`ItemWriter.readOld` without the old item), and the statement that
 * writes it answers the old size (`ItemWriter.apply`). Reading the old item of a blind write is a
 * bug and throws, as does reading its size before it is applied.
 */
export class StoredChange implements ItemChange {
  newItem: Item | undefined = undefined;
  newSize: number | undefined = undefined;
  at = 0;
  private parsed: Item | undefined;
  private sizeKnown = true;

  /** `size` undefined: there was no item; `oldJson` undefined with a size: only the size was read. */
  constructor(
    readonly table: Table,
    readonly key: EncodedKey,
    private size: number | undefined,
    private readonly oldJson?: string,
  ) {}

  /** A write that has read nothing of the old item yet: `apply` learns its size. */
  static blind(table: Table, key: EncodedKey): StoredChange {
    const change = new StoredChange(table, key, undefined);
    change.sizeKnown = false;
    return change;
  }

  /** Whether the old item's size is known (false: a blind write not applied yet). */
  get oldKnown(): boolean {
    return this.sizeKnown;
  }

  get oldSize(): number | undefined {
    if (!this.sizeKnown) throw new Error('internal: the old size of a blind write is read before the write');
    return this.size;
  }

  /** Records the old size the write's own statement answered. */
  settleOldSize(size: number | undefined): void {
    this.size = size;
    this.sizeKnown = true;
  }

  get oldItem(): Item | undefined {
    if (this.oldSize === undefined) return undefined;
    if (this.oldJson === undefined) throw new Error('internal: the old item of this write was not read');
    return (this.parsed ??= JSON.parse(this.oldJson) as Item);
  }
}

/** Whether the changed item existed before, without parsing it when its size is known. */
export const hadOldItem = (change: ItemChange): boolean => change.oldSize !== undefined || change.oldItem !== undefined;

/**
 * Whether applying `change` may write anything: a new item, an old one to delete, or (a blind
 * write, which has not looked) perhaps an old one.
 */
export const changesStorage = (change: StoredChange): boolean =>
  change.newItem !== undefined || !change.oldKnown || hadOldItem(change);

/** Called inside the write's transaction, so whatever it records commits atomically with the write. */
export type ChangeListener = (tx: Db, change: ItemChange) => Promise<void>;

/** Whether a listener reads `oldItem` of writes to `table` (its size alone is always known). */
export type NeedsOldItem = (table: Table) => boolean;

/**
 * An item's row in one secondary index (its projection under the index key), when the item has
 * the index's key attributes: for writes, GSI backfills and restores alike.
 */
export async function putIndexRow(
  tx: Db,
  table: Table,
  index: IndexInfo,
  item: Item | undefined,
  key: EncodedKey,
): Promise<void> {
  if (!item || !inIndex(index, item)) return;
  const projected = projectForIndex(table, index, item);
  await itemsSql.putIndex(
    tx,
    table.id,
    index.name,
    encodeKeyOf(index.key, item),
    key,
    JSON.stringify(projected),
    itemSize(projected),
  );
}

/**
 * The one place every item write goes through: table row, secondary index rows, and change
 * listeners (DynamoDB Streams hooks in here). Must run inside a store transaction.
 */
export class ItemWriter {
  private readonly listeners: ChangeListener[] = [];
  private readonly oldItemReaders: NeedsOldItem[] = [];

  /** `needsOldItem` omitted: the listener may read the old item of any write. */
  onChange(listener: ChangeListener, needsOldItem: NeedsOldItem = () => true): void {
    this.listeners.push(listener);
    this.oldItemReaders.push(needsOldItem);
  }

  /**
   * Whether applying a write to `table` reads the old item itself (index rows, listeners): when
   * neither this nor the operation does, the write reads only the old item's size.
   */
  needsOldItem(table: Table): boolean {
    if (table.indexes.length > 0) return true;
    for (const reads of this.oldItemReaders) if (reads(table)) return true;
    return false;
  }

  /**
   * The change a write to `key` starts from: the old row, or nothing yet (a blind write, whose
   * statement answers the old size) when neither the caller (`callerReadsOldItem` false) nor
   * applying the write (`needsOldItem`) reads the old item.
   */
  async readOld(tx: Db, table: Table, key: EncodedKey, callerReadsOldItem: boolean): Promise<StoredChange> {
    if (!callerReadsOldItem && !this.needsOldItem(table)) return StoredChange.blind(table, key);
    const row = await itemsSql.get(tx, table.id, key);
    return new StoredChange(table, key, row?.size, row?.item);
  }

  async apply(tx: Db, change: ItemChange): Promise<void> {
    const { table, key, newItem } = change;
    // Blind: no index or listener reads the old item (readOld); the write's statement answers its size.
    const blind = change instanceof StoredChange && !change.oldKnown;
    if (newItem) {
      const json = JSON.stringify(newItem);
      const size = change.newSize ?? itemSize(newItem);
      if (blind) change.settleOldSize(await itemsSql.putReturningOldSize(tx, table.id, key, json, size));
      else await itemsSql.put(tx, table.id, key, json, size);
    } else if (blind) change.settleOldSize(await itemsSql.deleteReturningSize(tx, table.id, key));
    else if (hadOldItem(change)) await itemsSql.delete(tx, table.id, key);
    if (table.indexes.length > 0) {
      const oldItem = change.oldItem;
      for (const index of table.indexes) {
        if (oldItem && inIndex(index, oldItem)) {
          await itemsSql.deleteIndex(tx, table.id, index.name, encodeKeyOf(index.key, oldItem), key);
        }
        await putIndexRow(tx, table, index, newItem, key);
      }
    }
    for (const listener of this.listeners) await listener(tx, change);
  }
}

import type { Db } from '../../../storage/store.js';
import { inIndex, projectForIndex } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { ItemChange, ItemWriter } from '../writes.js';
import { itemSize } from '../values/size.js';
import type { Table } from './table.js';

interface Stats {
  count: number;
  bytes: number;
}

interface TableStatsEntry {
  table: Stats;
  indexes: Map<string, Stats>;
}

/**
 * ItemCount and TableSizeBytes of tables and indexes, counted once (the first DescribeTable after
 * start) and then kept current from every item write, so DescribeTable does not slow down as a
 * table grows. (DynamoDB itself refreshes these figures only every few hours.)
 */
export class TableStats {
  private readonly entries = new Map<number, TableStatsEntry>();

  constructor(writer: ItemWriter) {
    // Reads old items only for index figures, and tables with indexes read them anyway.
    writer.onChange(
      async (_tx, change) => this.apply(change),
      () => false,
    );
  }

  async of(db: Db, table: Table): Promise<{ table: Stats; index: (name: string) => Stats }> {
    let entry = this.entries.get(table.id);
    if (!entry) {
      entry = { table: await itemsSql.tableStats(db, table.id), indexes: new Map() };
      for (const i of table.indexes) entry.indexes.set(i.name, await itemsSql.indexStats(db, table.id, i.name));
      this.entries.set(table.id, entry);
    }
    const e = entry;
    return { table: { ...e.table }, index: (name) => ({ ...(e.indexes.get(name) ?? { count: 0, bytes: 0 }) }) };
  }

  /** Forget a table's figures (deleted, or its indexes changed): the next read counts again. */
  forget(tableId: number): void {
    this.entries.delete(tableId);
  }

  private apply(change: ItemChange): void {
    const entry = this.entries.get(change.table.id);
    if (!entry) return;
    const { table, newItem } = change;
    const oldSize = change.oldSize ?? (change.oldItem ? itemSize(change.oldItem) : undefined);
    if (oldSize !== undefined) add(entry.table, -1, -oldSize);
    if (newItem) add(entry.table, 1, change.newSize ?? itemSize(newItem));
    if (table.indexes.length === 0) return;
    const oldItem = change.oldItem;
    for (const index of table.indexes) {
      let stats = entry.indexes.get(index.name);
      if (!stats) {
        stats = { count: 0, bytes: 0 };
        entry.indexes.set(index.name, stats);
      }
      if (oldItem && inIndex(index, oldItem)) add(stats, -1, -itemSize(projectForIndex(table, index, oldItem)));
      if (newItem && inIndex(index, newItem)) add(stats, 1, itemSize(projectForIndex(table, index, newItem)));
    }
  }
}

function add(s: Stats, count: number, bytes: number): void {
  s.count += count;
  s.bytes += bytes;
}

import type { Store } from '../../../storage/store.js';
import type { TableRecord } from './record.js';
import { Table } from './table.js';
import type { CapacityThrottle } from '../throttle.js';

const keyOf = (account: string, region: string, name: string) => `${account}\u0000${region}\u0000${name}`;

/** Table metadata, persisted in ddb_tables and cached in memory (the only writer is this process). */
export class TableCatalog {
  private readonly cache = new Map<string, Table>();

  constructor(
    private readonly store: Store,
    private readonly throttle?: CapacityThrottle,
  ) {}

  private wrap(record: TableRecord): Table {
    const table = new Table(record);
    table.throttle = this.throttle;
    return table;
  }

  async load(): Promise<void> {
    const rows = await this.store.all<{ record: string }>('SELECT record FROM ddb_tables');
    for (const row of rows) {
      const record = JSON.parse(row.record) as TableRecord;
      this.cache.set(keyOf(record.account, record.region, record.name), this.wrap(record));
    }
  }

  get(account: string, region: string, name: string): Table | undefined {
    return this.cache.get(keyOf(account, region, name));
  }

  list(account: string, region: string): Table[] {
    const out: Table[] = [];
    for (const t of this.cache.values()) if (t.record.account === account && t.record.region === region) out.push(t);
    return out;
  }

  async nextId(): Promise<number> {
    return this.store.transaction(async (tx) => {
      const row = await tx.get<{ value: number }>("SELECT value FROM ddb_sequence WHERE name = 'table'");
      const next = (row?.value ?? 0) + 1;
      await tx.run(
        "INSERT INTO ddb_sequence (name, value) VALUES ('table', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [next],
      );
      return next;
    });
  }

  async save(record: TableRecord): Promise<Table> {
    await this.store.run(
      'INSERT INTO ddb_tables (account, region, name, id, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, region, name) DO UPDATE SET id = excluded.id, record = excluded.record',
      [record.account, record.region, record.name, record.id, JSON.stringify(record)],
    );
    const table = this.wrap(record);
    this.cache.set(keyOf(record.account, record.region, record.name), table);
    return table;
  }

  async remove(table: Table): Promise<void> {
    const r = table.record;
    await this.store.transaction(async (tx) => {
      await tx.run('DELETE FROM ddb_tables WHERE account = ? AND region = ? AND name = ?', [
        r.account,
        r.region,
        r.name,
      ]);
      await tx.run('DELETE FROM ddb_items WHERE table_id = ?', [r.id]);
      await tx.run('DELETE FROM ddb_index_items WHERE table_id = ?', [r.id]);
    });
    this.cache.delete(keyOf(r.account, r.region, r.name));
    this.throttle?.forget(r.id);
  }
}

import type { Db, Store } from '../../../storage/store.js';
import type { TableRecord } from '../tables/record.js';

export type BackupType = 'USER' | 'SYSTEM';

/** One on-demand backup: its identity, what the table was, and (in ddb_backup_items) its items. */
export interface BackupRecord {
  /** Internal id (ddb_backups.id, ddb_backup_items.backup_id). */
  id: number;
  account: string;
  region: string;
  /** `<14-digit creation epoch ms>-<8 hex>`, the ARN's last segment. */
  key: string;
  arn: string;
  name: string;
  type: BackupType;
  createdAt: number;
  /** SYSTEM backups expire (35 days after the table's deletion). */
  expiresAt?: number;
  sizeBytes: number;
  itemCount: number;
  /** The source table as it was when the backup was taken. */
  table: TableRecord;
}

interface Row {
  record: string;
}

/** A sequence value from ddb_sequence (shared with the table catalog's ids). */
export async function nextSequence(db: Db, name: string): Promise<number> {
  const row = await db.get<{ value: number }>('SELECT value FROM ddb_sequence WHERE name = ?', [name]);
  const next = Number(row?.value ?? 0) + 1;
  await db.run(
    'INSERT INTO ddb_sequence (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    [name, next],
  );
  return next;
}

export const backupsSql = {
  /** Record a backup and copy the table's items into it (one statement). */
  async create(tx: Db, backup: BackupRecord): Promise<void> {
    await tx.run(
      'INSERT INTO ddb_backups (id, account, region, table_name, backup_key, created_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        backup.id,
        backup.account,
        backup.region,
        backup.table.name,
        backup.key,
        backup.createdAt,
        JSON.stringify(backup),
      ],
    );
    await tx.run(
      'INSERT INTO ddb_backup_items (backup_id, bucket, pk, sk, item, size) SELECT ?, bucket, pk, sk, item, size FROM ddb_items WHERE table_id = ?',
      [backup.id, backup.table.id],
    );
  },

  async get(db: Db, account: string, region: string, table: string, key: string): Promise<BackupRecord | undefined> {
    const row = await db.get<Row>(
      'SELECT record FROM ddb_backups WHERE account = ? AND region = ? AND table_name = ? AND backup_key = ?',
      [account, region, table, key],
    );
    return row ? (JSON.parse(row.record) as BackupRecord) : undefined;
  },

  /** Every backup of the account and region (optionally of one table name), oldest first. */
  async list(db: Db, account: string, region: string, table?: string): Promise<BackupRecord[]> {
    const rows =
      table === undefined
        ? await db.all<Row>(
            'SELECT record FROM ddb_backups WHERE account = ? AND region = ? ORDER BY created_at, backup_key',
            [account, region],
          )
        : await db.all<Row>(
            'SELECT record FROM ddb_backups WHERE account = ? AND region = ? AND table_name = ? ORDER BY created_at, backup_key',
            [account, region, table],
          );
    return rows.map((r) => JSON.parse(r.record) as BackupRecord);
  },

  async delete(store: Store, id: number): Promise<void> {
    await store.transaction(async (tx) => {
      await tx.run('DELETE FROM ddb_backups WHERE id = ?', [id]);
      await tx.run('DELETE FROM ddb_backup_items WHERE backup_id = ?', [id]);
    });
  },

  /** Items of a backup copied into a table's rows (one statement). */
  async restoreItems(tx: Db, backupId: number, tableId: number): Promise<void> {
    await tx.run(
      'INSERT INTO ddb_items (table_id, bucket, pk, sk, item, size) SELECT ?, bucket, pk, sk, item, size FROM ddb_backup_items WHERE backup_id = ?',
      [tableId, backupId],
    );
  },
};

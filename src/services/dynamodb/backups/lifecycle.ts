import { randomBytes } from 'node:crypto';
import type { DynamoDb } from '../context.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import { backupKey } from './describe.js';
import { backupsSql, nextSequence } from './store.js';
import type { BackupRecord, BackupType } from './store.js';

/** Take a backup of a table: its metadata and a copy of every item, in one transaction. */
export async function takeBackup(
  ddb: DynamoDb,
  table: Table,
  name: string,
  type: BackupType,
  expiresAt?: number,
): Promise<BackupRecord> {
  const now = ddb.clock.now();
  const record = structuredClone(table.record);
  return ddb.store.transaction(async (tx) => {
    const stats = await itemsSql.tableStats(tx, table.id);
    const key = backupKey(now, type === 'SYSTEM' ? '00000000' : randomBytes(4).toString('hex'));
    const backup: BackupRecord = {
      id: await nextSequence(tx, 'backup'),
      account: record.account,
      region: record.region,
      key,
      arn: `${record.arn}/backup/${key}`,
      name,
      type,
      createdAt: now,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      sizeBytes: stats.bytes,
      itemCount: stats.count,
      table: record,
    };
    await backupsSql.create(tx, backup);
    return backup;
  });
}

import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { parseBackupArn } from './describe.js';
import { recoveryErrors } from './errors.js';
import { backupsSql } from './store.js';
import type { BackupRecord } from './store.js';

/** A SYSTEM backup past its expiry is gone (removed when next seen). */
export async function dropIfExpired(ddb: DynamoDb, backup: BackupRecord): Promise<boolean> {
  if (backup.expiresAt === undefined || ddb.clock.now() < backup.expiresAt) return false;
  await backupsSql.delete(ddb.store, backup.id);
  return true;
}

/** The backup a BackupArn names, or BackupNotFoundException. */
export async function findBackup(ddb: DynamoDb, ctx: OperationContext, backupArn: string): Promise<BackupRecord> {
  const { table, key } = parseBackupArn(ctx, backupArn);
  const backup = await backupsSql.get(ddb.store, ctx.account, ctx.region, table, key);
  if (!backup || (await dropIfExpired(ddb, backup))) throw recoveryErrors.backupNotFound(backupArn);
  return backup;
}

import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors, seconds } from '../backups/errors.js';
import { findBackup } from '../backups/find.js';
import { backupInUse, checkRestoreTarget, createRestoredTable, restoredRecord } from '../backups/restore.js';
import type { RestoreOverrides } from '../backups/restore.js';
import { backupsSql } from '../backups/store.js';
import { describe } from '../context.js';
import type { DynamoDb } from '../context.js';

export interface RestoreTableFromBackupInput extends RestoreOverrides {
  TargetTableName: string;
  BackupArn: string;
}

/** A new table with the backup's items and indexes (index rows rebuilt), CREATING until the status delay passes. */
export async function restoreTableFromBackup(ddb: DynamoDb, input: RestoreTableFromBackupInput, ctx: OperationContext) {
  const backup = await findBackup(ddb, ctx, input.BackupArn);
  if (backupInUse(ddb, ctx, backup.arn))
    throw recoveryErrors.backupInUse(`Backup is being used to restore another table: ${backup.arn}`);
  const now = ddb.clock.now();
  const record = restoredRecord(backup.table, input, {
    id: 0,
    name: input.TargetTableName,
    account: ctx.account,
    region: ctx.region,
    now,
    activeAt: now + ddb.tableStatusDelayMs,
    summary: {
      SourceBackupArn: backup.arn,
      SourceTableArn: backup.table.arn,
      RestoreDateTime: seconds(backup.createdAt),
    },
  });
  checkRestoreTarget(ddb, ctx, input.TargetTableName);
  record.id = await ddb.catalog.nextId();
  const table = await createRestoredTable(ddb, ctx, record, (tx, target) =>
    backupsSql.restoreItems(tx, backup.id, target.id),
  );
  return { TableDescription: await describe(ddb, table, 'CREATING') };
}

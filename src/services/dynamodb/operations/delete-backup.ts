import type { OperationContext } from '../../../core/service.js';
import { backupDescription } from '../backups/describe.js';
import { isoSeconds, recoveryErrors } from '../backups/errors.js';
import { findBackup } from '../backups/find.js';
import { backupInUse } from '../backups/restore.js';
import { backupsSql } from '../backups/store.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';

export async function deleteBackup(ddb: DynamoDb, input: { BackupArn: string }, ctx: OperationContext) {
  const backup = await findBackup(ddb, ctx, input.BackupArn);
  if (backup.type === 'SYSTEM') {
    throw invalid(
      `Invalid Request: User is not allowed to delete the system backup with arn ${backup.arn}. It will automatically expire on ${isoSeconds(backup.expiresAt ?? 0)}`,
    );
  }
  if (backupInUse(ddb, ctx, backup.arn))
    throw recoveryErrors.backupInUse(`Backup is being used to restore table: ${backup.arn}`);
  await backupsSql.delete(ddb.store, backup.id);
  return { BackupDescription: backupDescription(backup, 'DELETED') };
}

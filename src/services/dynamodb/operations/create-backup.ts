import type { OperationContext } from '../../../core/service.js';
import { backupDetails } from '../backups/describe.js';
import { recoveryErrors } from '../backups/errors.js';
import { takeBackup } from '../backups/lifecycle.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';

/**
 * An on-demand backup: the table's items are copied at once, so the backup is AVAILABLE as soon as
 * this returns (the answer says CREATING, as AWS's does). A table still CREATING is not found yet.
 */
export async function createBackup(
  ddb: DynamoDb,
  input: { TableName: string; BackupName: string },
  ctx: OperationContext,
) {
  const table = tableFor(ddb, ctx, input.TableName, (name) => recoveryErrors.tableNotFound(name));
  const backup = await takeBackup(ddb, table, input.BackupName, 'USER');
  return { BackupDetails: backupDetails(backup, 'CREATING') };
}

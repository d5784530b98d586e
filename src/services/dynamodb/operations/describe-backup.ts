import type { OperationContext } from '../../../core/service.js';
import { backupDescription } from '../backups/describe.js';
import { findBackup } from '../backups/find.js';
import type { DynamoDb } from '../context.js';

export async function describeBackup(ddb: DynamoDb, input: { BackupArn: string }, ctx: OperationContext) {
  return { BackupDescription: backupDescription(await findBackup(ddb, ctx, input.BackupArn), 'AVAILABLE') };
}

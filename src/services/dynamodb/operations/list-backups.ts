import { parseArn } from '../../../core/arn.js';
import type { OperationContext } from '../../../core/service.js';
import { backupSummary, parseBackupArn } from '../backups/describe.js';
import { millisOf } from '../backups/errors.js';
import { dropIfExpired } from '../backups/find.js';
import { backupsSql } from '../backups/store.js';
import type { BackupRecord } from '../backups/store.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';

export interface ListBackupsInput {
  TableName?: string;
  Limit?: number;
  TimeRangeLowerBound?: number | string;
  TimeRangeUpperBound?: number | string;
  ExclusiveStartBackupArn?: string;
  BackupType?: 'USER' | 'SYSTEM' | 'AWS_BACKUP' | 'ALL';
}

/**
 * Backups of the account and region, oldest first: USER backups unless BackupType says otherwise,
 * created in [TimeRangeLowerBound, TimeRangeUpperBound). ExclusiveStartBackupArn is a pure cursor
 * (the backup it names need not exist any more); LastEvaluatedBackupArn appears only when more remain.
 */
export async function listBackups(ddb: DynamoDb, input: ListBackupsInput, ctx: OperationContext) {
  const lower = input.TimeRangeLowerBound !== undefined ? millisOf(input.TimeRangeLowerBound) : undefined;
  const upper = input.TimeRangeUpperBound !== undefined ? millisOf(input.TimeRangeUpperBound) : undefined;
  if (lower !== undefined && upper !== undefined && lower > upper) {
    throw invalid(
      'One or more parameter values were invalid: Time range lower bound must be less than or equal to upper bound',
    );
  }
  let startKey: string | undefined;
  if (input.ExclusiveStartBackupArn !== undefined) {
    startKey = parseBackupArn(ctx, input.ExclusiveStartBackupArn).key;
    if (parseArn(input.ExclusiveStartBackupArn)?.region !== ctx.region) {
      throw invalid('Invalid Request: The supplied ExclusiveStartBackupArn does not match the region');
    }
  }
  const tableName = input.TableName?.startsWith('arn:')
    ? input.TableName.slice(input.TableName.indexOf(':table/') + 7)
    : input.TableName;
  const type = input.BackupType ?? 'USER';
  const matches: BackupRecord[] = [];
  for (const b of await backupsSql.list(ddb.store, ctx.account, ctx.region, tableName)) {
    if (await dropIfExpired(ddb, b)) continue;
    if (type !== 'ALL' && b.type !== type) continue;
    if (lower !== undefined && b.createdAt < lower) continue;
    if (upper !== undefined && b.createdAt >= upper) continue;
    if (startKey !== undefined && b.key <= startKey) continue;
    matches.push(b);
  }
  matches.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const limit = input.Limit ?? matches.length;
  const page = matches.slice(0, limit);
  return {
    BackupSummaries: page.map(backupSummary),
    ...(matches.length > limit ? { LastEvaluatedBackupArn: page[page.length - 1]!.arn } : {}),
  };
}

import type { OperationContext } from '../../../core/service.js';
import { millisOf, recoveryErrors, seconds } from '../backups/errors.js';
import { checkRestoreTarget, createRestoredTable, restoredRecord } from '../backups/restore.js';
import type { RestoreOverrides } from '../backups/restore.js';
import { describe } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { pitrOf } from '../pitr/registry.js';
import { revertsAfter } from '../pitr/snapshot.js';
import { itemsSql } from '../storage/items.js';
import { tableNameOfArn } from '../tags/resource-arn.js';
import type { Item } from '../types.js';
import { itemSize } from '../values/size.js';

export interface RestoreTableToPointInTimeInput extends RestoreOverrides {
  SourceTableArn?: string;
  SourceTableName?: string;
  TargetTableName: string;
  UseLatestRestorableTime?: boolean;
  RestoreDateTime?: number | string;
}

/**
 * A new table holding the source table's items as they were at RestoreDateTime (or the latest
 * restorable time): the current items with every logged change after that time undone. Checks in
 * DynamoDB's order: request shape, source, PITR enabled, time window, then the target name.
 */
export async function restoreTableToPointInTime(
  ddb: DynamoDb,
  input: RestoreTableToPointInTimeInput,
  ctx: OperationContext,
) {
  const latestFlag = input.UseLatestRestorableTime === true;
  if (input.RestoreDateTime !== undefined && latestFlag) {
    throw invalid(
      'Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for point-in-time restore request. Please specify either RestoreDateTime time or UseLatestRestorableTime',
    );
  }
  if (input.RestoreDateTime === undefined && !latestFlag) {
    throw invalid(
      'Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be specified, but not both',
    );
  }
  if (input.SourceTableArn !== undefined && input.SourceTableName !== undefined) {
    throw invalid('Must provide exactly one of: sourceTableArn, sourceTableName');
  }
  if (input.SourceTableArn === undefined && input.SourceTableName === undefined) {
    throw invalid("The parameter 'TableName' is required but was not present in the request");
  }
  const sourceName =
    input.SourceTableArn !== undefined ? tableNameOfArn(ctx, input.SourceTableArn, 'restore') : input.SourceTableName!;
  const source = ddb.catalog.get(ctx.account, ctx.region, sourceName);
  const now = ddb.clock.now();
  if (!source || now < source.record.activeAt) {
    // AWS words a missing SourceTableArn without the name.
    throw recoveryErrors.tableNotFound(input.SourceTableArn !== undefined ? undefined : sourceName);
  }
  const pitr = pitrOf(ddb);
  const settings = pitr.get(source.id);
  if (!settings) throw recoveryErrors.pitrUnavailable(sourceName);
  const { earliest, latest } = pitr.window(settings, now);
  const at = latestFlag ? latest : millisOf(input.RestoreDateTime!);
  if (at < earliest || at > latest) throw recoveryErrors.invalidRestoreTime(at, earliest, latest);

  const record = restoredRecord(source.record, input, {
    id: 0,
    name: input.TargetTableName,
    account: ctx.account,
    region: ctx.region,
    now,
    activeAt: now + ddb.tableStatusDelayMs,
    summary: { SourceTableArn: source.record.arn, RestoreDateTime: seconds(at) },
  });
  checkRestoreTarget(ddb, ctx, input.TargetTableName);
  record.id = await ddb.catalog.nextId();
  const table = await createRestoredTable(ddb, ctx, record, async (tx, target) => {
    await tx.run(
      'INSERT INTO ddb_items (table_id, bucket, pk, sk, item, size) SELECT ?, bucket, pk, sk, item, size FROM ddb_items WHERE table_id = ?',
      [target.id, source.id],
    );
    for (const revert of (await revertsAfter(tx, source.id, at)).values()) {
      if (revert.item === null) await itemsSql.delete(tx, target.id, revert.key);
      else await itemsSql.put(tx, target.id, revert.key, revert.item, itemSize(JSON.parse(revert.item) as Item));
    }
  });
  return { TableDescription: await describe(ddb, table, 'CREATING') };
}

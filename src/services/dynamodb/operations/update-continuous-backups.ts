import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors } from '../backups/errors.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { continuousBackupsDescription } from '../pitr/describe.js';
import { pitrOf } from '../pitr/registry.js';

export interface UpdateContinuousBackupsInput {
  TableName: string;
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean; RecoveryPeriodInDays?: number };
}

/**
 * Turn point-in-time recovery on or off. On: item changes are logged from now on (history starts
 * now; re-enabling an enabled table keeps it). Off: the history is discarded.
 */
export async function updateContinuousBackups(
  ddb: DynamoDb,
  input: UpdateContinuousBackupsInput,
  ctx: OperationContext,
) {
  const table = tableFor(ddb, ctx, input.TableName, (name) => recoveryErrors.tableNotFound(name));
  const spec = input.PointInTimeRecoverySpecification;
  const pitr = pitrOf(ddb);
  const now = ddb.clock.now();
  if (spec.PointInTimeRecoveryEnabled) {
    const current = pitr.get(table.id);
    await pitr.enable(table.id, now, spec.RecoveryPeriodInDays ?? current?.recoveryDays ?? 35);
  } else {
    if (spec.RecoveryPeriodInDays !== undefined) {
      throw invalid('Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.');
    }
    if (pitr.get(table.id)) await pitr.disable(table.id);
  }
  return { ContinuousBackupsDescription: continuousBackupsDescription(pitr, table.id, now) };
}

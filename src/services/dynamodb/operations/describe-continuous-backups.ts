import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors } from '../backups/errors.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { continuousBackupsDescription } from '../pitr/describe.js';
import { pitrOf } from '../pitr/registry.js';

export function describeContinuousBackups(ddb: DynamoDb, input: { TableName: string }, ctx: OperationContext) {
  const table = tableFor(ddb, ctx, input.TableName, (name) => recoveryErrors.tableNotFound(name));
  return { ContinuousBackupsDescription: continuousBackupsDescription(pitrOf(ddb), table.id, ddb.clock.now()) };
}

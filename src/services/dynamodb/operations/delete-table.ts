import type { OperationContext } from '../../../core/service.js';
import { describe, tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors } from '../errors.js';
import { beforeTableDeleted } from '../backups/table-hooks.js';
import { checkDeleteAdmitted } from '../tables/in-use.js';

export async function deleteTable(ddb: DynamoDb, input: { TableName: string }, ctx: OperationContext) {
  const table = tableFor(ddb, ctx, input.TableName, ddbErrors.tableNotFound, { whileCreating: true });
  if (ddb.clock.now() < table.record.activeAt) {
    throw ddbErrors.resourceInUse(
      `Attempt to change a resource which is still in use: Table is being created: ${table.name}`,
    );
  }
  checkDeleteAdmitted(table.record, ddb.clock.now());
  if (table.record.deletionProtection) {
    throw ddbErrors.validation(
      `Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`,
    );
  }
  const description = await describe(ddb, table, 'DELETING');
  await beforeTableDeleted(ddb, table);
  await ddb.catalog.remove(table);
  ddb.stats.forget(table.id);
  return { TableDescription: description };
}

import type { OperationContext } from '../../../core/service.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors } from '../errors.js';
import type { IndexInfo, Table } from '../tables/table.js';

/**
 * The table (by name or ARN) and, with `index`, its GSI that a Contributor Insights call names.
 * A table still CREATING is found (the state checks are the caller's); an unknown index, or a
 * local one (Contributor Insights are per table and per GSI), is ResourceNotFoundException.
 */
export function insightsTarget(
  ddb: DynamoDb,
  ctx: OperationContext,
  tableName: string,
  index: string | undefined,
): { table: Table; gsi?: IndexInfo } {
  const table = tableFor(ddb, ctx, tableName, ddbErrors.tableNotFound, { whileCreating: true });
  if (index === undefined) return { table };
  const gsi = table.indexByName.get(index);
  if (!gsi?.global)
    throw ddbErrors.resourceNotFound(
      `Requested resource not found: Index: ${index} not found for table: ${table.name}`,
    );
  return { table, gsi };
}

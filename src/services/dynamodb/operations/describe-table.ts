import type { OperationContext } from '../../../core/service.js';
import { describe, tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors } from '../errors.js';

export async function describeTable(ddb: DynamoDb, input: { TableName: string }, ctx: OperationContext) {
  const table = tableFor(ddb, ctx, input.TableName, ddbErrors.tableNotFound, { whileCreating: true });
  return { Table: await describe(ddb, table) };
}

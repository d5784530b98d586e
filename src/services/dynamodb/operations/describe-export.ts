import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors } from '../backups/errors.js';
import type { DynamoDb } from '../context.js';
import { exportDescription, parseExportArn } from '../exports/describe.js';
import { exportsSql } from '../exports/store.js';

export async function describeExport(ddb: DynamoDb, input: { ExportArn: string }, ctx: OperationContext) {
  const { table, key } = parseExportArn(ctx, input.ExportArn);
  const rec = await exportsSql.get(ddb.store, ctx.account, ctx.region, table, key);
  if (!rec) throw recoveryErrors.exportNotFound(input.ExportArn);
  return { ExportDescription: exportDescription(rec) };
}

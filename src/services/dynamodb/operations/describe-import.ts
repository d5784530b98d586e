import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors } from '../backups/errors.js';
import type { DynamoDb } from '../context.js';
import { importDescription, parseImportArn } from '../imports/describe.js';
import { importsSql } from '../imports/store.js';

export async function describeImport(ddb: DynamoDb, input: { ImportArn: string }, ctx: OperationContext) {
  const { table, key } = parseImportArn(ctx, input.ImportArn);
  const rec = await importsSql.get(ddb.store, ctx.account, ctx.region, table, key);
  if (!rec) throw recoveryErrors.importNotFound();
  return { ImportTableDescription: importDescription(rec) };
}

import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';

export function listTables(
  ddb: DynamoDb,
  input: { ExclusiveStartTableName?: string; Limit?: number },
  ctx: OperationContext,
) {
  const limit = input.Limit ?? 100;
  const names = ddb.catalog
    .list(ctx.account, ctx.region)
    .map((t) => t.name)
    .sort();
  const start = input.ExclusiveStartTableName;
  const after = start === undefined ? names : names.filter((n) => n > start);
  const page = after.slice(0, limit);
  return {
    TableNames: page,
    ...(after.length > limit ? { LastEvaluatedTableName: page[page.length - 1] } : {}),
  };
}

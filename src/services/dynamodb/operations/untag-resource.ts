import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { checkTagArn, tableOfTagArn } from '../tags/resource-arn.js';
import { tagsSql } from '../tags/store.js';
import { checkTagKeys } from '../tags/validate.js';

/** Remove tag keys; keys the table does not carry are ignored, as AWS does. */
export async function untagResource(
  ddb: DynamoDb,
  input: { ResourceArn: string; TagKeys?: string[] },
  ctx: OperationContext,
) {
  const name = checkTagArn(ctx, input.ResourceArn, 'UntagResource');
  const keys = checkTagKeys(input.TagKeys);
  const table = tableOfTagArn(ddb, ctx, input.ResourceArn, name, 'UntagResource');
  await ddb.store.transaction((tx) => tagsSql.remove(tx, table.id, keys));
  return {};
}

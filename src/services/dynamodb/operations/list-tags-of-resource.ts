import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { checkTagArn, tableOfTagArn } from '../tags/resource-arn.js';
import { tagsSql } from '../tags/store.js';

/**
 * Every tag of the table in one page. DynamoDB never pages this answer (a table has at most 50
 * tags), so it returns no NextToken; a NextToken in the request is accepted and changes nothing.
 */
export async function listTagsOfResource(
  ddb: DynamoDb,
  input: { ResourceArn: string; NextToken?: string },
  ctx: OperationContext,
) {
  const name = checkTagArn(ctx, input.ResourceArn, 'ListTagsOfResource');
  const table = tableOfTagArn(ddb, ctx, input.ResourceArn, name, 'ListTagsOfResource');
  return { Tags: await tagsSql.list(ddb.store, table.id) };
}

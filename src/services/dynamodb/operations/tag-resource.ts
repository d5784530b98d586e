import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { checkTagArn, tableOfTagArn } from '../tags/resource-arn.js';
import { tagsSql } from '../tags/store.js';
import type { Tag } from '../tags/store.js';
import { MAX_TAGS, checkTags, tooManyTags } from '../tags/validate.js';

export async function tagResource(
  ddb: DynamoDb,
  input: { ResourceArn: string; Tags?: Partial<Tag>[] },
  ctx: OperationContext,
) {
  const name = checkTagArn(ctx, input.ResourceArn, 'TagResource');
  const tags = checkTags(input.Tags, true);
  const table = tableOfTagArn(ddb, ctx, input.ResourceArn, name, 'TagResource');
  await ddb.store.transaction(async (tx) => {
    const keys = new Set((await tagsSql.list(tx, table.id)).map((t) => t.Key));
    for (const tag of tags) keys.add(tag.Key);
    if (keys.size > MAX_TAGS) throw tooManyTags();
    await tagsSql.put(tx, table.id, tags);
  });
  return {};
}

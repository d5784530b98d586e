import type { OperationContext } from '../../../core/service.js';
import type { Scheduler } from '../context.js';
import { DEFAULT_GROUP } from '../context.js';
import { schedulerErrors } from '../errors.js';
import { parseGroupArn } from '../names.js';
import { schedulerSql } from '../storage/sql.js';
import { ensureDefaultGroup, tagsToMap } from './groups.js';

/** Tags a resource may carry (the model's TagList bound). */
const MAX_TAGS = 200;

/** The group a tagging ARN names in the caller's account and region, or ResourceNotFoundException. */
async function taggedGroup(s: Scheduler, arn: string, ctx: OperationContext) {
  const ref = parseGroupArn(arn);
  if (!ref || ref.account !== ctx.account || ref.region !== ctx.region) {
    throw schedulerErrors.groupNotFound(ref?.name ?? arn);
  }
  if (ref.name === DEFAULT_GROUP) await ensureDefaultGroup(s.store, ctx.account, ctx.region, s.clock.now());
  const group = await schedulerSql.group(s.store, ctx.account, ctx.region, ref.name);
  if (!group) throw schedulerErrors.groupNotFound(ref.name);
  return group;
}

export async function listTagsForResource(s: Scheduler, input: { ResourceArn: string }, ctx: OperationContext) {
  const group = await taggedGroup(s, input.ResourceArn, ctx);
  const tags = JSON.parse(group.tags) as Record<string, string>;
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

export async function tagResource(
  s: Scheduler,
  input: { ResourceArn: string; Tags: { Key: string; Value: string }[] },
  ctx: OperationContext,
) {
  const group = await taggedGroup(s, input.ResourceArn, ctx);
  const tags = { ...(JSON.parse(group.tags) as Record<string, string>), ...tagsToMap(input.Tags) };
  if (Object.keys(tags).length > MAX_TAGS) {
    throw schedulerErrors.validation(`A resource can have no more than ${MAX_TAGS} tags.`);
  }
  await schedulerSql.setTags(s.store, ctx.account, ctx.region, group.name, tags);
  return {};
}

export async function untagResource(
  s: Scheduler,
  input: { ResourceArn: string; TagKeys: string[] },
  ctx: OperationContext,
) {
  const group = await taggedGroup(s, input.ResourceArn, ctx);
  const tags = JSON.parse(group.tags) as Record<string, string>;
  for (const k of input.TagKeys) delete tags[k];
  await schedulerSql.setTags(s.store, ctx.account, ctx.region, group.name, tags);
  return {};
}

import type { OperationContext } from '../../../core/service.js';
import type { Db } from '../../../storage/store.js';
import type { Scheduler } from '../context.js';
import { DEFAULT_GROUP } from '../context.js';
import { schedulerErrors } from '../errors.js';
import { groupArn, toEpochSeconds } from '../names.js';
import type { GroupRow } from '../storage/sql.js';
import { schedulerSql } from '../storage/sql.js';
import { decodeToken, encodeToken, PAGE_SIZE } from '../tokens.js';

/** Schedule groups per account and region (AWS's default quota). */
export const MAX_GROUPS = 500;

/** The `default` group exists in every account and region from its first use. */
export async function ensureDefaultGroup(db: Db, account: string, region: string, now: number): Promise<void> {
  await schedulerSql.insertGroup(db, account, region, DEFAULT_GROUP, now, {});
}

/** The group a request names, or ResourceNotFoundException. */
export async function requireGroup(s: Scheduler, ctx: OperationContext, name: string): Promise<GroupRow> {
  if (name === DEFAULT_GROUP) await ensureDefaultGroup(s.store, ctx.account, ctx.region, s.clock.now());
  const group = await schedulerSql.group(s.store, ctx.account, ctx.region, name);
  if (!group) throw schedulerErrors.groupNotFound(name);
  return group;
}

function summary(g: GroupRow): Record<string, unknown> {
  return {
    Arn: groupArn(g.region, g.account, g.name),
    CreationDate: toEpochSeconds(g.created_at),
    LastModificationDate: toEpochSeconds(g.modified_at),
    Name: g.name,
    State: 'ACTIVE',
  };
}

export function tagsToMap(tags: { Key: string; Value: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) out[t.Key] = t.Value;
  return out;
}

export async function createScheduleGroup(
  s: Scheduler,
  input: { Name: string; Tags?: { Key: string; Value: string }[]; ClientToken?: string },
  ctx: OperationContext,
) {
  const now = s.clock.now();
  return s.store.transaction(async (tx) => {
    await ensureDefaultGroup(tx, ctx.account, ctx.region, now);
    if (await schedulerSql.group(tx, ctx.account, ctx.region, input.Name))
      throw schedulerErrors.groupExists(input.Name);
    if ((await schedulerSql.countGroups(tx, ctx.account, ctx.region)) >= MAX_GROUPS) {
      throw schedulerErrors.quota(`The maximum number of schedule groups (${MAX_GROUPS}) has been reached.`);
    }
    await schedulerSql.insertGroup(tx, ctx.account, ctx.region, input.Name, now, tagsToMap(input.Tags));
    return { ScheduleGroupArn: groupArn(ctx.region, ctx.account, input.Name) };
  });
}

export async function getScheduleGroup(s: Scheduler, input: { Name: string }, ctx: OperationContext) {
  return summary(await requireGroup(s, ctx, input.Name));
}

/** Deletes the group and every schedule in it; `default` cannot be deleted. */
export async function deleteScheduleGroup(s: Scheduler, input: { Name: string }, ctx: OperationContext) {
  if (input.Name === DEFAULT_GROUP) throw schedulerErrors.validation('Cannot delete the default schedule group.');
  await s.store.transaction(async (tx) => {
    if (!(await schedulerSql.group(tx, ctx.account, ctx.region, input.Name))) {
      throw schedulerErrors.groupNotFound(input.Name);
    }
    await schedulerSql.deleteGroupSchedules(tx, ctx.account, ctx.region, input.Name);
    await schedulerSql.deleteGroup(tx, ctx.account, ctx.region, input.Name);
  });
  return {};
}

export async function listScheduleGroups(
  s: Scheduler,
  input: { NamePrefix?: string; MaxResults?: number; NextToken?: string },
  ctx: OperationContext,
) {
  await ensureDefaultGroup(s.store, ctx.account, ctx.region, s.clock.now());
  const limit = Math.min(input.MaxResults ?? PAGE_SIZE, PAGE_SIZE);
  const after = decodeToken(input.NextToken, 1)?.[0] ?? '';
  const rows = await schedulerSql.groupsAfter(
    s.store,
    ctx.account,
    ctx.region,
    input.NamePrefix ?? '',
    after,
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = { ScheduleGroups: page.map(summary) };
  if (rows.length > limit) out['NextToken'] = encodeToken([page[page.length - 1]!.name]);
  return out;
}

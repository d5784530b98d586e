import type { OperationContext } from '../../../core/service.js';
import type { Scheduler } from '../context.js';
import { DEFAULT_GROUP } from '../context.js';
import type { ScheduleDefinition, ScheduleInput } from '../definition.js';
import { buildDefinition, scheduleOutput } from '../definition.js';
import { schedulerErrors } from '../errors.js';
import { scheduleArn, toEpochSeconds } from '../names.js';
import type { ScheduleRow } from '../storage/sql.js';
import { schedulerSql } from '../storage/sql.js';
import { firstFire } from '../timing.js';
import { decodeToken, encodeToken, PAGE_SIZE } from '../tokens.js';
import { ensureDefaultGroup, requireGroup } from './groups.js';

/** The stored row of a new or replaced schedule: its definition and its first occurrence. */
function scheduleRow(input: ScheduleInput, ctx: OperationContext, now: number, createdAt: number): ScheduleRow {
  const { definition, parsed } = buildDefinition(input, now);
  const state = input.State ?? 'ENABLED';
  const anchor = definition.StartDate ?? now;
  const next = state === 'ENABLED' ? firstFire(parsed, definition, now, anchor) : undefined;
  return {
    account: ctx.account,
    region: ctx.region,
    group_name: input.GroupName ?? DEFAULT_GROUP,
    name: input.Name,
    created_at: createdAt,
    modified_at: now,
    state,
    definition: JSON.stringify(definition),
    anchor,
    next_fire: next ?? null,
  };
}

export async function createSchedule(s: Scheduler, input: ScheduleInput, ctx: OperationContext) {
  const now = s.clock.now();
  const group = input.GroupName ?? DEFAULT_GROUP;
  const row = scheduleRow(input, ctx, now, now);
  const arn = scheduleArn(ctx.region, ctx.account, group, input.Name);
  return s.store.transaction(async (tx) => {
    await ensureDefaultGroup(tx, ctx.account, ctx.region, now);
    if (!(await schedulerSql.group(tx, ctx.account, ctx.region, group))) throw schedulerErrors.groupNotFound(group);
    if (!(await schedulerSql.insertSchedule(tx, row))) {
      // The same ClientToken again (an SDK retry) answers as the first call did.
      const existing = await schedulerSql.schedule(tx, ctx.account, ctx.region, group, input.Name);
      const token = existing ? (JSON.parse(existing.definition) as ScheduleDefinition).ClientToken : undefined;
      if (input.ClientToken === undefined || token !== input.ClientToken)
        throw schedulerErrors.scheduleExists(input.Name);
    }
    return { ScheduleArn: arn };
  });
}

export async function getSchedule(s: Scheduler, input: { Name: string; GroupName?: string }, ctx: OperationContext) {
  const group = input.GroupName ?? DEFAULT_GROUP;
  const row = await schedulerSql.schedule(s.store, ctx.account, ctx.region, group, input.Name);
  if (!row) throw schedulerErrors.scheduleNotFound(input.Name);
  return scheduleOutput({
    arn: scheduleArn(row.region, row.account, row.group_name, row.name),
    group: row.group_name,
    name: row.name,
    state: row.state,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    definition: JSON.parse(row.definition) as ScheduleDefinition,
  });
}

/** UpdateSchedule replaces the whole definition: members left out go back to their defaults. */
export async function updateSchedule(s: Scheduler, input: ScheduleInput, ctx: OperationContext) {
  const now = s.clock.now();
  const group = input.GroupName ?? DEFAULT_GROUP;
  return s.store.transaction(async (tx) => {
    const existing = await schedulerSql.schedule(tx, ctx.account, ctx.region, group, input.Name);
    if (!existing) throw schedulerErrors.scheduleNotFound(input.Name);
    await schedulerSql.replaceSchedule(tx, scheduleRow(input, ctx, now, existing.created_at));
    return { ScheduleArn: scheduleArn(ctx.region, ctx.account, group, input.Name) };
  });
}

export async function deleteSchedule(
  s: Scheduler,
  input: { Name: string; GroupName?: string; ClientToken?: string },
  ctx: OperationContext,
) {
  const group = input.GroupName ?? DEFAULT_GROUP;
  const r = await schedulerSql.deleteSchedule(s.store, ctx.account, ctx.region, group, input.Name);
  if (r.changes === 0) throw schedulerErrors.scheduleNotFound(input.Name);
  return {};
}

export async function listSchedules(
  s: Scheduler,
  input: { GroupName?: string; NamePrefix?: string; State?: string; MaxResults?: number; NextToken?: string },
  ctx: OperationContext,
) {
  if (input.GroupName !== undefined) await requireGroup(s, ctx, input.GroupName);
  const limit = Math.min(input.MaxResults ?? PAGE_SIZE, PAGE_SIZE);
  const after = (decodeToken(input.NextToken, 2) ?? ['', '']) as [string, string];
  const rows = await schedulerSql.schedulesAfter(
    s.store,
    ctx.account,
    ctx.region,
    { group: input.GroupName, state: input.State, prefix: input.NamePrefix },
    after,
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = {
    Schedules: page.map((r) => ({
      Arn: scheduleArn(r.region, r.account, r.group_name, r.name),
      CreationDate: toEpochSeconds(r.created_at),
      GroupName: r.group_name,
      LastModificationDate: toEpochSeconds(r.modified_at),
      Name: r.name,
      State: r.state,
      Target: { Arn: (JSON.parse(r.definition) as ScheduleDefinition).Target.Arn },
    })),
  };
  const last = page[page.length - 1];
  if (rows.length > limit && last) out['NextToken'] = encodeToken([last.group_name, last.name]);
  return out;
}

import type { OperationContext } from '../../../core/service.js';
import { EventPatternError, parseEventPattern } from '../../../core/patterns/event-pattern.js';
import { ScheduleExpressionError, parseSchedule } from '../../../core/schedule/expression.js';
import type { Events } from '../context.js';
import { eventsErrors } from '../errors.js';
import { busName, decodeToken, encodeToken, ruleArn } from '../names.js';
import { DEFAULT_BUS } from '../names.js';
import { isEnabled, requireBus, requireRule, ruleShape, scheduleTiming } from '../rules.js';
import { eventsSql } from '../storage/sql.js';

/** Rules per event bus (AWS's default quota). */
export const MAX_RULES_PER_BUS = 300;

interface PutRuleInput {
  Name: string;
  ScheduleExpression?: string;
  EventPattern?: string;
  State?: string;
  Description?: string;
  RoleArn?: string;
  Tags?: Array<{ Key: string; Value: string }>;
  EventBusName?: string;
}

function checkPattern(pattern: string): void {
  try {
    parseEventPattern(pattern);
  } catch (err) {
    if (err instanceof EventPatternError) throw eventsErrors.invalidPattern(err.message);
    throw err;
  }
}

export async function putRule(ev: Events, input: PutRuleInput, ctx: OperationContext) {
  const bus = busName(input.EventBusName);
  const schedule = input.ScheduleExpression === '' ? undefined : input.ScheduleExpression;
  const pattern = input.EventPattern === '' ? undefined : input.EventPattern;
  if (schedule === undefined && pattern === undefined) {
    throw eventsErrors.validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (schedule !== undefined) {
    try {
      parseSchedule(schedule);
    } catch (err) {
      if (err instanceof ScheduleExpressionError)
        throw eventsErrors.validation('Parameter ScheduleExpression is not valid.');
      throw err;
    }
    if (bus !== DEFAULT_BUS) {
      throw eventsErrors.validation('ScheduleExpression is supported only on the default event bus.');
    }
  }
  if (pattern !== undefined) checkPattern(pattern);
  const state = input.State ?? 'ENABLED';
  const now = ctx.clock.now();
  await ev.store.transaction(async (tx) => {
    await requireBus(tx, ctx, bus);
    const key = { account: ctx.account, region: ctx.region, bus, name: input.Name };
    const existing = await eventsSql.rule(tx, key);
    if (!existing && (await eventsSql.countRules(tx, ctx.account, ctx.region, bus)) >= MAX_RULES_PER_BUS) {
      throw eventsErrors.limitExceeded();
    }
    // An unchanged schedule of a rule that stays enabled keeps its timing (rate anchor, next firing).
    const keep =
      existing !== undefined &&
      existing.schedule === (schedule ?? null) &&
      isEnabled(existing.state) === isEnabled(state);
    const timing = keep
      ? { anchor: existing.anchor, next_fire: existing.next_fire }
      : scheduleTiming(schedule ?? null, state, now);
    const tags = { ...(existing ? (JSON.parse(existing.tags) as Record<string, string>) : {}) };
    for (const t of input.Tags ?? []) tags[t.Key] = t.Value;
    await eventsSql.upsertRule(tx, {
      ...key,
      pattern: pattern ?? null,
      schedule: schedule ?? null,
      state,
      description: input.Description ?? null,
      role_arn: input.RoleArn ?? null,
      managed_by: existing?.managed_by ?? null,
      created_at: existing?.created_at ?? now,
      tags: JSON.stringify(tags),
      ...timing,
    });
  });
  return { RuleArn: ruleArn(ctx, bus, input.Name) };
}

export async function describeRule(ev: Events, input: { Name: string; EventBusName?: string }, ctx: OperationContext) {
  const bus = busName(input.EventBusName);
  await requireBus(ev.store, ctx, bus);
  const rule = await requireRule(ev.store, { account: ctx.account, region: ctx.region, bus, name: input.Name });
  return { ...ruleShape(rule), CreatedBy: ctx.account };
}

export async function listRules(
  ev: Events,
  input: { NamePrefix?: string; EventBusName?: string; NextToken?: string; Limit?: number },
  ctx: OperationContext,
) {
  const bus = busName(input.EventBusName);
  await requireBus(ev.store, ctx, bus);
  const after = decodeToken(input.NextToken);
  const limit = input.Limit ?? 100;
  const rules = (await eventsSql.rules(ev.store, ctx.account, ctx.region, bus)).filter(
    (r) => r.name.startsWith(input.NamePrefix ?? '') && (after === undefined || r.name > after),
  );
  const page = rules.slice(0, limit);
  return {
    Rules: page.map(ruleShape),
    ...(rules.length > limit ? { NextToken: encodeToken(page[page.length - 1]!.name) } : {}),
  };
}

export async function deleteRule(
  ev: Events,
  input: { Name: string; EventBusName?: string; Force?: boolean },
  ctx: OperationContext,
) {
  const bus = busName(input.EventBusName);
  await ev.store.transaction(async (tx) => {
    await requireBus(tx, ctx, bus);
    const key = { account: ctx.account, region: ctx.region, bus, name: input.Name };
    const rule = await eventsSql.rule(tx, key);
    if (!rule) return;
    if (rule.managed_by !== null && !input.Force) throw eventsErrors.managedRule(input.Name);
    if ((await eventsSql.targets(tx, key)).length > 0) {
      throw eventsErrors.validation("Rule can't be deleted since it has targets.");
    }
    await eventsSql.deleteRule(tx, key);
  });
  return {};
}

async function setState(
  ev: Events,
  input: { Name: string; EventBusName?: string },
  ctx: OperationContext,
  state: string,
) {
  const bus = busName(input.EventBusName);
  const now = ctx.clock.now();
  await ev.store.transaction(async (tx) => {
    await requireBus(tx, ctx, bus);
    const key = { account: ctx.account, region: ctx.region, bus, name: input.Name };
    const rule = await requireRule(tx, key);
    if (rule.state === state) return;
    const timing = scheduleTiming(rule.schedule, state, now);
    await eventsSql.setRuleState(tx, key, state, timing.anchor, timing.next_fire);
  });
  return {};
}

export const enableRule = (ev: Events, input: { Name: string; EventBusName?: string }, ctx: OperationContext) =>
  setState(ev, input, ctx, 'ENABLED');

export const disableRule = (ev: Events, input: { Name: string; EventBusName?: string }, ctx: OperationContext) =>
  setState(ev, input, ctx, 'DISABLED');

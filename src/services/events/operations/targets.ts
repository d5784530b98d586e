import type { OperationContext } from '../../../core/service.js';
import type { Events } from '../context.js';
import type { Target } from '../delivery.js';
import { eventsErrors } from '../errors.js';
import { busName, decodeToken, encodeToken } from '../names.js';
import { requireBus, requireRule } from '../rules.js';
import { eventsSql } from '../storage/sql.js';
import { checkTargetInput } from '../transform.js';

/** Targets per rule (AWS's quota). */
export const MAX_TARGETS_PER_RULE = 5;

interface Failed {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

/** Problems AWS reports per target (FailedEntries) rather than for the whole request. */
function entryProblem(t: Target): Failed | undefined {
  if (/^arn:aws[a-z-]*:sqs:[^:]+:\d{12}:[^:]+\.fifo$/.test(t.Arn) && !t.SqsParameters?.MessageGroupId) {
    return {
      TargetId: t.Id,
      ErrorCode: 'ValidationException',
      ErrorMessage: 'Parameter(s) SqsParameters must be specified because the target is a FIFO queue.',
    };
  }
  return undefined;
}

export async function putTargets(
  ev: Events,
  input: { Rule: string; EventBusName?: string; Targets: Target[] },
  ctx: OperationContext,
) {
  const bus = busName(input.EventBusName);
  for (const t of input.Targets) checkTargetInput(t);
  const ids = new Set<string>();
  for (const t of input.Targets) {
    if (ids.has(t.Id)) throw eventsErrors.validation(`The target ID ${t.Id} is duplicated in the request.`);
    ids.add(t.Id);
  }
  const failed: Failed[] = [];
  await ev.store.transaction(async (tx) => {
    await requireBus(tx, ctx, bus);
    const key = { account: ctx.account, region: ctx.region, bus, name: input.Rule };
    await requireRule(tx, key);
    const existing = await eventsSql.targets(tx, key);
    const accepted: Target[] = [];
    for (const t of input.Targets) {
      const problem = entryProblem(t);
      if (problem) failed.push(problem);
      else accepted.push(t);
    }
    const known = new Set(existing.map((t) => t.id));
    const total = known.size + accepted.filter((t) => !known.has(t.Id)).length;
    if (total > MAX_TARGETS_PER_RULE) throw eventsErrors.limitExceeded();
    let seq = existing.reduce((m, t) => Math.max(m, t.seq), 0);
    for (const t of accepted) {
      const old = existing.find((e) => e.id === t.Id);
      await eventsSql.putTarget(tx, key, t.Id, t.Arn, old?.seq ?? ++seq, JSON.stringify(t));
    }
  });
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

export async function removeTargets(
  ev: Events,
  input: { Rule: string; EventBusName?: string; Ids: string[]; Force?: boolean },
  ctx: OperationContext,
) {
  const bus = busName(input.EventBusName);
  await ev.store.transaction(async (tx) => {
    await requireBus(tx, ctx, bus);
    const key = { account: ctx.account, region: ctx.region, bus, name: input.Rule };
    const rule = await requireRule(tx, key);
    if (rule.managed_by !== null && !input.Force) throw eventsErrors.managedRule(input.Rule);
    for (const id of input.Ids) await eventsSql.deleteTarget(tx, key, id);
  });
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export async function listTargetsByRule(
  ev: Events,
  input: { Rule: string; EventBusName?: string; NextToken?: string; Limit?: number },
  ctx: OperationContext,
) {
  const bus = busName(input.EventBusName);
  await requireBus(ev.store, ctx, bus);
  const key = { account: ctx.account, region: ctx.region, bus, name: input.Rule };
  await requireRule(ev.store, key);
  const after = decodeToken(input.NextToken);
  const all = await eventsSql.targets(ev.store, key);
  const start = after === undefined ? 0 : all.findIndex((t) => t.id === after) + 1;
  const limit = input.Limit ?? 100;
  const page = all.slice(start, start + limit);
  return {
    Targets: page.map((t) => JSON.parse(t.target) as Target),
    ...(start + limit < all.length ? { NextToken: encodeToken(page[page.length - 1]!.id) } : {}),
  };
}

export async function listRuleNamesByTarget(
  ev: Events,
  input: { TargetArn: string; EventBusName?: string; NextToken?: string; Limit?: number },
  ctx: OperationContext,
) {
  const bus = busName(input.EventBusName);
  await requireBus(ev.store, ctx, bus);
  const after = decodeToken(input.NextToken);
  const names = (await eventsSql.rulesByTarget(ev.store, ctx.account, ctx.region, bus, input.TargetArn))
    .map((r) => r.rule)
    .filter((n) => after === undefined || n > after);
  const limit = input.Limit ?? 100;
  const page = names.slice(0, limit);
  return {
    RuleNames: page,
    ...(names.length > limit ? { NextToken: encodeToken(page[page.length - 1]!) } : {}),
  };
}

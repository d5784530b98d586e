import type { Db } from '../../storage/store.js';
import { nextFireAfter, parseSchedule } from '../../core/schedule/expression.js';
import { eventsErrors } from './errors.js';
import type { Caller } from './names.js';
import { DEFAULT_BUS, ruleArn } from './names.js';
import type { RuleKey, RuleRow } from './storage/sql.js';
import { eventsSql } from './storage/sql.js';

/** The API shape of a rule (DescribeRule adds CreatedBy; ListRules does not). */
export function ruleShape(r: RuleRow): Record<string, unknown> {
  return {
    Name: r.name,
    Arn: ruleArn(r, r.bus, r.name),
    ...(r.pattern !== null ? { EventPattern: r.pattern } : {}),
    State: r.state,
    ...(r.description !== null ? { Description: r.description } : {}),
    ...(r.schedule !== null ? { ScheduleExpression: r.schedule } : {}),
    ...(r.role_arn !== null ? { RoleArn: r.role_arn } : {}),
    ...(r.managed_by !== null ? { ManagedBy: r.managed_by } : {}),
    EventBusName: r.bus,
  };
}

export function isEnabled(state: string): boolean {
  return state !== 'DISABLED';
}

/**
 * The schedule fields of an enabled scheduled rule: rate schedules count from `now` (creation or
 * enable time), the first firing is the first occurrence after `now`.
 */
export function scheduleTiming(
  schedule: string | null,
  state: string,
  now: number,
): { anchor: number | null; next_fire: number | null } {
  if (schedule === null || !isEnabled(state)) return { anchor: null, next_fire: null };
  return { anchor: now, next_fire: nextFireAfter(parseSchedule(schedule), now, { anchorMs: now }) ?? null };
}

/** The bus must exist (the default bus always does). */
export async function requireBus(db: Db, c: Caller, bus: string): Promise<void> {
  if (bus === DEFAULT_BUS) return;
  if (!(await eventsSql.bus(db, c.account, c.region, bus))) throw eventsErrors.busNotFound(bus);
}

export async function requireRule(db: Db, k: RuleKey): Promise<RuleRow> {
  const rule = await eventsSql.rule(db, k);
  if (!rule) throw eventsErrors.ruleNotFound(k.name, k.bus);
  return rule;
}

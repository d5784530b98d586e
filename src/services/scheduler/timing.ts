import { nextFireAfter } from '../../core/schedule/expression.js';
import type { Schedule } from '../../core/schedule/expression.js';
import type { ScheduleDefinition } from './definition.js';

/**
 * When a schedule fires, on the injected clock. Rate schedules count periods from their anchor
 * (StartDate, else the time the schedule was created or last updated): the first occurrence is one
 * period after creation, or the StartDate itself. Cron and at() occurrences are wall-clock times in
 * ScheduleExpressionTimezone (UTC by default). Occurrences after EndDate do not fire; one-time
 * schedules ignore StartDate and EndDate.
 */
export function firstFire(parsed: Schedule, def: ScheduleDefinition, now: number, anchor: number): number | undefined {
  const tz = def.ScheduleExpressionTimezone;
  let after = now - 1;
  if (parsed.kind === 'rate') after = now;
  else if (parsed.kind === 'cron' && def.StartDate !== undefined) after = Math.max(after, def.StartDate - 1);
  return bounded(parsed, def, nextFireAfter(parsed, after, { anchorMs: anchor, ...(tz ? { timezone: tz } : {}) }));
}

/** The occurrence after one that fired at `firedAt`. */
export function nextFire(
  parsed: Schedule,
  def: ScheduleDefinition,
  firedAt: number,
  anchor: number,
): number | undefined {
  const tz = def.ScheduleExpressionTimezone;
  return bounded(parsed, def, nextFireAfter(parsed, firedAt, { anchorMs: anchor, ...(tz ? { timezone: tz } : {}) }));
}

function bounded(parsed: Schedule, def: ScheduleDefinition, at: number | undefined): number | undefined {
  if (at === undefined) return undefined;
  if (parsed.kind !== 'at' && def.EndDate !== undefined && at > def.EndDate) return undefined;
  return at;
}

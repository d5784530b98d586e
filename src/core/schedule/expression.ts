/**
 * Schedule expressions shared by EventBridge rules and EventBridge Scheduler:
 * `rate(value unit)`, `cron(six fields)` and (Scheduler only) `at(yyyy-mm-ddThh:mm:ss)`.
 *
 * Time-zone semantics follow EventBridge Scheduler's documentation: a cron
 * occurrence whose wall-clock time does not exist (spring-forward gap) is
 * skipped; one that occurs twice (fall-back) fires once, at its first
 * occurrence. A one-time `at()` in a gap is shifted forward by the gap length
 * (otherwise it could never fire). Rate schedules ignore the time zone: they
 * are fixed durations counted from an anchor.
 */
import { CronSyntaxError, daysInMonth, matchingDays, parseCronFields } from './cron.js';
import type { CronFields } from './cron.js';
import { isValidTimeZone, resolveWall, toWall } from './timezone.js';

export type { CronFields, DayOfMonthSpec, DayOfWeekSpec } from './cron.js';
export { isValidTimeZone } from './timezone.js';

export type Schedule =
  | { kind: 'rate'; everyMs: number; text: string; value: number; unit: 'minute' | 'hour' | 'day' }
  | ({ kind: 'cron'; text: string } & CronFields)
  | { kind: 'at'; atLocal: string; text: string };

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

function parseRate(text: string, body: string, anyUnitForm = false): Schedule {
  const m = /^(\d+) +([a-z]+)$/.exec(body.trim());
  if (!m) throw new ScheduleExpressionError(`Invalid rate expression '${text}'.`);
  const value = Number(m[1]);
  const word = m[2] ?? '';
  const singular = word.endsWith('s') ? word.slice(0, -1) : word;
  if (!(singular in UNIT_MS)) throw new ScheduleExpressionError(`Invalid rate unit '${word}' in '${text}'.`);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ScheduleExpressionError(`The rate value in '${text}' must be a positive integer.`);
  }
  const plural = word !== singular;
  // Scheduler's documentation lists the six unit words without EventBridge rules' agreement rule.
  if (!anyUnitForm && value === 1 && plural)
    throw new ScheduleExpressionError(`Use the singular unit for a rate of 1: '${text}'.`);
  if (!anyUnitForm && value !== 1 && !plural)
    throw new ScheduleExpressionError(`Use the plural unit for a rate above 1: '${text}'.`);
  const unit = singular as keyof typeof UNIT_MS;
  const everyMs = value * UNIT_MS[unit];
  if (!Number.isSafeInteger(everyMs)) throw new ScheduleExpressionError(`The rate in '${text}' is too large.`);
  return { kind: 'rate', everyMs, text, value, unit };
}

function parseAt(text: string, body: string): Schedule {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) throw new ScheduleExpressionError(`Invalid at expression '${text}'.`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  if (!valid) throw new ScheduleExpressionError(`Invalid date-time in '${text}'.`);
  return { kind: 'at', atLocal: body, text };
}

/**
 * Throws ScheduleExpressionError. `allowAt`: at() expressions (Scheduler accepts them; EventBridge rules
 * do not). `anyUnitForm`: a rate's unit may be singular or plural whatever its value (Scheduler takes
 * `rate(5 minute)`); EventBridge rules insist they agree.
 */
export function parseSchedule(expression: string, opts?: { allowAt?: boolean; anyUnitForm?: boolean }): Schedule {
  const m = /^(rate|cron|at)\((.*)\)$/s.exec(expression);
  if (!m) throw new ScheduleExpressionError(`Invalid schedule expression '${expression}'.`);
  const kind = m[1];
  const body = m[2] ?? '';
  if (kind === 'rate') return parseRate(expression, body, opts?.anyUnitForm);
  if (kind === 'at') {
    if (!opts?.allowAt) throw new ScheduleExpressionError(`at() expressions are not supported here: '${expression}'.`);
    return parseAt(expression, body);
  }
  try {
    return { kind: 'cron', text: expression, ...parseCronFields(body) };
  } catch (err) {
    if (err instanceof CronSyntaxError) throw new ScheduleExpressionError(err.message);
    throw err;
  }
}

/** Parses without throwing. */
export function isValidSchedule(expression: string, opts?: { allowAt?: boolean }): boolean {
  try {
    parseSchedule(expression, opts);
    return true;
  } catch {
    return false;
  }
}

function nextCron(fields: CronFields, afterMs: number, timezone: string): number | undefined {
  // Start from the wall-clock minute after `afterMs` and walk candidates in wall-clock order.
  const startWall = Math.floor(toWall(afterMs, timezone) / 60_000) * 60_000 + 60_000;
  const s = new Date(startWall);
  const sy = s.getUTCFullYear();
  const sm = s.getUTCMonth() + 1;
  const sd = s.getUTCDate();
  const sh = s.getUTCHours();
  const smin = s.getUTCMinutes();
  for (const year of fields.years) {
    if (year < sy) continue;
    for (const month of fields.months) {
      if (year === sy && month < sm) continue;
      const sameMonth = year === sy && month === sm;
      for (const day of matchingDays(fields, year, month)) {
        if (sameMonth && day < sd) continue;
        const sameDay = sameMonth && day === sd;
        for (const hour of fields.hours) {
          if (sameDay && hour < sh) continue;
          const sameHour = sameDay && hour === sh;
          for (const minute of fields.minutes) {
            if (sameHour && minute < smin) continue;
            const { instant } = resolveWall(Date.UTC(year, month - 1, day, hour, minute), timezone);
            // No instant: a DST gap, skipped. An instant not after `afterMs`: the first pass of a
            // repeated (fall-back) wall time already fired; it does not fire again.
            if (instant !== undefined && instant > afterMs) return instant;
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * The first fire time (epoch ms) strictly after `afterMs`, in IANA `timezone` (default 'UTC');
 * rate schedules fire at `anchorMs + k * every` for k >= 0 (anchor = creation/enable/start time;
 * default `afterMs`, so the first fire is one period later); undefined
 * when there is none (at() already past, a cron that can never match).
 */
export function nextFireAfter(
  schedule: Schedule,
  afterMs: number,
  opts?: { timezone?: string; anchorMs?: number },
): number | undefined {
  const timezone = opts?.timezone ?? 'UTC';
  if (schedule.kind !== 'rate' && !isValidTimeZone(timezone)) {
    throw new ScheduleExpressionError(`Invalid time zone '${timezone}'.`);
  }
  switch (schedule.kind) {
    case 'rate': {
      const anchor = opts?.anchorMs ?? afterMs;
      if (afterMs < anchor) return anchor;
      const periods = Math.floor((afterMs - anchor) / schedule.everyMs) + 1;
      return anchor + periods * schedule.everyMs;
    }
    case 'at': {
      const [date = '', time = ''] = schedule.atLocal.split('T');
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      const [h, mi, se] = time.split(':').map(Number) as [number, number, number];
      const r = resolveWall(Date.UTC(y, mo - 1, d, h, mi, se), timezone);
      const instant = r.instant ?? r.shifted;
      return instant !== undefined && instant > afterMs ? instant : undefined;
    }
    case 'cron':
      return nextCron(schedule, afterMs, timezone);
  }
}

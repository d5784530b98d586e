import { describe, expect, it } from 'vitest';
import { nextFireAfter, parseSchedule, ScheduleExpressionError } from '../../src/core/schedule/expression.js';
import type { Schedule } from '../../src/core/schedule/expression.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const utc = (iso: string): number => Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The next `n` fire times after `from`, as ISO strings. */
function fires(expression: string, from: string, n: number, timezone?: string): string[] {
  const schedule = parseSchedule(expression, { allowAt: true });
  const out: string[] = [];
  let after = utc(from);
  for (let i = 0; i < n; i++) {
    const next = nextFireAfter(schedule, after, timezone ? { timezone } : {});
    if (next === undefined) break;
    out.push(new Date(next).toISOString());
    after = next;
  }
  return out;
}

function rejects(expression: string, opts?: { allowAt?: boolean }): void {
  expect(() => parseSchedule(expression, opts), expression).toThrow(ScheduleExpressionError);
}

describe('parseSchedule: rate()', () => {
  it('accepts the singular unit only for 1 and the plural otherwise', () => {
    expect(parseSchedule('rate(1 minute)')).toMatchObject({ kind: 'rate', everyMs: MIN, text: 'rate(1 minute)' });
    expect(parseSchedule('rate(5 minutes)')).toMatchObject({ kind: 'rate', everyMs: 5 * MIN });
    expect(parseSchedule('rate(1 hour)')).toMatchObject({ kind: 'rate', everyMs: HOUR });
    expect(parseSchedule('rate(12 hours)')).toMatchObject({ kind: 'rate', everyMs: 12 * HOUR });
    expect(parseSchedule('rate(1 day)')).toMatchObject({ kind: 'rate', everyMs: DAY });
    expect(parseSchedule('rate(7 days)')).toMatchObject({ kind: 'rate', everyMs: 7 * DAY });
    for (const bad of [
      'rate(1 minutes)',
      'rate(5 minute)',
      'rate(1 hours)',
      'rate(2 hour)',
      'rate(1 days)',
      'rate(3 day)',
    ]) {
      rejects(bad);
      // Scheduler takes either form (AWS's own serverless-patterns schedule `rate(5 minute)`).
      expect(parseSchedule(bad, { allowAt: true, anyUnitForm: true }).kind, bad).toBe('rate');
    }
    expect(parseSchedule('rate(5 minute)', { anyUnitForm: true })).toMatchObject({ everyMs: 5 * MIN });
  });

  it('rejects values below 1, non-integers, other units and malformed text', () => {
    for (const bad of [
      'rate(0 minutes)',
      'rate(-1 minutes)',
      'rate(1.5 hours)',
      'rate(5 seconds)',
      'rate(1 second)',
      'rate(2 weeks)',
      'rate(minutes)',
      'rate(5)',
      'rate()',
      'rate 5 minutes',
      'rate(5 minutes',
      'RATE(5 minutes)',
      'rate(5 Minutes)',
      'rate(five minutes)',
      '',
      'every 5 minutes',
    ]) {
      rejects(bad);
    }
  });
});

describe('parseSchedule: cron()', () => {
  it('needs exactly six fields', () => {
    rejects('cron(0 12 * * ?)');
    rejects('cron(0 0 12 * * ? *)');
    rejects('cron()');
    expect(parseSchedule('cron(0 12 * * ? *)')).toMatchObject({ kind: 'cron', text: 'cron(0 12 * * ? *)' });
  });

  it('needs exactly one of day-of-month and day-of-week to be ?', () => {
    rejects('cron(0 12 * * * *)');
    rejects('cron(0 12 1 * MON *)');
    rejects('cron(0 12 ? * ? *)');
    expect(() => parseSchedule('cron(0 12 1 * ? *)')).not.toThrow();
    expect(() => parseSchedule('cron(0 12 ? * MON *)')).not.toThrow();
  });

  it('expands lists, ranges, steps and names', () => {
    const s = parseSchedule('cron(0/15 8-10,20 ? jan-MAR,dec MON-FRI 2026-2030/2)') as Extract<
      Schedule,
      { kind: 'cron' }
    >;
    expect(s.minutes).toEqual([0, 15, 30, 45]);
    expect(s.hours).toEqual([8, 9, 10, 20]);
    expect(s.months).toEqual([1, 2, 3, 12]);
    expect(s.dayOfMonth).toBeNull();
    expect(s.dayOfWeek?.days).toEqual([2, 3, 4, 5, 6]);
    expect(s.years).toEqual([2026, 2028, 2030]);
    const star = parseSchedule('cron(*/20 * * * ? *)') as Extract<Schedule, { kind: 'cron' }>;
    expect(star.minutes).toEqual([0, 20, 40]);
    expect(star.hours).toHaveLength(24);
    expect(star.years[0]).toBe(1970);
    expect(star.years.at(-1)).toBe(2199);
    const wrap = parseSchedule('cron(0 22-2 ? * FRI-MON *)') as Extract<Schedule, { kind: 'cron' }>;
    expect(wrap.hours).toEqual([0, 1, 2, 22, 23]);
    expect(wrap.dayOfWeek?.days).toEqual([1, 2, 6, 7]);
  });

  it('rejects values outside each field', () => {
    for (const bad of [
      'cron(60 * * * ? *)',
      'cron(* 24 * * ? *)',
      'cron(* * 0 * ? *)',
      'cron(* * 32 * ? *)',
      'cron(* * * 0 ? *)',
      'cron(* * * 13 ? *)',
      'cron(* * ? * 0 *)',
      'cron(* * ? * 8 *)',
      'cron(* * * * ? 1969)',
      'cron(* * * * ? 2200)',
      'cron(* * * * ? 2030-2026)',
      'cron(* * * FOO ? *)',
      'cron(* * ? * FUNDAY *)',
      'cron(*/0 * * * ? *)',
      'cron(*/ * * * ? *)',
      'cron(1-2-3 * * * ? *)',
      'cron(, * * * ? *)',
      'cron(a * * * ? *)',
    ]) {
      rejects(bad);
    }
  });

  it('accepts L, W and # only where AWS does', () => {
    for (const ok of [
      'cron(0 0 L * ? *)',
      'cron(0 0 LW * ? *)',
      'cron(0 0 15W * ? *)',
      'cron(0 0 ? * L *)',
      'cron(0 0 ? * 6L *)',
      'cron(0 0 ? * FRIL *)',
      'cron(0 0 ? * 2#1 *)',
      'cron(0 0 ? * MON#3 *)',
    ]) {
      expect(() => parseSchedule(ok), ok).not.toThrow();
    }
    for (const bad of [
      'cron(L * * * ? *)',
      'cron(* L * * ? *)',
      'cron(* * * L ? *)',
      'cron(* * * * ? L)',
      'cron(0 0 32W * ? *)',
      'cron(0 0 ? * 2#6 *)',
      'cron(0 0 ? * 2#0 *)',
      'cron(0 0 ? * 8#1 *)',
      'cron(0 0 ? * 8L *)',
      'cron(0 0 2#1 * ? *)',
      'cron(0 0 ? * 3W *)',
    ]) {
      rejects(bad);
    }
  });
});

describe('parseSchedule: at()', () => {
  it('is accepted only with allowAt', () => {
    rejects('at(2026-05-01T10:00:00)');
    expect(parseSchedule('at(2026-05-01T10:00:00)', { allowAt: true })).toEqual({
      kind: 'at',
      atLocal: '2026-05-01T10:00:00',
      text: 'at(2026-05-01T10:00:00)',
    });
  });

  it('validates the date and the time of day', () => {
    expect(() => parseSchedule('at(2028-02-29T00:00:00)', { allowAt: true })).not.toThrow();
    for (const bad of [
      'at(2026-02-29T00:00:00)',
      'at(2026-04-31T00:00:00)',
      'at(2026-13-01T00:00:00)',
      'at(2026-00-01T00:00:00)',
      'at(2026-05-01T24:00:00)',
      'at(2026-05-01T10:60:00)',
      'at(2026-05-01T10:00:60)',
      'at(2026-05-01 10:00:00)',
      'at(2026-05-01T10:00)',
      'at(2026-05-01T10:00:00Z)',
      'at(2026-5-1T10:00:00)',
    ]) {
      rejects(bad, { allowAt: true });
    }
  });
});

describe('nextFireAfter: rate()', () => {
  const every5 = parseSchedule('rate(5 minutes)');

  it('counts periods from the anchor, strictly after afterMs', () => {
    const anchor = utc('2026-01-01T00:00:00');
    expect(iso(nextFireAfter(every5, anchor, { anchorMs: anchor }))).toBe('2026-01-01T00:05:00.000Z');
    expect(iso(nextFireAfter(every5, anchor + 4 * MIN, { anchorMs: anchor }))).toBe('2026-01-01T00:05:00.000Z');
    expect(iso(nextFireAfter(every5, anchor + 5 * MIN, { anchorMs: anchor }))).toBe('2026-01-01T00:10:00.000Z');
    expect(iso(nextFireAfter(every5, anchor + 61 * MIN, { anchorMs: anchor }))).toBe('2026-01-01T01:05:00.000Z');
  });

  it('fires at the anchor itself when afterMs is before it, and one period later by default', () => {
    const anchor = utc('2026-06-01T12:00:00');
    expect(nextFireAfter(every5, anchor - 1, { anchorMs: anchor })).toBe(anchor);
    expect(nextFireAfter(every5, anchor - DAY, { anchorMs: anchor })).toBe(anchor);
    expect(nextFireAfter(every5, anchor)).toBe(anchor + 5 * MIN);
  });

  it('is a fixed duration that ignores the time zone and DST', () => {
    const daily = parseSchedule('rate(1 day)');
    const anchor = utc('2026-03-07T12:00:00');
    // 2026-03-08 is a 23-hour day in New York; the rate still fires 24 hours apart.
    expect(nextFireAfter(daily, anchor, { anchorMs: anchor, timezone: 'America/New_York' })).toBe(anchor + DAY);
  });
});

describe('nextFireAfter: cron() in UTC', () => {
  it('fires daily at noon', () => {
    expect(fires('cron(0 12 * * ? *)', '2026-01-01T00:00:00', 3)).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-02T12:00:00.000Z',
      '2026-01-03T12:00:00.000Z',
    ]);
    // Strictly after: a fire time itself is not returned again.
    expect(fires('cron(0 12 * * ? *)', '2026-01-01T12:00:00', 1)).toEqual(['2026-01-02T12:00:00.000Z']);
    expect(fires('cron(0 12 * * ? *)', '2026-01-01T11:59:59.999', 1)).toEqual(['2026-01-01T12:00:00.000Z']);
  });

  it('fires every minute and every 15 minutes', () => {
    expect(fires('cron(* * * * ? *)', '2026-01-01T00:00:30', 3)).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
    expect(fires('cron(0/15 * * * ? *)', '2026-01-01T23:40:00', 3)).toEqual([
      '2026-01-01T23:45:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-02T00:15:00.000Z',
    ]);
  });

  it('rolls over months and years', () => {
    expect(fires('cron(30 23 31 * ? *)', '2026-01-31T23:31:00', 3)).toEqual([
      '2026-03-31T23:30:00.000Z',
      '2026-05-31T23:30:00.000Z',
      '2026-07-31T23:30:00.000Z',
    ]);
    expect(fires('cron(0 0 1 1 ? *)', '2026-06-15T00:00:00', 2)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]);
  });

  it('fires on weekdays only (1 = SUN … 7 = SAT)', () => {
    // 2026-01-01 is a Thursday.
    expect(fires('cron(0 18 ? * MON-FRI *)', '2026-01-01T00:00:00', 4)).toEqual([
      '2026-01-01T18:00:00.000Z',
      '2026-01-02T18:00:00.000Z',
      '2026-01-05T18:00:00.000Z',
      '2026-01-06T18:00:00.000Z',
    ]);
    expect(fires('cron(0 9 ? * 1,7 *)', '2026-01-01T00:00:00', 3)).toEqual([
      '2026-01-03T09:00:00.000Z',
      '2026-01-04T09:00:00.000Z',
      '2026-01-10T09:00:00.000Z',
    ]);
  });

  it('handles leap years', () => {
    expect(fires('cron(0 0 29 2 ? *)', '2025-01-01T00:00:00', 3)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
      '2036-02-29T00:00:00.000Z',
    ]);
    // 2100 is not a leap year; 2000 was.
    expect(fires('cron(0 0 29 2 ? 2096-2104)', '2096-03-01T00:00:00', 1)).toEqual(['2104-02-29T00:00:00.000Z']);
    expect(fires('cron(0 0 29 2 ? 2000)', '1999-01-01T00:00:00', 1)).toEqual(['2000-02-29T00:00:00.000Z']);
  });

  it('L in day-of-month: the last day of each month', () => {
    expect(fires('cron(0 0 L * ? *)', '2024-01-15T00:00:00', 4)).toEqual([
      '2024-01-31T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-03-31T00:00:00.000Z',
      '2024-04-30T00:00:00.000Z',
    ]);
    expect(fires('cron(0 0 L 2 ? *)', '2025-01-01T00:00:00', 2)).toEqual([
      '2025-02-28T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
    ]);
  });

  it('L in day-of-week: Saturday alone, or the last given weekday of the month', () => {
    expect(fires('cron(0 0 ? * L *)', '2026-01-01T00:00:00', 2)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-10T00:00:00.000Z',
    ]);
    // Last Friday: 2026-01-30, 2026-02-27, 2026-03-27.
    expect(fires('cron(0 0 ? * 6L *)', '2026-01-01T00:00:00', 3)).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
      '2026-03-27T00:00:00.000Z',
    ]);
    expect(fires('cron(0 0 ? * FRIL *)', '2026-01-01T00:00:00', 1)).toEqual(['2026-01-30T00:00:00.000Z']);
  });

  it('W: the weekday nearest the day, never leaving the month', () => {
    // 2026-02-15 is a Sunday -> Monday the 16th; 2026-03-15 is a Sunday too -> 16th; 2026-08-15 is a Saturday -> Friday 14th.
    expect(fires('cron(0 0 15W * ? *)', '2026-02-01T00:00:00', 2)).toEqual([
      '2026-02-16T00:00:00.000Z',
      '2026-03-16T00:00:00.000Z',
    ]);
    expect(fires('cron(0 0 15W * ? *)', '2026-08-01T00:00:00', 1)).toEqual(['2026-08-14T00:00:00.000Z']);
    // 2026-08-01 is a Saturday: 1W is Monday the 3rd, not Friday July 31.
    expect(fires('cron(0 0 1W 8 ? *)', '2026-01-01T00:00:00', 1)).toEqual(['2026-08-03T00:00:00.000Z']);
    // 2026-05-31 is a Sunday: 31W is Friday the 29th, not Monday June 1.
    expect(fires('cron(0 0 31W 5 ? *)', '2026-01-01T00:00:00', 1)).toEqual(['2026-05-29T00:00:00.000Z']);
    // A weekday stays put: 2026-01-15 is a Thursday.
    expect(fires('cron(0 0 15W 1 ? *)', '2026-01-01T00:00:00', 1)).toEqual(['2026-01-15T00:00:00.000Z']);
    // 31W only matches months with 31 days: not April 2026 (whose 30th is a Thursday), but May (31st a Sunday).
    expect(fires('cron(0 0 31W * ? 2026)', '2026-04-01T00:00:00', 1)).toEqual(['2026-05-29T00:00:00.000Z']);
  });

  it('LW: the last weekday of the month', () => {
    // 2026-01-31 is a Saturday -> 30th; 2026-05-31 a Sunday -> 29th; 2026-03-31 a Tuesday.
    expect(fires('cron(0 0 LW 1,3,5 ? 2026)', '2026-01-01T00:00:00', 3)).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-05-29T00:00:00.000Z',
    ]);
  });

  it('#: the n-th given weekday of the month, skipping months without one', () => {
    // First Monday: 2026-01-05, 2026-02-02, 2026-03-02.
    expect(fires('cron(0 9 ? * MON#1 *)', '2026-01-01T00:00:00', 3)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-02-02T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
    ]);
    // Fifth Thursday: January 2026 has one (29th), February does not, April does (30th).
    expect(fires('cron(0 0 ? * 5#5 *)', '2026-01-01T00:00:00', 2)).toEqual([
      '2026-01-29T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ]);
  });

  it('returns undefined when nothing can ever match', () => {
    expect(nextFireAfter(parseSchedule('cron(0 0 30 2 ? *)'), utc('2026-01-01T00:00:00'))).toBeUndefined();
    expect(nextFireAfter(parseSchedule('cron(0 0 31 4,6,9,11 ? *)'), utc('2026-01-01T00:00:00'))).toBeUndefined();
    expect(nextFireAfter(parseSchedule('cron(0 0 * * ? 2025)'), utc('2026-01-01T00:00:00'))).toBeUndefined();
    expect(nextFireAfter(parseSchedule('cron(59 23 31 12 ? 2199)'), utc('2199-12-31T23:59:00'))).toBeUndefined();
    expect(iso(nextFireAfter(parseSchedule('cron(59 23 31 12 ? 2199)'), utc('2199-12-31T23:58:00')))).toBe(
      '2199-12-31T23:59:00.000Z',
    );
  });

  it('is fast for sparse schedules', () => {
    const started = performance.now();
    for (let i = 0; i < 200; i++) nextFireAfter(parseSchedule('cron(0 0 30 2 ? *)'), utc('1970-01-01T00:00:00'));
    for (let i = 0; i < 200; i++) nextFireAfter(parseSchedule('cron(0 0 29 2 ? *)'), utc('2101-01-01T00:00:00'));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('nextFireAfter: cron() in time zones', () => {
  it('evaluates wall-clock time in the zone', () => {
    // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC.
    expect(fires('cron(0 9 * * ? *)', '2026-01-01T00:00:00', 2, 'Asia/Tokyo')).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
    // Half-hour offset: 09:00 in Kolkata (UTC+5:30) is 03:30 UTC.
    expect(fires('cron(0 9 * * ? *)', '2026-01-01T00:00:00', 1, 'Asia/Kolkata')).toEqual(['2026-01-01T03:30:00.000Z']);
    // A day boundary that differs from UTC's: Mondays at 08:00 in Auckland (UTC+13 in January).
    expect(fires('cron(0 8 ? * MON *)', '2026-01-01T00:00:00', 1, 'Pacific/Auckland')).toEqual([
      '2026-01-04T19:00:00.000Z',
    ]);
  });

  it('follows the offset change across DST (New York, 2026-03-08 and 2026-11-01)', () => {
    expect(fires('cron(0 9 * * ? *)', '2026-03-06T00:00:00', 4, 'America/New_York')).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    expect(fires('cron(0 9 * * ? *)', '2026-10-31T00:00:00', 3, 'America/New_York')).toEqual([
      '2026-10-31T13:00:00.000Z',
      '2026-11-01T14:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
    ]);
  });

  it('skips a wall-clock time that does not exist (spring forward)', () => {
    // 02:30 does not exist in New York on 2026-03-08 (02:00 EST -> 03:00 EDT).
    expect(fires('cron(30 2 * * ? *)', '2026-03-07T00:00:00', 3, 'America/New_York')).toEqual([
      '2026-03-07T07:30:00.000Z',
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
    // Every 30 minutes: 01:30 EST is followed by 03:00 EDT, one hour of wall clock missing.
    expect(fires('cron(0/30 * * * ? *)', '2026-03-08T06:00:00', 3, 'America/New_York')).toEqual([
      '2026-03-08T06:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:30:00.000Z',
    ]);
    // Europe/London skips 01:00-02:00 on 2026-03-29.
    expect(fires('cron(30 1 * * ? *)', '2026-03-28T00:00:00', 2, 'Europe/London')).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('fires a repeated wall-clock time once, at its first occurrence (fall back)', () => {
    // 01:30 happens twice in New York on 2026-11-01: 05:30Z (EDT) and 06:30Z (EST).
    expect(fires('cron(30 1 * * ? *)', '2026-10-31T12:00:00', 3, 'America/New_York')).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
    ]);
    // Every 30 minutes across the repeated hour: 01:00 and 01:30 fire only in their first (EDT) pass.
    expect(fires('cron(0/30 * * * ? *)', '2026-11-01T04:45:00', 4, 'America/New_York')).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-01T07:30:00.000Z',
    ]);
    // Asked from inside the second pass, the next fire is after it.
    expect(fires('cron(0/30 * * * ? *)', '2026-11-01T06:10:00', 1, 'America/New_York')).toEqual([
      '2026-11-01T07:00:00.000Z',
    ]);
  });

  it('handles a 30-minute DST shift (Lord Howe Island)', () => {
    // Australia/Lord_Howe: UTC+10:30 -> +11 on 2026-10-04 at 02:00 (02:00-02:30 does not exist).
    // 02:15 on the 3rd is 15:45Z (+10:30); on the 4th it does not exist; on the 5th it is 15:15Z (+11).
    expect(fires('cron(15 2 * * ? *)', '2026-10-02T00:00:00', 2, 'Australia/Lord_Howe')).toEqual([
      '2026-10-02T15:45:00.000Z',
      '2026-10-04T15:15:00.000Z',
    ]);
  });

  it('rejects an unknown time zone', () => {
    expect(() => nextFireAfter(parseSchedule('cron(0 9 * * ? *)'), 0, { timezone: 'Mars/Olympus_Mons' })).toThrow(
      ScheduleExpressionError,
    );
  });
});

describe('nextFireAfter: at()', () => {
  const at = (text: string) => parseSchedule(text, { allowAt: true });

  it('fires once at the wall-clock time in the zone, then never', () => {
    const s = at('at(2026-05-01T10:00:00)');
    expect(iso(nextFireAfter(s, utc('2026-01-01T00:00:00')))).toBe('2026-05-01T10:00:00.000Z');
    expect(iso(nextFireAfter(s, utc('2026-01-01T00:00:00'), { timezone: 'Europe/Paris' }))).toBe(
      '2026-05-01T08:00:00.000Z',
    );
    expect(nextFireAfter(s, utc('2026-05-01T10:00:00'))).toBeUndefined();
    expect(nextFireAfter(s, utc('2027-01-01T00:00:00'))).toBeUndefined();
  });

  it('moves a time in a DST gap forward by the gap, and takes the first of a repeated time', () => {
    // 02:30 on 2026-03-08 in New York does not exist: it runs at 03:30 EDT.
    expect(iso(nextFireAfter(at('at(2026-03-08T02:30:00)'), 0, { timezone: 'America/New_York' }))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(iso(nextFireAfter(at('at(2026-11-01T01:30:00)'), 0, { timezone: 'America/New_York' }))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
});

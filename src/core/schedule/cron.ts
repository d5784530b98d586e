/**
 * AWS cron expressions: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`.
 * Parsing (with AWS's field rules) and matching against wall-clock dates.
 */

export class CronSyntaxError extends Error {}

/** Day-of-month field; `null` in CronFields means `?`. */
export interface DayOfMonthSpec {
  /** Explicit days 1..31. */
  days: number[];
  /** `L`: the last day of the month. */
  last: boolean;
  /** `LW`: the last weekday (Mon–Fri) of the month. */
  lastWeekday: boolean;
  /** `nW`: the weekday nearest day n, within the same month. */
  nearestWeekday: number[];
}

/** Day-of-week field (1 = SUN … 7 = SAT); `null` in CronFields means `?`. */
export interface DayOfWeekSpec {
  days: number[];
  /** `nL`: the last day-of-week n of the month. */
  last: number[];
  /** `n#k`: the k-th day-of-week n of the month. */
  nth: Array<{ day: number; n: number }>;
}

export interface CronFields {
  minutes: number[];
  hours: number[];
  dayOfMonth: DayOfMonthSpec | null;
  months: number[];
  dayOfWeek: DayOfWeekSpec | null;
  years: number[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Ranges like 22-2 wrap around (not for years). */
  wraps: boolean;
}

const MINUTE: FieldDef = { name: 'Minutes', min: 0, max: 59, wraps: true };
const HOUR: FieldDef = { name: 'Hours', min: 0, max: 23, wraps: true };
const DOM: FieldDef = { name: 'Day-of-month', min: 1, max: 31, wraps: true };
const MONTH: FieldDef = { name: 'Month', min: 1, max: 12, names: MONTHS, wraps: true };
const DOW: FieldDef = { name: 'Day-of-week', min: 1, max: 7, names: DAYS, wraps: true };
const YEAR: FieldDef = { name: 'Year', min: 1970, max: 2199, wraps: false };

function fail(def: FieldDef, token: string): never {
  throw new CronSyntaxError(`Invalid ${def.name} field value '${token}'.`);
}

function value(def: FieldDef, token: string, whole: string): number {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < def.min || n > def.max) fail(def, whole);
    return n;
  }
  const idx = def.names?.indexOf(token.toUpperCase()) ?? -1;
  if (idx < 0) fail(def, whole);
  return idx + 1;
}

function range(def: FieldDef, from: number, to: number, step: number): number[] {
  const out: number[] = [];
  if (from <= to) {
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
  }
  // Wrapping range, e.g. FRI-MON or 22-2.
  const span = def.max - def.min + 1;
  for (let i = 0; i <= to + span - from; i += step) out.push(((from - def.min + i) % span) + def.min);
  return out;
}

/** One comma-separated element of a plain numeric field: `*`, `a`, `a-b`, `a/n`, `*\/n`, `a-b/n`. */
function element(def: FieldDef, token: string): number[] {
  const [base, stepText, extra] = token.split('/');
  if (extra !== undefined || base === undefined || base === '') fail(def, token);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) fail(def, token);
    step = Number(stepText);
    if (step < 1 || step > def.max - def.min + 1) fail(def, token);
  }
  if (base === '*') return range(def, def.min, def.max, step);
  const dash = base.split('-');
  if (dash.length === 1) {
    const start = value(def, base, token);
    return stepText === undefined ? [start] : range(def, start, def.max, step);
  }
  if (dash.length !== 2) fail(def, token);
  const from = value(def, dash[0] ?? '', token);
  const to = value(def, dash[1] ?? '', token);
  if (from > to && !def.wraps) fail(def, token);
  return range(def, from, to, step);
}

function sorted(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function numericField(def: FieldDef, field: string): number[] {
  const out: number[] = [];
  for (const token of field.split(',')) out.push(...element(def, token));
  return sorted(out);
}

function dayOfMonthField(field: string): DayOfMonthSpec {
  const spec: DayOfMonthSpec = { days: [], last: false, lastWeekday: false, nearestWeekday: [] };
  for (const token of field.split(',')) {
    const upper = token.toUpperCase();
    if (upper === 'L') spec.last = true;
    else if (upper === 'LW') spec.lastWeekday = true;
    else if (/^\d+W$/.test(upper)) spec.nearestWeekday.push(value(DOM, upper.slice(0, -1), token));
    else spec.days.push(...element(DOM, token));
  }
  spec.days = sorted(spec.days);
  spec.nearestWeekday = sorted(spec.nearestWeekday);
  return spec;
}

function dayOfWeekField(field: string): DayOfWeekSpec {
  const spec: DayOfWeekSpec = { days: [], last: [], nth: [] };
  for (const token of field.split(',')) {
    const upper = token.toUpperCase();
    if (upper === 'L') spec.days.push(7);
    else if (/^[A-Z0-9]+L$/.test(upper)) spec.last.push(value(DOW, upper.slice(0, -1), token));
    else if (upper.includes('#')) {
      const [day, n, extra] = upper.split('#');
      if (extra !== undefined || !/^[1-5]$/.test(n ?? '')) fail(DOW, token);
      spec.nth.push({ day: value(DOW, day ?? '', token), n: Number(n) });
    } else spec.days.push(...element(DOW, token));
  }
  spec.days = sorted(spec.days);
  spec.last = sorted(spec.last);
  return spec;
}

/** Parses the inside of `cron(...)`. */
export function parseCronFields(body: string): CronFields {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new CronSyntaxError('A cron expression must have exactly six fields.');
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  const domAny = dom === '?';
  const dowAny = dow === '?';
  if (domAny === dowAny) {
    throw new CronSyntaxError('Exactly one of the Day-of-month and Day-of-week fields must be ?.');
  }
  return {
    minutes: numericField(MINUTE, min),
    hours: numericField(HOUR, hour),
    dayOfMonth: domAny ? null : dayOfMonthField(dom),
    months: numericField(MONTH, month),
    dayOfWeek: dowAny ? null : dayOfWeekField(dow),
    years: numericField(YEAR, year),
  };
}

/** Days in a month (month 1..12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = SUN … 7 = SAT. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekdayTo(year: number, month: number, day: number): number | undefined {
  const len = daysInMonth(year, month);
  if (day > len) return undefined;
  const wd = weekday(year, month, day);
  if (wd === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday before, or Monday after the 1st.
  if (wd === 1) return day === len ? day - 2 : day + 1; // Sunday: Monday after, or Friday before the last.
  return day;
}

/** The days of a given month the cron's day fields select, ascending. */
export function matchingDays(fields: CronFields, year: number, month: number): number[] {
  const len = daysInMonth(year, month);
  const out = new Set<number>();
  const dom = fields.dayOfMonth;
  if (dom) {
    for (const d of dom.days) if (d <= len) out.add(d);
    if (dom.last) out.add(len);
    if (dom.lastWeekday) {
      const wd = weekday(year, month, len);
      out.add(wd === 1 ? len - 2 : wd === 7 ? len - 1 : len);
    }
    for (const d of dom.nearestWeekday) {
      const n = nearestWeekdayTo(year, month, d);
      if (n !== undefined) out.add(n);
    }
  }
  const dow = fields.dayOfWeek;
  if (dow) {
    const first = weekday(year, month, 1);
    const dayOf = (wd: number): number => 1 + ((wd - first + 7) % 7);
    for (const wd of dow.days) for (let d = dayOf(wd); d <= len; d += 7) out.add(d);
    for (const wd of dow.last) {
      let d = dayOf(wd);
      while (d + 7 <= len) d += 7;
      out.add(d);
    }
    for (const { day, n } of dow.nth) {
      const d = dayOf(day) + 7 * (n - 1);
      if (d <= len) out.add(d);
    }
  }
  return [...out].sort((a, b) => a - b);
}

import { ddbErrors } from '../errors.js';
import type { Throughput } from './record.js';

/**
 * DynamoDB's limit on provisioned throughput decreases: four a UTC day, then one an hour after
 * the last; the count starts again at 00:00 UTC (and DescribeTable's NumberOfDecreasesToday with it).
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const FREE_DECREASES = 4;

const utcDay = (ms: number) => Math.floor(ms / DAY_MS);

/** Decreases made on the UTC day of `now`. */
export function decreasesToday(
  t: Pick<Throughput, 'lastDecrease' | 'decreasesToday'> | undefined,
  now: number,
): number {
  return t?.lastDecrease !== undefined && utcDay(t.lastDecrease) === utcDay(now) ? t.decreasesToday : 0;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const two = (n: number) => String(n).padStart(2, '0');

/** `Thursday, October 8, 2026 at 11:20:48 PM Coordinated Universal Time`, as AWS writes the time. */
export function fullUtcDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} at ${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'} Coordinated Universal Time`;
}

/**
 * Records a change of `t` to `read`/`write` at `now`: an increase, a decrease (limited) or both.
 * `leavingOnDemand`: the capacity is set, neither an increase nor a decrease.
 */
export function recordChange(t: Throughput, read: number, write: number, now: number, leavingOnDemand = false): void {
  const increase = !leavingOnDemand && (read > t.read || write > t.write);
  const decrease = !leavingOnDemand && (read < t.read || write < t.write);
  if (decrease) {
    const today = decreasesToday(t, now);
    if (today >= FREE_DECREASES && t.lastDecrease !== undefined && now < t.lastDecrease + HOUR_MS) {
      throw ddbErrors.limitExceeded(
        `Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first ${FREE_DECREASES} decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: ${today}. Last decrease at ${fullUtcDate(t.lastDecrease)}. Next decrease can be made at ${fullUtcDate(t.lastDecrease + HOUR_MS)}`,
      );
    }
    t.decreasesToday = today + 1;
    t.lastDecrease = now;
  }
  if (increase) t.lastIncrease = now;
  t.read = read;
  t.write = write;
}

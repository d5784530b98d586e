/**
 * Wall-clock <-> instant conversion in IANA time zones, using only `Intl`.
 * A "wall" value is the local date-time encoded as if it were UTC epoch ms.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True when `timezone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timezone: string): boolean {
  if (timezone.length === 0) return false;
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock value (local time encoded as UTC ms, whole seconds) of an instant. */
export function toWall(instantMs: number, timezone: string): number {
  if (timezone === 'UTC') return Math.floor(instantMs / 1000) * 1000;
  const parts = formatter(timezone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    return p ? Number(p.value) : 0;
  };
  let year = get('year');
  const era = parts.find((x) => x.type === 'era')?.value;
  if (era === 'BC' || era === 'B') year = 1 - year;
  const wall = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  // Date.UTC maps years 0..99 to 1900..1999; fix them up (irrelevant for real schedules, but exact).
  if (year >= 0 && year < 100) {
    const d = new Date(wall);
    d.setUTCFullYear(year);
    return d.getTime();
  }
  return wall;
}

/** UTC offset (ms, local minus UTC) in effect at an instant. */
export function offsetAt(instantMs: number, timezone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return toWall(whole, timezone) - whole;
}

export interface WallResolution {
  /** The earliest instant showing this wall-clock time, when it exists. */
  instant?: number;
  /** When the wall time falls in a DST gap: the instant after shifting it forward by the gap. */
  shifted?: number;
}

/**
 * The instants at which a zone's clocks show `wallMs`. A wall time inside a
 * spring-forward gap has no instant (`shifted` gives the forward-shifted one);
 * a wall time repeated at fall-back resolves to its first occurrence.
 */
export function resolveWall(wallMs: number, timezone: string): WallResolution {
  if (timezone === 'UTC') return { instant: wallMs };
  const DAY = 86_400_000;
  const before = offsetAt(wallMs - DAY / 2, timezone);
  const after = offsetAt(wallMs + DAY / 2, timezone);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const instant = wallMs - off;
    if (toWall(instant, timezone) === Math.floor(wallMs / 1000) * 1000) candidates.push(instant);
  }
  if (candidates.length > 0) return { instant: Math.min(...candidates) };
  // No offset maps onto it: a gap. Use the pre-transition offset, which lands after the gap.
  return { shifted: wallMs - before };
}

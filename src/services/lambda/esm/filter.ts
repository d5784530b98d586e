/**
 * Event filtering for event source mappings: EventBridge-style patterns. A pattern is an object
 * whose leaves are arrays of matchers (literal values, prefix, suffix, anything-but, numeric,
 * exists, equals-ignore-case, wildcard); all fields of a pattern must match, any filter may.
 */
export type Pattern = Record<string, unknown>;

export function parsePatterns(filters: { Pattern?: string }[] | undefined): Pattern[] {
  return (filters ?? []).map((f) => {
    const p = JSON.parse(f.Pattern ?? '{}') as unknown;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error('pattern must be a JSON object');
    return p as Pattern;
  });
}

/** True when the event matches one of the patterns (or there are none). */
export function matchesAny(patterns: Pattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchObject(p, event));
}

function matchObject(pattern: Pattern, event: unknown): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    const value =
      event !== null && typeof event === 'object' && !Array.isArray(event)
        ? (event as Record<string, unknown>)[key]
        : undefined;
    if (Array.isArray(rule)) {
      if (!matchLeaf(rule, value)) return false;
    } else if (rule !== null && typeof rule === 'object') {
      if (value === undefined || !matchObject(rule as Pattern, value)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function matchLeaf(rules: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      const r = rule as Record<string, unknown>;
      if ('exists' in r) return r['exists'] === true ? value !== undefined : value === undefined;
      return value !== undefined && values.some((v) => matchOperator(r, v));
    }
    return value !== undefined && values.some((v) => v === rule);
  });
}

function matchOperator(rule: Record<string, unknown>, v: unknown): boolean {
  if ('prefix' in rule) {
    const p = rule['prefix'];
    if (typeof p === 'object' && p !== null && 'equals-ignore-case' in p) {
      return (
        typeof v === 'string' &&
        v.toLowerCase().startsWith(String((p as Record<string, unknown>)['equals-ignore-case']).toLowerCase())
      );
    }
    return typeof v === 'string' && v.startsWith(String(p));
  }
  if ('suffix' in rule) {
    const s = rule['suffix'];
    if (typeof s === 'object' && s !== null && 'equals-ignore-case' in s) {
      return (
        typeof v === 'string' &&
        v.toLowerCase().endsWith(String((s as Record<string, unknown>)['equals-ignore-case']).toLowerCase())
      );
    }
    return typeof v === 'string' && v.endsWith(String(s));
  }
  if ('equals-ignore-case' in rule)
    return typeof v === 'string' && v.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
  if ('wildcard' in rule) {
    const re = new RegExp('^' + String(rule['wildcard']).split('*').map(escapeRe).join('.*') + '$', 's');
    return typeof v === 'string' && re.test(v);
  }
  if ('anything-but' in rule) {
    const ab = rule['anything-but'];
    if (Array.isArray(ab)) return !ab.includes(v);
    if (ab !== null && typeof ab === 'object') {
      const o = ab as Record<string, unknown>;
      if ('prefix' in o) return !(typeof v === 'string' && v.startsWith(String(o['prefix'])));
      if ('suffix' in o) return !(typeof v === 'string' && v.endsWith(String(o['suffix'])));
      if ('equals-ignore-case' in o) {
        const list = Array.isArray(o['equals-ignore-case'])
          ? (o['equals-ignore-case'] as unknown[])
          : [o['equals-ignore-case']];
        return !(typeof v === 'string' && list.some((x) => String(x).toLowerCase() === v.toLowerCase()));
      }
      return true;
    }
    return v !== ab;
  }
  if ('numeric' in rule) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isNaN(n)) return false;
    const spec = rule['numeric'] as unknown[];
    for (let i = 0; i + 1 < spec.length; i += 2) {
      const op = spec[i];
      const bound = Number(spec[i + 1]);
      const ok =
        op === '='
          ? n === bound
          : op === '<'
            ? n < bound
            : op === '<='
              ? n <= bound
              : op === '>'
                ? n > bound
                : op === '>='
                  ? n >= bound
                  : false;
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

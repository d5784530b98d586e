/**
 * EventBridge event patterns, shared by EventBridge rules and Lambda event filtering (the same
 * content-filtering syntax). A pattern is a JSON object whose leaves are arrays of matchers: literal
 * values (string, number, boolean, null), `prefix`, `suffix` (each optionally
 * `{"equals-ignore-case": ...}`), `equals-ignore-case`, `wildcard` (`*`, `\*` escapes),
 * `anything-but` (a value, a list, or `prefix` / `suffix` / `equals-ignore-case` / `wildcard`),
 * `numeric` (one or two comparisons, JSON numbers only), `exists` and `cidr` (IPv4 / IPv6); `$or`
 * at any object level takes a list of alternative patterns. All fields of a pattern must match; a
 * leaf matches when any of its matchers does; an array in the event matches when any element does.
 */
import { isIP } from 'node:net';

export type Pattern = Record<string, unknown>;
export type EventPattern = Pattern;

/** A pattern that is not valid; the message is the Reason AWS gives. */
export class EventPatternError extends Error {
  override name = 'EventPatternError';
}

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
]);
const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);
const NUMERIC_LIMIT = 5e9;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function bad(reason: string): never {
  throw new EventPatternError(reason);
}

function checkString(op: string, v: unknown): void {
  if (typeof v !== 'string') bad(`${op} match pattern must be a string`);
}

function checkWildcard(v: unknown): void {
  checkString('wildcard', v);
  const unescaped = String(v).replace(/\\\*/g, '');
  if (unescaped.includes('**')) bad(`Consecutive wildcard characters at pos ${unescaped.indexOf('**')}`);
}

function checkCidr(v: unknown): void {
  if (typeof v !== 'string') bad('cidr match pattern must be a string');
  const [ip, bits, extra] = v.split('/');
  const family = isIP(ip ?? '');
  const max = family === 4 ? 32 : 128;
  if (bits === undefined || extra !== undefined) bad("Malformed CIDR, one '/' required");
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) bad(`Nonstandard IP address: ${v}`);
}

function checkPrefixSuffix(op: string, v: unknown): void {
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') bad(`Unsupported ${op} pattern`);
    checkString('equals-ignore-case', v['equals-ignore-case']);
    return;
  }
  checkString(op, v);
}

function checkAnythingBut(v: unknown): void {
  if (Array.isArray(v)) {
    if (v.length === 0) bad('Empty arrays are not allowed');
    if (!v.every((x) => typeof x === 'string' || typeof x === 'number')) {
      bad('Inside anything but list, start|null|boolean is not supported.');
    }
    return;
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1) bad('Unsupported anything-but pattern');
    const [op] = keys as [string];
    const inner = v[op];
    if (op === 'prefix' || op === 'suffix') checkString(op, inner);
    else if (op === 'equals-ignore-case' || op === 'wildcard') {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0) bad('Empty arrays are not allowed');
      for (const x of list) {
        if (op === 'wildcard') checkWildcard(x);
        else checkString(op, x);
      }
    } else bad(`Unsupported anything-but pattern: ${op}`);
    return;
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    bad('Value of anything-but must be an array or single string/number value.');
  }
}

function checkNumeric(v: unknown): void {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 4)) bad('Value of numeric must be an array.');
  let lower = false;
  let upper = false;
  let equals = false;
  for (let i = 0; i < v.length; i += 2) {
    const op = v[i];
    const n = v[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op)) bad(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof n !== 'number') bad('Value of numeric range must be numeric');
    if (Math.abs(n) > NUMERIC_LIMIT) bad(`Value of ${op} must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`);
    if (op === '=') equals = true;
    else if (op.startsWith('>')) {
      if (lower) bad(`Bad numeric range operator: ${op}`);
      lower = true;
    } else {
      if (upper) bad(`Bad numeric range operator: ${op}`);
      upper = true;
    }
  }
  if (equals && v.length !== 2) bad('Bad numeric range operator: =');
  if (v.length === 4 && Number(v[1]) >= Number(v[3])) bad('Bottom must be less than top');
}

function checkMatcher(m: unknown): void {
  if (m === null || typeof m === 'string' || typeof m === 'number' || typeof m === 'boolean') return;
  if (!isObject(m)) bad('Match value must be String, number, true, false, or null');
  const keys = Object.keys(m);
  if (keys.length !== 1) bad('Only one key allowed in match expression');
  const [op] = keys as [string];
  if (!OPERATORS.has(op)) bad(`Unrecognized match type ${op}`);
  const v = m[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return checkPrefixSuffix(op, v);
    case 'equals-ignore-case':
      return checkString(op, v);
    case 'wildcard':
      return checkWildcard(v);
    case 'cidr':
      return checkCidr(v);
    case 'exists':
      if (typeof v !== 'boolean') bad('exists match pattern must be either true or false.');
      return;
    case 'numeric':
      return checkNumeric(v);
    case 'anything-but':
      return checkAnythingBut(v);
  }
}

function checkObject(p: Record<string, unknown>): void {
  if (Object.keys(p).length === 0) bad('Empty objects are not allowed');
  for (const [key, rule] of Object.entries(p)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject)) {
        bad('Value of $or must be an array of at least two objects');
      }
      for (const sub of rule) checkObject(sub);
    } else if (Array.isArray(rule)) {
      if (rule.length === 0) bad('Empty arrays are not allowed');
      for (const m of rule) checkMatcher(m);
    } else if (isObject(rule)) {
      checkObject(rule);
    } else {
      bad(`"${key}" must be an object or an array`);
    }
  }
}

/** Parses and validates a pattern (JSON text or an already parsed value). Throws EventPatternError. */
export function parseEventPattern(pattern: string | unknown): Pattern {
  let value: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      value = JSON.parse(pattern);
    } catch {
      bad('Filter is not an object');
    }
  }
  if (!isObject(value)) bad('Filter is not an object');
  checkObject(value);
  return value;
}

/** Lambda FilterCriteria: each filter's `Pattern` (a filter without one matches everything). */
export function parsePatterns(filters: { Pattern?: string }[] | undefined): Pattern[] {
  return (filters ?? []).map((f) => (f.Pattern === undefined ? {} : parseEventPattern(f.Pattern)));
}

/** True when the event matches one of the patterns (or there are none). */
export function matchesAny(patterns: Pattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesPattern(p, event));
}

/** True when the event matches the pattern. */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  // Arrays of objects: the pattern matches when any element does.
  if (Array.isArray(value)) return value.some((v) => matchObject(pattern, v));
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rule as Record<string, unknown>[]).some((sub) => matchObject(sub, value))) return false;
      continue;
    }
    const field = isObject(value) ? value[key] : undefined;
    if (Array.isArray(rule)) {
      if (!matchLeaf(rule, field)) return false;
    } else if (isObject(rule)) {
      // An absent object: only `exists: false` leaves below it can match.
      if (!matchObject(rule, field === undefined ? {} : field)) return false;
    } else return false;
  }
  return true;
}

function matchLeaf(rules: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (isObject(rule) && 'exists' in rule) {
      const present = value !== undefined && !isObject(value);
      return rule['exists'] === true ? present : value === undefined;
    }
    if (value === undefined) return false;
    if (isObject(rule)) return values.some((v) => matchOperator(rule, v));
    return values.some((v) => v === rule);
  });
}

function lower(v: unknown): string {
  return String(v).toLowerCase();
}

function affix(spec: unknown, v: string, test: (s: string, a: string) => boolean): boolean {
  if (isObject(spec)) return test(v.toLowerCase(), lower(spec['equals-ignore-case']));
  return test(v, String(spec));
}

const regexCache = new Map<string, RegExp>();

function wildcardRe(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && pattern[i + 1] === '*') {
        src += '\\*';
        i++;
      } else if (c === '*') src += '.*';
      else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 's');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

function ipBits(ip: string, family: number): string {
  if (family === 4)
    return ip
      .split('.')
      .map((p) => Number(p).toString(2).padStart(8, '0'))
      .join('');
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups
    .map((g) =>
      parseInt(g || '0', 16)
        .toString(2)
        .padStart(16, '0'),
    )
    .join('');
}

function inCidr(value: unknown, cidr: string): boolean {
  if (typeof value !== 'string') return false;
  const [net = '', bitsText = '0'] = cidr.split('/');
  const family = isIP(net);
  if (family === 0 || isIP(value) !== family) return false;
  const bits = Number(bitsText);
  return ipBits(value, family).slice(0, bits) === ipBits(net, family).slice(0, bits);
}

function matchOperator(rule: Record<string, unknown>, v: unknown): boolean {
  const [op] = Object.keys(rule) as [string];
  const spec = rule[op];
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && affix(spec, v, (s, a) => s.startsWith(a));
    case 'suffix':
      return typeof v === 'string' && affix(spec, v, (s, a) => s.endsWith(a));
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === lower(spec);
    case 'wildcard':
      return typeof v === 'string' && wildcardRe(String(spec)).test(v);
    case 'cidr':
      return inCidr(v, String(spec));
    case 'numeric':
      return typeof v === 'number' && numericMatch(spec as unknown[], v);
    case 'anything-but':
      return anythingBut(spec, v);
    default:
      return false;
  }
}

function numericMatch(spec: unknown[], n: number): boolean {
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const bound = spec[i + 1] as number;
    const op = spec[i];
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

function anythingBut(spec: unknown, v: unknown): boolean {
  if (Array.isArray(spec)) return !spec.includes(v);
  if (isObject(spec)) {
    const [op] = Object.keys(spec) as [string];
    const inner = spec[op];
    if (typeof v !== 'string') return true;
    const list = Array.isArray(inner) ? inner : [inner];
    switch (op) {
      case 'prefix':
        return !v.startsWith(String(inner));
      case 'suffix':
        return !v.endsWith(String(inner));
      case 'equals-ignore-case':
        return !list.some((x) => lower(x) === v.toLowerCase());
      case 'wildcard':
        return !list.some((x) => wildcardRe(String(x)).test(v));
      default:
        return false;
    }
  }
  return v !== spec;
}

/**
 * Evaluation of resolved conditions against an item, with DynamoDB's semantics:
 * - a missing attribute makes every comparison false except `<>` (true);
 * - comparing values of different types is false, never an error; ordering (`<`, BETWEEN, ...)
 *   only applies to S, N and B; sets compare order-insensitively;
 * - `size` is the length of S (UTF-16 code units, as Java's String.length()), the byte length of
 *   B, and the element count of sets, lists and maps; it is undefined (so comparisons fail) for
 *   N, BOOL and NULL;
 * - `contains` is substring for S and B, membership for sets (element of the set's scalar type)
 *   and element equality for lists; `begins_with` is a prefix test on S or B.
 */
import type { AttributeValue, Item } from '../types.js';
import { typeOf } from '../types.js';
import { bytesKey, compareScalars, numberKey, valuesEqual } from '../values/compare.js';
import type { Condition, DocumentPath, LegacyOperator, Operand } from './ast.js';

/** Whether `item` (undefined: no item) satisfies `condition`. Never throws. */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  return evalCondition(condition, item ?? EMPTY);
}

const EMPTY: Item = Object.freeze({}) as Item;

function evalCondition(c: Condition, item: Item): boolean {
  switch (c.type) {
    case 'comparison': {
      const left = evalOperand(c.left, item);
      const right = evalOperand(c.right, item);
      switch (c.operator) {
        case '=':
          return left !== undefined && right !== undefined && valuesEqual(left, right);
        case '<>':
          return !(left !== undefined && right !== undefined && valuesEqual(left, right));
        case '<':
          return ordered(left, right, (o) => o < 0);
        case '<=':
          return ordered(left, right, (o) => o <= 0);
        case '>':
          return ordered(left, right, (o) => o > 0);
        case '>=':
          return ordered(left, right, (o) => o >= 0);
      }
      return false;
    }
    case 'between': {
      const value = evalOperand(c.operand, item);
      const lower = evalOperand(c.lower, item);
      const upper = evalOperand(c.upper, item);
      if (!isOrdered(value) || !isOrdered(lower) || !isOrdered(upper)) return false;
      return ordered(value, upper, (o) => o <= 0) && ordered(value, lower, (o) => o >= 0);
    }
    case 'in': {
      const value = evalOperand(c.operand, item);
      if (value === undefined) return false;
      for (const candidate of c.values) {
        const v = evalOperand(candidate, item);
        if (v !== undefined && valuesEqual(value, v)) return true;
      }
      return false;
    }
    case 'and':
      return evalCondition(c.left, item) && evalCondition(c.right, item);
    case 'or':
      return evalCondition(c.left, item) || evalCondition(c.right, item);
    case 'not':
      return !evalCondition(c.condition, item);
    case 'attribute_exists':
      return resolvePath(item, c.path) !== undefined;
    case 'attribute_not_exists':
      return resolvePath(item, c.path) === undefined;
    case 'attribute_type': {
      const value = evalOperand(c.operand, item);
      return value !== undefined && typeOf(value) === c.attributeType;
    }
    case 'begins_with':
      return beginsWith(evalOperand(c.operand, item), evalOperand(c.prefix, item));
    case 'contains':
      return contains(evalOperand(c.operand, item), evalOperand(c.value, item));
    case 'legacy':
      return evalLegacy(
        c.operator,
        Object.prototype.hasOwnProperty.call(item, c.attribute) ? item[c.attribute] : undefined,
        c.values,
      );
    case 'true':
      return true;
  }
}

/** The value at `path` in `item`, or undefined when any step is missing or of the wrong kind. */
export function resolvePath(item: Item, path: DocumentPath): AttributeValue | undefined {
  const first = path[0];
  if (typeof first !== 'string' || !Object.prototype.hasOwnProperty.call(item, first)) return undefined;
  let current: AttributeValue = item[first]!;
  for (let i = 1; i < path.length; i++) {
    const e = path[i]!;
    if (typeof e === 'number') {
      if (!('L' in current) || e >= current.L.length) return undefined;
      current = current.L[e]!;
    } else {
      if (!('M' in current) || !Object.prototype.hasOwnProperty.call(current.M, e)) return undefined;
      current = current.M[e]!;
    }
  }
  return current;
}

function evalOperand(op: Operand, item: Item): AttributeValue | undefined {
  switch (op.type) {
    case 'path':
      return resolvePath(item, op.path);
    case 'value':
      return op.value;
    case 'size': {
      const n = sizeOf(evalOperand(op.operand, item));
      return n === undefined ? undefined : { N: String(n) };
    }
  }
}

/** DynamoDB's size(): undefined for missing values and for N, BOOL and NULL. */
export function sizeOf(value: AttributeValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if ('S' in value) return value.S.length;
  if ('B' in value) return Buffer.byteLength(value.B, 'base64');
  if ('SS' in value) return value.SS.length;
  if ('NS' in value) return value.NS.length;
  if ('BS' in value) return value.BS.length;
  if ('L' in value) return value.L.length;
  if ('M' in value) return Object.keys(value.M).length;
  return undefined;
}

function isOrdered(v: AttributeValue | undefined): v is AttributeValue {
  return v !== undefined && ('S' in v || 'N' in v || 'B' in v);
}

function ordered(
  left: AttributeValue | undefined,
  right: AttributeValue | undefined,
  test: (order: number) => boolean,
): boolean {
  if (left === undefined || right === undefined) return false;
  const order = compareScalars(left, right);
  return order !== undefined && test(order);
}

function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (value === undefined || prefix === undefined) return false;
  if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
  if ('B' in value && 'B' in prefix) {
    const v = Buffer.from(value.B, 'base64');
    const p = Buffer.from(prefix.B, 'base64');
    return p.length <= v.length && v.subarray(0, p.length).equals(p);
  }
  return false;
}

function contains(container: AttributeValue | undefined, element: AttributeValue | undefined): boolean {
  if (container === undefined || element === undefined) return false;
  if ('S' in container) return 'S' in element && container.S.includes(element.S);
  if ('B' in container) {
    return 'B' in element && Buffer.from(container.B, 'base64').includes(Buffer.from(element.B, 'base64'));
  }
  if ('L' in container) return container.L.some((e) => valuesEqual(e, element));
  if ('SS' in container) return 'S' in element && container.SS.includes(element.S);
  if ('NS' in container) {
    if (!('N' in element)) return false;
    const key = numberKey(element.N);
    return container.NS.some((n) => numberKey(n) === key);
  }
  if ('BS' in container) {
    if (!('B' in element)) return false;
    const key = bytesKey(element.B);
    return container.BS.some((b) => bytesKey(b) === key);
  }
  return false;
}

// --- legacy ComparisonOperator semantics (Expected, QueryFilter, ScanFilter) ------------------

function sameType(a: AttributeValue, b: AttributeValue): boolean {
  return typeOf(a) === typeOf(b);
}

/** Evaluate a legacy ComparisonOperator on a (possibly missing) top-level attribute value. */
export function evalLegacy(
  op: LegacyOperator,
  value: AttributeValue | undefined,
  list: readonly AttributeValue[],
): boolean {
  const expected = list[0];
  switch (op) {
    case 'NULL':
      return value === undefined;
    case 'NOT_NULL':
      return value !== undefined;
    case 'EQ':
      return value !== undefined && expected !== undefined && valuesEqual(value, expected);
    case 'NE':
      return !(value !== undefined && expected !== undefined && valuesEqual(value, expected));
    case 'LT':
      return legacyOrder(value, expected, (o) => o < 0);
    case 'LE':
      return legacyOrder(value, expected, (o) => o <= 0);
    case 'GT':
      return legacyOrder(value, expected, (o) => o > 0);
    case 'GE':
      return legacyOrder(value, expected, (o) => o >= 0);
    case 'BETWEEN':
      return legacyOrder(value, list[0], (o) => o >= 0) && legacyOrder(value, list[1], (o) => o <= 0);
    case 'IN':
      if (value === undefined || expected === undefined || !sameType(value, expected)) return false;
      return list.some((v) => valuesEqual(value, v));
    case 'BEGINS_WITH':
      return beginsWith(value, expected);
    case 'CONTAINS':
      return legacyContains(value, expected);
    case 'NOT_CONTAINS':
      return value !== undefined && !legacyContains(value, expected);
  }
}

function legacyOrder(
  value: AttributeValue | undefined,
  expected: AttributeValue | undefined,
  test: (order: number) => boolean,
): boolean {
  if (value === undefined || expected === undefined) return false;
  const order = compareScalars(value, expected);
  return order !== undefined && test(order);
}

function legacyContains(value: AttributeValue | undefined, expected: AttributeValue | undefined): boolean {
  if (value === undefined || expected === undefined) return false;
  if ('L' in value) return value.L.some((e) => valuesEqual(e, expected));
  if ('S' in expected || 'B' in expected || 'N' in expected) return contains(value, expected);
  return false;
}

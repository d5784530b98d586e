/**
 * Query key conditions: extraction of per-key conditions from a KeyConditionExpression (table
 * independent) and their check against the key schema of the table or index being queried.
 * Legacy KeyConditions convert to the same {@link KeyConditions} form.
 */
import { invalid } from '../errors.js';
import type { AttributeValue, ScalarKeyType } from '../types.js';
import { typeOf } from '../types.js';
import { compareScalars } from '../values/compare.js';
import type { Condition, LegacyOperator, Operand } from './ast.js';

/** One condition on one key attribute, in legacy ComparisonOperator terms. */
export interface KeyConditionEntry {
  readonly operator: LegacyOperator;
  readonly values: readonly AttributeValue[];
}

/** Conditions by key attribute name, in the order they appear. */
export type KeyConditions = ReadonlyMap<string, KeyConditionEntry>;

export type RangeOperator = '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'begins_with';

export interface KeyAttribute {
  readonly name: string;
  readonly type: ScalarKeyType;
}

export interface AnalyzedKeyCondition {
  readonly hashValue: AttributeValue;
  readonly range?: { readonly op: RangeOperator; readonly values: readonly AttributeValue[] };
}

const OPERATOR_NAMES: Record<string, string> = {
  or: 'OR',
  not: 'NOT',
  in: 'IN',
  attribute_exists: 'attribute_exists',
  attribute_not_exists: 'attribute_not_exists',
  attribute_type: 'attribute_type',
  contains: 'contains',
};

const COMPARISON_TO_LEGACY: Record<string, LegacyOperator | undefined> = {
  '=': 'EQ',
  '<': 'LT',
  '<=': 'LE',
  '>': 'GT',
  '>=': 'GE',
};

const INVERSE: Partial<Record<LegacyOperator, LegacyOperator>> = { LT: 'GT', GT: 'LT', LE: 'GE', GE: 'LE' };

function fail(message: string): never {
  throw invalid(message);
}

/**
 * Split a resolved KeyConditionExpression into per-key conditions (AND of simple conditions on
 * top-level attributes, value operands only). Throws AWS's KeyConditionExpression errors, then
 * checks each condition's values like legacy KeyConditions and the 1–2 condition count.
 */
export function extractKeyConditions(condition: Condition): Map<string, KeyConditionEntry> {
  const out = new Map<string, KeyConditionEntry>();
  collect(condition, out);
  checkKeyConditionCount(out.size);
  return out;
}

function collect(c: Condition, out: Map<string, KeyConditionEntry>): void {
  if (c.type === 'and') {
    collect(c.left, out);
    collect(c.right, out);
    return;
  }
  let operator: LegacyOperator;
  let opName: string;
  let operands: readonly Operand[];
  switch (c.type) {
    case 'comparison': {
      const legacy = COMPARISON_TO_LEGACY[c.operator];
      if (!legacy) fail(`Invalid operator used in KeyConditionExpression: ${c.operator}`);
      operator = legacy;
      opName = c.operator;
      operands = [c.left, c.right];
      break;
    }
    case 'between':
      operator = 'BETWEEN';
      opName = 'BETWEEN';
      operands = [c.operand, c.lower, c.upper];
      break;
    case 'begins_with':
      operator = 'BEGINS_WITH';
      opName = 'begins_with';
      operands = [c.operand, c.prefix];
      break;
    default:
      fail(`Invalid operator used in KeyConditionExpression: ${OPERATOR_NAMES[c.type] ?? c.type}`);
  }
  let name: string | undefined;
  const values: AttributeValue[] = [];
  for (const operand of operands) {
    if (operand.type === 'path') {
      if (name !== undefined)
        fail('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      if (operand.path.length > 1) fail('KeyConditionExpressions cannot have conditions on nested attributes');
      name = operand.path[0] as string;
    } else if (operand.type === 'value') {
      if (name === undefined) {
        if (operator === 'BETWEEN' || operator === 'BEGINS_WITH') {
          fail(
            `Invalid condition in KeyConditionExpression: ${opName} operator must have the key attribute as its first operand`,
          );
        }
        operator = INVERSE[operator] ?? operator;
      }
      values.push(operand.value);
    } else {
      fail('KeyConditionExpressions cannot contain nested operations');
    }
  }
  if (name === undefined) fail('Invalid condition in KeyConditionExpression: No key attribute specified');
  if (out.has(name)) fail('KeyConditionExpressions must only contain one condition per key');
  checkConditionValues(operator, values);
  out.set(name, { operator, values });
}

export function checkKeyConditionCount(count: number): void {
  if (count !== 1 && count !== 2) fail('Conditions can be of length 1 or 2 only');
}

const ARG_COUNTS: Record<LegacyOperator, (n: number) => boolean> = {
  EQ: (n) => n === 1,
  NE: (n) => n === 1,
  LE: (n) => n === 1,
  LT: (n) => n === 1,
  GE: (n) => n === 1,
  GT: (n) => n === 1,
  CONTAINS: (n) => n === 1,
  NOT_CONTAINS: (n) => n === 1,
  BEGINS_WITH: (n) => n === 1,
  NULL: (n) => n === 0,
  NOT_NULL: (n) => n === 0,
  IN: (n) => n >= 1,
  BETWEEN: (n) => n === 2,
};

const ORDERED = new Set(['S', 'N', 'B']);
const SCALAR = new Set(['S', 'N', 'B', 'BOOL', 'NULL']);

const SUPPORTED_TYPES: Record<LegacyOperator, ((type: string) => boolean) | undefined> = {
  EQ: undefined,
  NE: undefined,
  NULL: undefined,
  NOT_NULL: undefined,
  LE: (t) => ORDERED.has(t),
  LT: (t) => ORDERED.has(t),
  GE: (t) => ORDERED.has(t),
  GT: (t) => ORDERED.has(t),
  IN: (t) => ORDERED.has(t),
  BETWEEN: (t) => ORDERED.has(t),
  CONTAINS: (t) => SCALAR.has(t),
  NOT_CONTAINS: (t) => SCALAR.has(t),
  BEGINS_WITH: (t) => t === 'S' || t === 'B',
};

/**
 * Legacy AttributeValueList checks shared by KeyConditions, QueryFilter, ScanFilter and Expected:
 * argument count, one type for all values, a type the operator supports, ordered BETWEEN bounds.
 */
export function checkConditionValues(operator: LegacyOperator, values: readonly AttributeValue[]): void {
  if (!ARG_COUNTS[operator](values.length)) {
    fail(
      `One or more parameter values were invalid: Invalid number of argument(s) for the ${operator} ComparisonOperator`,
    );
  }
  if (values.length === 0) return;
  const first = typeOf(values[0]!);
  for (const v of values) {
    if (typeOf(v) !== first) {
      fail('One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type');
    }
  }
  const supported = SUPPORTED_TYPES[operator];
  if (supported && !supported(first)) {
    fail(
      `One or more parameter values were invalid: ComparisonOperator ${operator} is not valid for ${first} AttributeValue type`,
    );
  }
  if (operator === 'BETWEEN') {
    const order = compareScalars(values[0]!, values[1]!);
    if (order !== undefined && order > 0) {
      fail('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
    }
  }
}

const INDEXABLE_RANGE: Partial<Record<LegacyOperator, RangeOperator>> = {
  EQ: '=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  BETWEEN: 'BETWEEN',
  BEGINS_WITH: 'begins_with',
};

export interface AnalyzeKeyOptions {
  /** The queried index, for the empty-key-value message. */
  readonly indexName?: string;
}

/**
 * Check key conditions against the key schema (hash key, optional range key) of the queried table
 * or index. Accepts a resolved KeyConditionExpression or already-extracted (legacy) conditions.
 */
export function analyzeKeyCondition(
  keyCondition: Condition | KeyConditions,
  hashKey: KeyAttribute,
  rangeKey?: KeyAttribute,
  options: AnalyzeKeyOptions = {},
): AnalyzedKeyCondition {
  const conditions: KeyConditions =
    keyCondition instanceof Map ? (keyCondition as KeyConditions) : extractKeyConditions(keyCondition as Condition);
  if (conditions.size > (rangeKey ? 2 : 1)) fail('Query key condition not supported');

  const hash = conditions.get(hashKey.name);
  if (!hash) fail(`Query condition missed key schema element: ${hashKey.name}`);
  if (!INDEXABLE_RANGE[hash.operator]) fail(NOT_INDEXABLE);
  const hashValue = hash.values[0];
  if (hashValue === undefined) fail('Only scalar types can be used as Hash Key values');
  if (typeOf(hashValue) !== hashKey.type) fail(TYPE_MISMATCH);
  if (hash.operator !== 'EQ') fail('Query key condition not supported');
  checkEmptyKeyValue(hashKey, hash.values, options.indexName);

  if (!rangeKey) return { hashValue };
  const range = conditions.get(rangeKey.name);
  if (!range) {
    // Two conditions, one of them on a non-key attribute.
    if (conditions.size > 1) fail(`Query condition missed key schema element: ${rangeKey.name}`);
    return { hashValue };
  }
  const op = INDEXABLE_RANGE[range.operator];
  if (!op) fail(NOT_INDEXABLE);
  if (range.values.length === 0) fail('Only scalar types can be used as Range Key values');
  for (const v of range.values) if (typeOf(v) !== rangeKey.type) fail(TYPE_MISMATCH);
  checkEmptyKeyValue(rangeKey, range.values, options.indexName);
  return { hashValue, range: { op, values: range.values } };
}

const NOT_INDEXABLE = 'Attempted conditional constraint is not an indexable operation';
const TYPE_MISMATCH = 'One or more parameter values were invalid: Condition parameter type does not match schema type';

function checkEmptyKeyValue(key: KeyAttribute, values: readonly AttributeValue[], indexName: string | undefined): void {
  for (const v of values) {
    const empty = ('S' in v && v.S === '') || ('B' in v && v.B === '');
    if (!empty) continue;
    const kind = 'S' in v ? 'string' : 'binary';
    if (indexName !== undefined) {
      fail(
        `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${indexName}, IndexKey: ${key.name}`,
      );
    }
    fail(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${kind} value. Key: ${key.name}`,
    );
  }
}

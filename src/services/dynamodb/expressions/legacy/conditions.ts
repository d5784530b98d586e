/**
 * Legacy conditional parameters converted to condition trees: Expected (PutItem, UpdateItem,
 * DeleteItem), QueryFilter / ScanFilter, and Query's KeyConditions, with AWS's validation
 * messages. Legacy conditions name top-level attributes literally (no path syntax).
 */
import { invalid } from '../../errors.js';
import type { AttributeValue } from '../../types.js';
import type { Condition, LegacyOperator } from '../ast.js';
import { checkConditionValues, checkKeyConditionCount, type KeyConditionEntry } from '../key-condition.js';

/** A QueryFilter / ScanFilter / KeyConditions entry. */
export interface LegacyCondition {
  readonly ComparisonOperator?: string;
  readonly AttributeValueList?: readonly AttributeValue[];
}

/** An Expected entry. */
export interface ExpectedAttributeValue extends LegacyCondition {
  readonly Value?: AttributeValue;
  readonly Exists?: boolean;
}

export interface LegacyOptions {
  /** Validates one AttributeValue, returning AWS's message for an invalid one. */
  readonly validateValue?: (value: AttributeValue) => string | undefined;
}

const OPERATORS: ReadonlySet<string> = new Set([
  'EQ',
  'NE',
  'LE',
  'LT',
  'GE',
  'GT',
  'NOT_NULL',
  'NULL',
  'CONTAINS',
  'NOT_CONTAINS',
  'BEGINS_WITH',
  'IN',
  'BETWEEN',
]);

const INVALID = 'One or more parameter values were invalid: ';

function operatorOf(name: string | undefined): LegacyOperator {
  if (name === undefined || !OPERATORS.has(name)) throw invalid('Comparison type does not exist in DynamoDB');
  return name as LegacyOperator;
}

function checkValues(values: Iterable<AttributeValue | undefined>, options: LegacyOptions): void {
  if (!options.validateValue) return;
  for (const v of values) {
    if (v === undefined) continue;
    const problem = options.validateValue(v);
    if (problem) throw invalid(problem);
  }
}

/** `ConditionalOperator` needs at least two conditions to combine. */
export function checkConditionalOperator(conditionalOperator: string | undefined, count: number): void {
  if (conditionalOperator === undefined || conditionalOperator === null) return;
  if (count === 0) throw invalid('ConditionalOperator cannot be used without Filter or Expected');
  if (count === 1)
    throw invalid('ConditionalOperator can only be used when Filter or Expected has two or more elements');
}

function combine(conditions: Condition[], conditionalOperator: string | undefined): Condition | undefined {
  if (conditions.length === 0) return undefined;
  const type = conditionalOperator === 'OR' ? 'or' : 'and';
  let result = conditions[0]!;
  for (let i = 1; i < conditions.length; i++) result = { type, left: result, right: conditions[i]! };
  return result;
}

/**
 * Validate and convert `Expected` (undefined when absent or empty). Throws ValidationException,
 * e.g. "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a".
 */
export function convertExpected(
  expected: Readonly<Record<string, ExpectedAttributeValue>> | undefined,
  conditionalOperator?: string,
  options: LegacyOptions = {},
): Condition | undefined {
  if (!expected) {
    checkConditionalOperator(conditionalOperator, 0);
    return undefined;
  }
  const conditions: Condition[] = [];
  for (const attribute of Object.keys(expected)) {
    const c = expected[attribute]!;
    const hasList = c.AttributeValueList !== undefined && c.AttributeValueList !== null;
    const hasValue = c.Value !== undefined && c.Value !== null;
    const hasExists = c.Exists !== undefined && c.Exists !== null;
    checkValues([...(c.AttributeValueList ?? []), c.Value], options);
    if (hasList && hasValue) {
      throw invalid(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${attribute}`);
    }
    if (c.ComparisonOperator !== undefined && c.ComparisonOperator !== null) {
      if (hasExists)
        throw invalid(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${attribute}`);
      const operator = operatorOf(c.ComparisonOperator);
      if (operator !== 'NULL' && operator !== 'NOT_NULL' && !hasList && !hasValue) {
        throw invalid(
          `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${attribute}`,
        );
      }
      const values = hasList ? c.AttributeValueList! : hasValue ? [c.Value!] : [];
      checkConditionValues(operator, values);
      conditions.push({ type: 'legacy', attribute, operator, values });
    } else if (hasList) {
      throw invalid(
        `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${attribute}`,
      );
    } else {
      const exists = c.Exists ?? true;
      if (exists && !hasValue) {
        throw invalid(
          `${INVALID}Value must be provided when Exists is ${hasExists ? String(c.Exists) : 'null'} for Attribute: ${attribute}`,
        );
      }
      if (!exists && hasValue)
        throw invalid(`${INVALID}Value cannot be used when Exists is false for Attribute: ${attribute}`);
      conditions.push(
        exists
          ? { type: 'legacy', attribute, operator: 'EQ', values: [c.Value!] }
          : { type: 'legacy', attribute, operator: 'NULL', values: [] },
      );
    }
  }
  checkConditionalOperator(conditionalOperator, conditions.length);
  return combine(conditions, conditionalOperator);
}

/**
 * Validate and convert a QueryFilter / ScanFilter (undefined when absent or empty). Throws
 * ValidationException, e.g. "One or more parameter values were invalid: Invalid number of
 * argument(s) for the EQ ComparisonOperator".
 */
export function convertFilter(
  filter: Readonly<Record<string, LegacyCondition>> | undefined,
  conditionalOperator?: string,
  options: LegacyOptions = {},
): Condition | undefined {
  const conditions: Condition[] = [];
  for (const [attribute, values, operator] of legacyEntries(filter, options)) {
    conditions.push({ type: 'legacy', attribute, operator, values });
  }
  checkConditionalOperator(conditionalOperator, conditions.length);
  return combine(conditions, conditionalOperator);
}

/** Validate Query's KeyConditions and convert them for {@link analyzeKeyCondition}. */
export function convertKeyConditions(
  keyConditions: Readonly<Record<string, LegacyCondition>>,
  options: LegacyOptions = {},
): Map<string, KeyConditionEntry> {
  const out = new Map<string, KeyConditionEntry>();
  for (const [attribute, values, operator] of legacyEntries(keyConditions, options))
    out.set(attribute, { operator, values });
  checkKeyConditionCount(out.size);
  return out;
}

function* legacyEntries(
  map: Readonly<Record<string, LegacyCondition>> | undefined,
  options: LegacyOptions,
): Generator<[string, readonly AttributeValue[], LegacyOperator]> {
  if (!map) return;
  for (const attribute of Object.keys(map)) {
    const c = map[attribute]!;
    const values = c.AttributeValueList ?? [];
    checkValues(values, options);
    const operator = operatorOf(c.ComparisonOperator);
    checkConditionValues(operator, values);
    yield [attribute, values, operator];
  }
}

/** Top-level attribute names a legacy filter / Expected map refers to. */
export function legacyAttributes(map: Readonly<Record<string, unknown>> | undefined): string[] {
  return map ? Object.keys(map) : [];
}

/**
 * Validation of AttributeValues as DynamoDB performs it after JSON parsing, with AWS's exact
 * messages. Returns normalised copies: numbers canonical (also inside NS, L and M).
 *
 * Ordering follows AWS: the JSON-shape pass (SerializationException) runs over the whole value or
 * item first, then nesting depth (items), then the checks below, members taken in the order
 * S, B, N, BOOL, NULL, BS, NS, SS, L, M, and "more than one datatypes" last.
 */
import { AwsError } from '../../../core/errors/aws-error.js';
import { invalid } from '../errors.js';
import type { AttributeValue, Item } from '../types.js';
import { bytesKey } from './compare.js';
import { messages, START_KEY_BARE } from './messages.js';
import { normalizeNumber } from './numbers.js';
import {
  MEMBER_ORDER,
  parseAttributeMap,
  parseAttributeValue,
  soleKey,
  type LooseAttributeValue,
} from './serialization.js';

export interface ValidateOptions {
  /**
   * Where the value came from; it changes how AWS words the error:
   * - an ExpressionAttributeValues key such as `:v` →
   *   `ExpressionAttributeValues contains invalid value: <message> for key :v`
   * - `ExclusiveStartKey` → `The provided starting key is invalid: <message>` (number, number set and
   *   duplicate messages stay bare)
   * - anything else, or nothing (Item, Key, AttributeValueList, …) → the bare message.
   */
  context?: string;
  /** Also enforce the 32-level nesting limit (always on for validateItem). */
  checkNesting?: boolean;
}

/** DynamoDB's document nesting limit; the top-level attribute value is level 1. */
export const MAX_NESTING_LEVELS = 32;

/** Validate one AttributeValue (as parsed from JSON) and return its normalised copy. */
export function validateAttributeValue(value: unknown, options: ValidateOptions = {}): AttributeValue {
  const loose = parseAttributeValue(value);
  return withContext(options.context, () => {
    if (options.checkNesting) checkNesting(loose, 1);
    return checkAttributeValue(loose);
  });
}

/** Validate a map of AttributeValues (an Item or a Key) and return its normalised copy. */
export function validateItem(item: unknown, options: Omit<ValidateOptions, 'checkNesting'> = {}): Item {
  const loose = parseAttributeMap(item);
  return withContext(options.context, () => {
    for (const name in loose) {
      if (name === '') throw invalid(messages.emptyAttributeName);
      checkNesting(loose[name]!, 1);
    }
    const out: Item = {};
    for (const name in loose) out[name] = checkAttributeValue(loose[name]!);
    return out;
  });
}

/** Throw the nesting ValidationException if `value` goes deeper than 32 levels. */
export function checkNestingDepth(value: AttributeValue | LooseAttributeValue): void {
  checkNesting(value as LooseAttributeValue, 1);
}

function checkNesting(v: LooseAttributeValue, level: number): void {
  if (level > MAX_NESTING_LEVELS) throw invalid(messages.nestingTooDeep);
  if (v.L) for (const e of v.L) checkNesting(e, level + 1);
  if (v.M) for (const k in v.M) checkNesting(v.M[k]!, level + 1);
}

/** The semantic checks on a value that passed the JSON-shape pass. */
export function checkAttributeValue(v: LooseAttributeValue): AttributeValue {
  // The common one-member S or N value, without the walk over the ten member names.
  const only = soleKey(v);
  if (only === 'S' && v.S !== undefined) return { S: v.S };
  if (only === 'N' && v.N !== undefined) return { N: normalizeNumber(v.N) };
  let result: AttributeValue | undefined;
  let count = 0;
  for (const member of MEMBER_ORDER) {
    if (v[member] === undefined) continue;
    count++;
    result = checkMember(v, member);
  }
  if (!result) throw invalid(messages.emptyValue);
  if (count > 1) throw invalid(messages.multipleTypes);
  return result;
}

function checkMember(v: LooseAttributeValue, member: (typeof MEMBER_ORDER)[number]): AttributeValue {
  switch (member) {
    case 'S':
      return { S: v.S! };
    case 'B':
      return { B: v.B! };
    case 'N':
      return { N: normalizeNumber(v.N!) };
    case 'BOOL':
      return { BOOL: v.BOOL! };
    case 'NULL':
      if (v.NULL !== true) throw invalid(messages.nullNotTrue);
      return { NULL: true };
    case 'BS': {
      const set = v.BS!;
      if (set.length === 0) throw invalid(messages.emptyBinarySet);
      if (hasDuplicates(set.map(bytesKey))) throw invalid(messages.binarySetDuplicates(set));
      return { BS: [...set] };
    }
    case 'NS': {
      const set = v.NS!;
      if (set.length === 0) throw invalid(messages.emptyNumberSet);
      const normalised = set.map((n) => normalizeNumber(n ?? ''));
      if (hasDuplicates(normalised)) throw invalid(messages.numberSetDuplicates);
      return { NS: normalised };
    }
    case 'SS': {
      const set = v.SS!;
      if (set.length === 0) throw invalid(messages.emptyStringSet);
      if (hasDuplicates(set)) throw invalid(messages.stringSetDuplicates(set));
      return { SS: [...set] };
    }
    case 'L':
      return { L: v.L!.map(checkAttributeValue) };
    case 'M': {
      const out: Record<string, AttributeValue> = {};
      for (const k in v.M!) out[k] = checkAttributeValue(v.M[k]!);
      return { M: out };
    }
  }
}

function hasDuplicates(values: readonly string[]): boolean {
  return new Set(values).size !== values.length;
}

/** Run `fn`, rewording its ValidationException the way AWS does for `context`. */
function withContext<T>(context: string | undefined, fn: () => T): T {
  if (!context) return fn();
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof AwsError) || e.code !== 'ValidationException') throw e;
    if (context.startsWith(':')) throw invalid(messages.expressionValue(e.message, context));
    if (context === 'ExclusiveStartKey' && !START_KEY_BARE.test(e.message)) throw invalid(messages.startKey(e.message));
    throw e;
  }
}

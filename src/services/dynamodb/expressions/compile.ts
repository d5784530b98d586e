/**
 * Compile every expression of one request against its ExpressionAttributeNames / Values, with
 * AWS's error precedence:
 *
 *   1. the placeholder maps (empty maps, malformed keys, invalid values, empty / huge names);
 *   2. each expression in turn — UpdateExpression, ConditionExpression, KeyConditionExpression,
 *      FilterExpression, ProjectionExpression — completely (empty / too long, syntax, text-only
 *      checks, placeholders and operator checks) before the next one;
 *   3. unused ExpressionAttributeNames, then unused ExpressionAttributeValues.
 *
 * Parsing is memoised per expression text; only placeholder resolution runs per request.
 */
import { invalid } from '../errors.js';
import type { AttributeValue } from '../types.js';
import { attributeValueSize, MAX_ITEM_SIZE } from '../values/size.js';
import type { Condition, Projection, SetValue, UpdateExpression } from './ast.js';
import { resolveCondition } from './condition-validate.js';
import { ExpressionError, msg, withKind, type ExpressionKind } from './expression-errors.js';
import { checkAllUsed, newParamContext, validateParameterMaps, type ParamContext } from './names-values.js';
import { parsedCondition, parsedProjection, parsedUpdate } from './parse-cache.js';
import { resolveProjection } from './projection.js';
import { resolveUpdate } from './update-validate.js';

/** DynamoDB's limit on the length of one expression string. */
export const MAX_EXPRESSION_LENGTH = 4096;

export interface RequestExpressionInput {
  /** ConditionExpression. */
  readonly condition?: string;
  /** FilterExpression. */
  readonly filter?: string;
  /** KeyConditionExpression. */
  readonly keyCondition?: string;
  /** ProjectionExpression. */
  readonly projection?: string;
  /** UpdateExpression. */
  readonly update?: string;
  /** ExpressionAttributeNames. */
  readonly names?: Readonly<Record<string, string>>;
  /** ExpressionAttributeValues. */
  readonly values?: Readonly<Record<string, AttributeValue>>;
}

export interface CompileOptions {
  /**
   * Validates one ExpressionAttributeValues entry, returning AWS's message for an invalid value
   * (e.g. "One or more parameter values were invalid: An string set  may not be empty") or
   * undefined. Reported as `ExpressionAttributeValues contains invalid value: <msg> for key :k`.
   */
  readonly validateValue?: (value: AttributeValue) => string | undefined;
}

export interface CompiledExpressions {
  readonly condition?: Condition;
  readonly filter?: Condition;
  readonly keyCondition?: Condition;
  readonly projection?: Projection;
  readonly update?: UpdateExpression;
}

/**
 * Parse, resolve and validate all expressions of a request. Throws ValidationException with
 * AWS's exact message (prefixed `Invalid <Kind>Expression: ` where AWS prefixes it).
 */
export function compileRequestExpressions(
  input: RequestExpressionInput,
  options: CompileOptions = {},
): CompiledExpressions {
  const { names, values } = input;
  validateParameterMaps(names, values, options.validateValue);
  const ctx = newParamContext(names, values);
  const out: {
    condition?: Condition;
    filter?: Condition;
    keyCondition?: Condition;
    projection?: Projection;
    update?: UpdateExpression;
  } = {};
  if (input.update !== undefined) {
    out.update = compileUpdate(input.update, ctx);
    checkUpdateSize(out.update);
  }
  if (input.condition !== undefined) out.condition = compileCondition('Condition', input.condition, ctx);
  if (input.keyCondition !== undefined) out.keyCondition = compileCondition('KeyCondition', input.keyCondition, ctx);
  if (input.filter !== undefined) out.filter = compileCondition('Filter', input.filter, ctx);
  if (input.projection !== undefined) out.projection = compileProjection(input.projection, ctx);
  checkAllUsed(ctx);
  return out;
}

function checkText(kind: ExpressionKind, text: string): void {
  if (text.length === 0) throw new ExpressionError(msg.empty);
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(msg.tooLong(kind, text.length));
}

/** Compile one condition-grammar expression (ConditionExpression, FilterExpression or KeyConditionExpression). */
export function compileCondition(
  kind: 'Condition' | 'Filter' | 'KeyCondition',
  text: string,
  ctx: ParamContext,
): Condition {
  return withKind(kind, () => {
    checkText(kind, text);
    return resolveCondition(ctx, parsedCondition(text));
  });
}

export function compileUpdate(text: string, ctx: ParamContext): UpdateExpression {
  return withKind('Update', () => {
    checkText('Update', text);
    return resolveUpdate(ctx, parsedUpdate(text));
  });
}

export function compileProjection(text: string, ctx: ParamContext): Projection {
  return withKind('Projection', () => {
    checkText('Projection', text);
    return resolveProjection(ctx, parsedProjection(text));
  });
}

/**
 * AWS rejects an update whose SET / ADD attribute names and values alone exceed the item size
 * limit ("Item size to update has exceeded the maximum allowed size").
 */
function checkUpdateSize(update: UpdateExpression): void {
  let size = 0;
  for (const action of update.actions) {
    if (action.action !== 'SET' && action.action !== 'ADD') continue;
    const seen = new Set<string>();
    for (const e of action.path) {
      if (typeof e === 'string' && !seen.has(e)) {
        seen.add(e);
        size += Buffer.byteLength(e, 'utf8');
      }
    }
    size += action.action === 'ADD' ? attributeValueSize(action.value) : setValueSize(action.value);
  }
  if (size > MAX_ITEM_SIZE) throw invalid('Item size to update has exceeded the maximum allowed size');
}

function setValueSize(value: SetValue): number {
  switch (value.type) {
    case 'value':
      return attributeValueSize(value.value);
    case 'path':
      return 0;
    case 'if_not_exists':
      return setValueSize(value.fallback);
    default:
      return setValueSize(value.left) + setValueSize(value.right);
  }
}

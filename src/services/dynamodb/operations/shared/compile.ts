import { compileRequestExpressions } from '../../expressions/index.js';
import type { CompiledExpressions, RequestExpressionInput } from '../../expressions/index.js';
import type { AttributeValue } from '../../types.js';
import { normalizeExpressionValues, valueProblem } from './values.js';

/** The expression members of a request, as the API names them. */
export interface ExpressionMembers {
  ConditionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ProjectionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/** Compile a request's expressions with its placeholder maps (AWS's error order). */
export function compileMembers(m: ExpressionMembers): CompiledExpressions {
  // Built member by member: this runs on every request, and object spreads are slow.
  const input: { -readonly [K in keyof RequestExpressionInput]: RequestExpressionInput[K] } = {};
  if (m.ConditionExpression !== undefined) input.condition = m.ConditionExpression;
  if (m.FilterExpression !== undefined) input.filter = m.FilterExpression;
  if (m.KeyConditionExpression !== undefined) input.keyCondition = m.KeyConditionExpression;
  if (m.ProjectionExpression !== undefined) input.projection = m.ProjectionExpression;
  if (m.UpdateExpression !== undefined) input.update = m.UpdateExpression;
  if (m.ExpressionAttributeNames) input.names = m.ExpressionAttributeNames;
  const values = normalizeExpressionValues(m.ExpressionAttributeValues);
  if (values) input.values = values;
  return compileRequestExpressions(input, OPTIONS);
}

const OPTIONS = { validateValue: valueProblem };

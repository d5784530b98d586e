import { compileRequestExpressions } from '../../expressions/index.js';
import type { CompiledExpressions } from '../../expressions/index.js';
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
  const values = normalizeExpressionValues(m.ExpressionAttributeValues);
  return compileRequestExpressions(
    {
      ...(m.ConditionExpression !== undefined ? { condition: m.ConditionExpression } : {}),
      ...(m.FilterExpression !== undefined ? { filter: m.FilterExpression } : {}),
      ...(m.KeyConditionExpression !== undefined ? { keyCondition: m.KeyConditionExpression } : {}),
      ...(m.ProjectionExpression !== undefined ? { projection: m.ProjectionExpression } : {}),
      ...(m.UpdateExpression !== undefined ? { update: m.UpdateExpression } : {}),
      ...(m.ExpressionAttributeNames ? { names: m.ExpressionAttributeNames } : {}),
      ...(values ? { values } : {}),
    },
    { validateValue: valueProblem },
  );
}

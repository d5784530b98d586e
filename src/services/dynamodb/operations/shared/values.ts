import { AwsError } from '../../../../core/errors/aws-error.js';
import type { AttributeValue, Item } from '../../types.js';
import { validateAttributeValue } from '../../values/validate.js';

/** AWS's message for an invalid AttributeValue, or undefined when it is valid. */
export function valueProblem(value: AttributeValue): string | undefined {
  try {
    validateAttributeValue(value, { checkNesting: true });
    return undefined;
  } catch (err) {
    if (err instanceof AwsError) return err.message;
    throw err;
  }
}

/**
 * Normalise ExpressionAttributeValues (canonical numbers). Invalid entries are left as they are:
 * the expression compiler reports them in AWS's order.
 */
export function normalizeExpressionValues(
  values: Record<string, AttributeValue> | undefined,
): Record<string, AttributeValue> | undefined {
  if (!values || typeof values !== 'object') return values;
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(values)) {
    try {
      out[k] = validateAttributeValue(v, { checkNesting: true });
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** Names of a key map, for messages. */
export const keyNames = (key: Item): string[] => Object.keys(key);

import { invalid } from '../errors.js';

export const MAX_POLICY_BYTES = 20480;

const invalidDocument = (why: string) =>
  invalid(`One or more parameter values were invalid: Invalid policy document: ${why}`);

/**
 * Check a resource-based policy document (size, JSON, a non-empty Statement) and return it in the
 * minified form GetResourcePolicy answers with. Overcast stores policies; it does not enforce them.
 */
export function checkPolicyDocument(policy: string): string {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES) {
    throw invalid(
      `One or more parameter values were invalid: Maximum policy size of ${MAX_POLICY_BYTES} bytes exceeded`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw invalidDocument('This policy contains invalid Json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidDocument('This policy contains invalid Json');
  const statement = (parsed as Record<string, unknown>)['Statement'];
  if (statement === undefined || (Array.isArray(statement) && statement.length === 0)) {
    throw invalidDocument('Could not parse the policy: Statement is empty!');
  }
  return JSON.stringify(parsed);
}

import { randomUUID } from 'node:crypto';
import { lambdaErrors } from '../errors.js';
import type { PolicyDocument } from '../functions/types.js';

/** Resource policies: statements by Sid, 20 KB at most, as AddPermission / RemovePermission keep them. */
export function policyOf(): PolicyDocument {
  return { Version: '2012-10-17', Id: 'default', Statement: [] };
}

export function addStatement(policy: PolicyDocument, statement: Record<string, unknown>): PolicyDocument {
  if (policy.Statement.some((s) => s['Sid'] === statement['Sid'])) {
    throw lambdaErrors.conflict(
      `The statement id (${String(statement['Sid'])}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    );
  }
  const next = { ...policy, Statement: [...policy.Statement, statement] };
  if (Buffer.byteLength(JSON.stringify(next)) > 20_480) {
    throw lambdaErrors.policyTooLong(
      'The final policy size (' + Buffer.byteLength(JSON.stringify(next)) + ') is bigger than the limit (20480).',
    );
  }
  return next;
}

export function removeStatement(policy: PolicyDocument | undefined, sid: string): PolicyDocument {
  if (!policy || !policy.Statement.some((s) => s['Sid'] === sid)) {
    throw lambdaErrors.notFound(`Statement ${sid} is not found in resource policy.`);
  }
  return { ...policy, Statement: policy.Statement.filter((s) => s['Sid'] !== sid) };
}

export const policyRevision = (): string => randomUUID();

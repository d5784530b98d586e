import type { PolicyTarget } from '../tags/resource-arn.js';
import { recoveryErrors } from '../backups/errors.js';
import type { StoredPolicy } from './store.js';

/** `NO_POLICY` as ExpectedRevisionId: attach only when the resource has no policy yet. */
export const NO_POLICY = 'NO_POLICY';

export const policyNotFound = (arn: string) =>
  recoveryErrors.policyNotFound(`Resource-based policy not found for the provided ResourceArn: ${arn}`);

/** PutResourcePolicy / DeleteResourcePolicy's ExpectedRevisionId condition. */
export function checkExpectedRevision(
  expected: string | undefined,
  current: StoredPolicy | undefined,
  target: PolicyTarget,
): void {
  if (expected === undefined) return;
  if (expected === NO_POLICY && !current) return;
  if (!current) throw policyNotFound(target.resourceArn);
  if (expected !== current.revisionId) {
    throw recoveryErrors.policyNotFound(
      `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id ${expected}, but the policy associated to target table ${target.table.name} has revision id ${current.revisionId}.`,
    );
  }
}

/** Revision ids are the epoch milliseconds of the change, strictly increasing per resource. */
export function nextRevision(now: number, current: StoredPolicy | undefined): string {
  const previous = current ? Number(current.revisionId) : 0;
  return String(Number.isFinite(previous) && now <= previous ? previous + 1 : now);
}

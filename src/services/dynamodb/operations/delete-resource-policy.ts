import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { checkExpectedRevision } from '../policies/revision.js';
import { policiesSql } from '../policies/store.js';
import { policyTarget } from '../tags/resource-arn.js';

/** Remove a policy; with none attached (and no ExpectedRevisionId) this is an empty success, as in AWS. */
export async function deleteResourcePolicy(
  ddb: DynamoDb,
  input: { ResourceArn: string; ExpectedRevisionId?: string },
  ctx: OperationContext,
) {
  const target = policyTarget(ddb, ctx, input.ResourceArn);
  return ddb.store.transaction(async (tx) => {
    const current = await policiesSql.get(tx, target.table.id, target.resourceArn);
    checkExpectedRevision(input.ExpectedRevisionId, current, target);
    if (!current) return {};
    await policiesSql.delete(tx, target.table.id, target.resourceArn);
    return { RevisionId: current.revisionId };
  });
}

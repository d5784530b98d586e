import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { checkPolicyDocument } from '../policies/document.js';
import { checkExpectedRevision, nextRevision } from '../policies/revision.js';
import { policiesSql } from '../policies/store.js';
import { policyTarget } from '../tags/resource-arn.js';

export interface PutResourcePolicyInput {
  ResourceArn: string;
  Policy: string;
  ExpectedRevisionId?: string;
  ConfirmRemoveSelfResourceAccess?: boolean;
}

/** Attach a policy to a table or its stream. Re-putting an equivalent document keeps its RevisionId. */
export async function putResourcePolicy(ddb: DynamoDb, input: PutResourcePolicyInput, ctx: OperationContext) {
  const target = policyTarget(ddb, ctx, input.ResourceArn);
  const policy = checkPolicyDocument(input.Policy);
  return ddb.store.transaction(async (tx) => {
    const current = await policiesSql.get(tx, target.table.id, target.resourceArn);
    checkExpectedRevision(input.ExpectedRevisionId, current, target);
    if (current && current.policy === policy) return { RevisionId: current.revisionId };
    const revisionId = nextRevision(ddb.clock.now(), current);
    await policiesSql.put(tx, target.table.id, target.resourceArn, policy, revisionId);
    return { RevisionId: revisionId };
  });
}

import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { policyForGet } from '../policies/document.js';
import { policyNotFound } from '../policies/revision.js';
import { policiesSql } from '../policies/store.js';
import { policyTarget } from '../tags/resource-arn.js';

export async function getResourcePolicy(ddb: DynamoDb, input: { ResourceArn: string }, ctx: OperationContext) {
  const target = policyTarget(ddb, ctx, input.ResourceArn);
  const current = await policiesSql.get(ddb.store, target.table.id, target.resourceArn);
  if (!current) throw policyNotFound(target.resourceArn);
  return { Policy: policyForGet(current.policy), RevisionId: current.revisionId };
}

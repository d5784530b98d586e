import type { OperationContext } from '../../../core/service.js';
import { consumedCapacity } from '../capacity.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { msg } from '../partiql/errors.js';
import { executeSelect } from '../partiql/execute-select.js';
import { executeWrite, returnedItems, writeCapacity } from '../partiql/execute-write.js';
import { requestDigest } from '../partiql/next-token.js';
import { planWrite } from '../partiql/write-plan.js';
import { prepareStatement } from '../partiql/statement.js';
import type { AttributeValue } from '../types.js';

export interface ExecuteStatementInput {
  Statement: string;
  Parameters?: AttributeValue[];
  ConsistentRead?: boolean;
  NextToken?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  Limit?: number;
  ReturnValuesOnConditionCheckFailure?: string;
}

/** ExecuteStatement: one PartiQL SELECT (a page of it), INSERT, UPDATE or DELETE. */
export async function executeStatement(ddb: DynamoDb, input: ExecuteStatementInput, ctx: OperationContext) {
  const { parsed, params } = prepareStatement(input);
  const statement = parsed.statement;
  if (input.NextToken !== undefined && statement.kind !== 'select') throw invalid(msg.nextTokenOnlyForSelect);
  if (statement.kind === 'select') {
    return executeSelect(ddb, ctx, statement, parsed.text, params, {
      limit: input.Limit,
      nextToken: input.NextToken,
      consistent: input.ConsistentRead === true,
      returnConsumedCapacity: input.ReturnConsumedCapacity,
      digest: requestDigest(input.Statement, input.Parameters),
    });
  }
  if (statement.kind === 'exists') throw invalid(msg.existsOutsideTransaction);
  const plan = planWrite(ddb, ctx, statement, params, input.ReturnValuesOnConditionCheckFailure);
  const result = await executeWrite(ddb, plan);
  const out: Record<string, unknown> = { Items: returnedItems(plan, result) };
  const consumed = consumedCapacity(plan.table, input.ReturnConsumedCapacity, writeCapacity(plan, result));
  if (consumed) out['ConsumedCapacity'] = consumed;
  return out;
}

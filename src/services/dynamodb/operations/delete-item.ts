import type { OperationContext } from '../../../core/service.js';
import { addWriteOf, consumedCapacity, newConsumption } from '../capacity.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { checkExpressionParameters, checkNoNestedKeyAccess, convertExpected } from '../expressions/index.js';
import type { ExpectedAttributeValue } from '../expressions/index.js';
import { encodeKeyOf, validateKey } from '../keys.js';
import type { AttributeValue, Item } from '../types.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';
import { conditionalWrite } from './shared/conditional-write.js';
import { checkOldOnlyReturnValues, itemCollectionMetrics, returnedAttributesOf } from './shared/return-values.js';
import type { ReturnValues } from './shared/return-values.js';
import { valueProblem } from './shared/values.js';

export interface DeleteItemInput {
  TableName: string;
  Key: Item;
  Expected?: Record<string, ExpectedAttributeValue>;
  ConditionalOperator?: string;
  ReturnValues?: ReturnValues;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValuesOnConditionCheckFailure?: string;
}

export async function deleteItem(ddb: DynamoDb, input: DeleteItemInput, ctx: OperationContext) {
  const keyItem = validateItem(input.Key);
  checkExpressionParameters('DeleteItem', input);
  const compiled = compileMembers(input);
  const condition =
    compiled.condition ?? convertExpected(input.Expected, input.ConditionalOperator, { validateValue: valueProblem });
  checkOldOnlyReturnValues(input.ReturnValues);
  const table = tableFor(ddb, ctx, input.TableName, undefined, { access: 'write' });
  validateKey(table, keyItem);
  checkNoNestedKeyAccess(compiled, table.keyNames);
  const key = encodeKeyOf(table.key, keyItem);
  const write = await conditionalWrite(ddb, {
    table,
    key,
    condition,
    returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
    compute: () => undefined,
    readsOldItem: input.ReturnValues === 'ALL_OLD',
  });
  const capacity = newConsumption('write');
  addWriteOf(capacity, table, write);
  const out: Record<string, unknown> = {};
  const attributes = returnedAttributesOf(input.ReturnValues, write, undefined);
  if (attributes) out['Attributes'] = attributes;
  const consumed = consumedCapacity(table, input.ReturnConsumedCapacity, capacity);
  if (consumed) out['ConsumedCapacity'] = consumed;
  const metrics = await itemCollectionMetrics(ddb, table, input.ReturnItemCollectionMetrics, keyItem, key);
  if (metrics) out['ItemCollectionMetrics'] = metrics;
  return out;
}

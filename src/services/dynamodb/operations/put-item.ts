import type { OperationContext } from '../../../core/service.js';
import { addWriteOf, consumedCapacity, newConsumption } from '../capacity.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { checkExpressionParameters, checkNoNestedKeyAccess, convertExpected } from '../expressions/index.js';
import type { ExpectedAttributeValue } from '../expressions/index.js';
import { encodeKeyOf, validateItemKeys } from '../keys.js';
import type { AttributeValue, Item } from '../types.js';
import { MAX_ITEM_SIZE, itemSize } from '../values/size.js';
import { validateItem } from '../values/validate.js';
import { conditionalWrite } from './shared/conditional-write.js';
import { checkOldOnlyReturnValues, itemCollectionMetrics, returnedAttributesOf } from './shared/return-values.js';
import type { ReturnValues } from './shared/return-values.js';
import { compileMembers } from './shared/compile.js';
import { valueProblem } from './shared/values.js';

export interface PutItemInput {
  TableName: string;
  Item: Item;
  Expected?: Record<string, ExpectedAttributeValue>;
  ReturnValues?: ReturnValues;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  ConditionalOperator?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValuesOnConditionCheckFailure?: string;
}

export async function putItem(ddb: DynamoDb, input: PutItemInput, ctx: OperationContext) {
  const item = validateItem(input.Item);
  checkExpressionParameters('PutItem', input);
  const compiled = compileMembers(input);
  const condition =
    compiled.condition ?? convertExpected(input.Expected, input.ConditionalOperator, { validateValue: valueProblem });
  checkOldOnlyReturnValues(input.ReturnValues);
  const table = tableFor(ddb, ctx, input.TableName, undefined, { access: 'write' });
  validateItemKeys(table, item);
  checkNoNestedKeyAccess(compiled, table.keyNames);
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) throw invalid('Item size has exceeded the maximum allowed size');
  const key = encodeKeyOf(table.key, item);
  const write = await conditionalWrite(ddb, {
    table,
    key,
    condition,
    returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
    compute: () => item,
    newSize: size,
    readsOldItem: input.ReturnValues === 'ALL_OLD',
  });
  const capacity = newConsumption('write');
  addWriteOf(capacity, table, write);
  const out: Record<string, unknown> = {};
  const attributes = returnedAttributesOf(input.ReturnValues, write, item);
  if (attributes) out['Attributes'] = attributes;
  const consumed = consumedCapacity(table, input.ReturnConsumedCapacity, capacity);
  if (consumed) out['ConsumedCapacity'] = consumed;
  const metrics = await itemCollectionMetrics(ddb, table, input.ReturnItemCollectionMetrics, item, key);
  if (metrics) out['ItemCollectionMetrics'] = metrics;
  return out;
}

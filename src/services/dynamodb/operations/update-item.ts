import type { OperationContext } from '../../../core/service.js';
import { addWriteOf, consumedCapacity, newConsumption } from '../capacity.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import {
  applyUpdate,
  checkExpressionParameters,
  checkKeyNotUpdated,
  checkNoNestedKeyAccess,
  convertAttributeUpdates,
  convertExpected,
} from '../expressions/index.js';
import type { AttributeValueUpdate, ExpectedAttributeValue } from '../expressions/index.js';
import { encodeKeyOf, validateItemKeys, validateKey } from '../keys.js';
import type { AttributeValue, Item } from '../types.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';
import { conditionalWrite } from './shared/conditional-write.js';
import { itemCollectionMetrics, returnedAttributes } from './shared/return-values.js';
import type { ReturnValues } from './shared/return-values.js';
import { valueProblem } from './shared/values.js';

export interface UpdateItemInput {
  TableName: string;
  Key: Item;
  AttributeUpdates?: Record<string, AttributeValueUpdate>;
  Expected?: Record<string, ExpectedAttributeValue>;
  ConditionalOperator?: string;
  ReturnValues?: ReturnValues;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValuesOnConditionCheckFailure?: string;
}

export async function updateItem(ddb: DynamoDb, input: UpdateItemInput, ctx: OperationContext) {
  const keyItem = validateItem(input.Key);
  checkExpressionParameters('UpdateItem', input);
  const compiled = compileMembers(input);
  const legacyOptions = { validateValue: valueProblem };
  const update =
    compiled.update ??
    (input.AttributeUpdates ? convertAttributeUpdates(input.AttributeUpdates, legacyOptions) : undefined);
  const condition = compiled.condition ?? convertExpected(input.Expected, input.ConditionalOperator, legacyOptions);
  const table = tableFor(ddb, ctx, input.TableName, undefined, { access: 'write' });
  validateKey(table, keyItem);
  const keyNames = table.keyNames;
  if (update) checkKeyNotUpdated(update, keyNames);
  checkNoNestedKeyAccess(compiled, keyNames);
  const key = encodeKeyOf(table.key, keyItem);
  const write = await conditionalWrite(ddb, {
    table,
    key,
    condition,
    returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
    compute: (old) => {
      const before = old();
      const next = update ? applyUpdate(update, before, { key: keyItem }).item : (before ?? keyItem);
      validateItemKeys(table, next);
      return next;
    },
    tooLargeMessage: 'Item size to update has exceeded the maximum allowed size',
  });
  const { oldItem, newItem } = write;
  const capacity = newConsumption('write');
  addWriteOf(capacity, table, write);
  const out: Record<string, unknown> = {};
  const attributes = returnedAttributes(input.ReturnValues, oldItem, newItem, update);
  if (attributes) out['Attributes'] = attributes;
  const consumed = consumedCapacity(table, input.ReturnConsumedCapacity, capacity);
  if (consumed) out['ConsumedCapacity'] = consumed;
  const metrics = await itemCollectionMetrics(ddb, table, input.ReturnItemCollectionMetrics, keyItem, key);
  if (metrics) out['ItemCollectionMetrics'] = metrics;
  return out;
}

import type { OperationContext } from '../../../core/service.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import {
  analyzeKeyCondition,
  checkExpressionParameters,
  checkFilterNotOnKey,
  checkNoNestedKeyAccess,
  convertFilter,
  convertKeyConditions,
} from '../expressions/index.js';
import type { LegacyCondition } from '../expressions/index.js';
import { encodeKey, hashBucket } from '../values/key-encoding.js';
import { validateItem } from '../values/validate.js';
import { sortRange } from '../reads/key-range.js';
import { respondReadRaw } from '../reads/respond.js';
import { readIndex, readProjection } from '../reads/read-target.js';
import type { Select } from '../reads/select.js';
import { startPosition } from '../reads/start-key.js';
import type { AttributeValue, Item } from '../types.js';
import { compileMembers } from './shared/compile.js';
import { valueProblem } from './shared/values.js';

export interface QueryInput {
  TableName: string;
  IndexName?: string;
  Select?: Select;
  AttributesToGet?: string[];
  Limit?: number;
  ConsistentRead?: boolean;
  KeyConditions?: Record<string, LegacyCondition>;
  QueryFilter?: Record<string, LegacyCondition>;
  ConditionalOperator?: string;
  ScanIndexForward?: boolean;
  ExclusiveStartKey?: Item;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ProjectionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

export async function query(ddb: DynamoDb, input: QueryInput, ctx: OperationContext) {
  checkExpressionParameters('Query', input);
  const esk = input.ExclusiveStartKey
    ? validateItem(input.ExclusiveStartKey, { context: 'ExclusiveStartKey' })
    : undefined;
  const compiled = compileMembers(input);
  const legacy = { validateValue: valueProblem };
  if (!compiled.keyCondition && !input.KeyConditions) {
    throw invalid('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  }
  const legacyKeys = input.KeyConditions ? convertKeyConditions(input.KeyConditions, legacy) : undefined;
  const filter = compiled.filter ?? convertFilter(input.QueryFilter, input.ConditionalOperator, legacy);
  const { projection, select } = readProjection(compiled, input, 'Querying');
  const table = tableFor(ddb, ctx, input.TableName, undefined, {
    access: 'read',
    ...(input.IndexName ? { index: input.IndexName } : {}),
  });
  const index = readIndex(table, input, select);
  const keyShape = index ? index.key : table.key;
  const analyzed = analyzeKeyCondition(
    (compiled.keyCondition ?? legacyKeys)!,
    keyShape.hash,
    keyShape.range,
    index ? { indexName: index.name } : {},
  );
  if (filter) checkFilterNotOnKey(filter, keyShape.hash.name, keyShape.range?.name, !compiled.filter);
  checkNoNestedKeyAccess(
    compiled,
    table.keyNames,
    index ? [keyShape.hash.name, ...(keyShape.range ? [keyShape.range.name] : [])] : [],
  );
  const hashValue = Object.values(analyzed.hashValue)[0] as string;
  const start = esk ? startPosition(table, index, esk) : undefined;
  if (esk && JSON.stringify(esk[keyShape.hash.name]) !== JSON.stringify(analyzed.hashValue)) {
    throw invalid('The provided starting key is outside query boundaries based on provided conditions');
  }
  return respondReadRaw(ddb, table, {
    source: {
      table,
      index,
      partition: {
        bucket: hashBucket(keyShape.hash.type, hashValue),
        pk: encodeKey(keyShape.hash.type, hashValue),
        range: sortRange(analyzed.range, keyShape.range),
        forward: input.ScanIndexForward !== false,
      },
      start,
      limit: input.Limit,
    },
    filter,
    projection,
    select,
    consistent: input.ConsistentRead === true,
    returnConsumedCapacity: input.ReturnConsumedCapacity,
  });
}

import type { OperationContext } from '../../../core/service.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { checkExpressionParameters, checkNoNestedKeyAccess, convertFilter } from '../expressions/index.js';
import type { LegacyCondition } from '../expressions/index.js';
import { respondReadRaw } from '../reads/respond.js';
import { readIndex, readProjection } from '../reads/read-target.js';
import type { Select } from '../reads/select.js';
import { startPosition } from '../reads/start-key.js';
import type { AttributeValue, Item } from '../types.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';
import { valueProblem } from './shared/values.js';

export interface ScanInput {
  TableName: string;
  IndexName?: string;
  AttributesToGet?: string[];
  Limit?: number;
  Select?: Select;
  ScanFilter?: Record<string, LegacyCondition>;
  ConditionalOperator?: string;
  ExclusiveStartKey?: Item;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  TotalSegments?: number;
  Segment?: number;
  ProjectionExpression?: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ConsistentRead?: boolean;
}

const BUCKETS = 2 ** 32;

export async function scan(ddb: DynamoDb, input: ScanInput, ctx: OperationContext) {
  checkExpressionParameters('Scan', input);
  if (input.Segment !== undefined && input.TotalSegments === undefined) {
    throw invalid(
      'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
    );
  }
  if (input.TotalSegments !== undefined && input.Segment === undefined) {
    throw invalid(
      'The Segment parameter is required but was not present in the request when parameter TotalSegments is present',
    );
  }
  if (input.Segment !== undefined && input.TotalSegments !== undefined && input.Segment >= input.TotalSegments) {
    throw invalid(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${input.Segment} is not less than TotalSegments: ${input.TotalSegments}`,
    );
  }
  const esk = input.ExclusiveStartKey
    ? validateItem(input.ExclusiveStartKey, { context: 'ExclusiveStartKey' })
    : undefined;
  const compiled = compileMembers(input);
  const legacy = { validateValue: valueProblem };
  const filter = compiled.filter ?? convertFilter(input.ScanFilter, input.ConditionalOperator, legacy);
  const { projection, select } = readProjection(compiled, input, 'Scanning');
  const table = tableFor(ddb, ctx, input.TableName, undefined, {
    access: 'read',
    ...(input.IndexName ? { index: input.IndexName } : {}),
  });
  const index = readIndex(table, input, select);
  checkNoNestedKeyAccess(compiled, table.keyNames);
  let buckets: { low: number; high: number } | undefined;
  if (input.TotalSegments !== undefined && input.Segment !== undefined) {
    buckets = {
      low: Math.floor((input.Segment * BUCKETS) / input.TotalSegments),
      high: Math.floor(((input.Segment + 1) * BUCKETS) / input.TotalSegments),
    };
  }
  const start = esk ? startPosition(table, index, esk) : undefined;
  if (start && buckets) {
    const bucket = 'table' in start ? start.table.bucket : start.index.bucket;
    if (bucket < buckets.low || bucket >= buckets.high) {
      throw invalid(
        `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${input.TotalSegments} Segment: ${input.Segment}`,
      );
    }
  }
  return respondReadRaw(ddb, table, {
    source: { table, index, ...(buckets ? { buckets } : {}), start, limit: input.Limit },
    filter,
    projection,
    select,
    consistent: input.ConsistentRead === true,
    returnConsumedCapacity: input.ReturnConsumedCapacity,
  });
}

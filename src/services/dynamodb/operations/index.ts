import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { batchGetItem } from './batch-get-item.js';
import { batchWriteItem } from './batch-write-item.js';
import { createTable } from './create-table.js';
import { deleteItem } from './delete-item.js';
import { getItem } from './get-item.js';
import { putItem } from './put-item.js';
import { query } from './query.js';
import { scan } from './scan.js';
import { transactGetItems } from './transact-get-items.js';
import { transactWriteItems } from './transact-write-items.js';
import { updateItem } from './update-item.js';
import { deleteTable } from './delete-table.js';
import { describeEndpoints, describeLimits } from './describe-limits.js';
import { describeTable } from './describe-table.js';
import { listTables } from './list-tables.js';
import { updateTable } from './update-table.js';

type Operation = (ddb: DynamoDb, input: any, ctx: OperationContext) => unknown;

/** Every DynamoDB operation Overcast implements, by its API name. */
export const OPERATIONS: Record<string, Operation> = {
  CreateTable: createTable,
  DescribeTable: describeTable,
  DeleteTable: deleteTable,
  ListTables: listTables,
  UpdateTable: updateTable,
  PutItem: putItem,
  GetItem: getItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  Query: query,
  Scan: scan,
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  TransactWriteItems: transactWriteItems,
  TransactGetItems: transactGetItems,
  DescribeLimits: () => describeLimits(),
  DescribeEndpoints: (_ddb, input, ctx) => describeEndpoints(input, ctx.host),
};

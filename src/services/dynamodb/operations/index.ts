import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { createTable } from './create-table.js';
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
  DescribeLimits: () => describeLimits(),
  DescribeEndpoints: (_ddb, input, ctx) => describeEndpoints(input, ctx.host),
};

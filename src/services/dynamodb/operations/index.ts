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
import { describeTimeToLive } from './describe-time-to-live.js';
import { updateTimeToLive } from './update-time-to-live.js';
import { executeStatement } from './execute-statement.js';
import { batchExecuteStatement } from './batch-execute-statement.js';
import { executeTransaction } from './execute-transaction.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { listTagsOfResource } from './list-tags-of-resource.js';
import { createBackup } from './create-backup.js';
import { describeBackup } from './describe-backup.js';
import { listBackups } from './list-backups.js';
import { deleteBackup } from './delete-backup.js';
import { restoreTableFromBackup } from './restore-table-from-backup.js';
import { updateContinuousBackups } from './update-continuous-backups.js';
import { describeContinuousBackups } from './describe-continuous-backups.js';
import { restoreTableToPointInTime } from './restore-table-to-point-in-time.js';
import { exportTableToPointInTime } from './export-table-to-point-in-time.js';
import { describeExport } from './describe-export.js';
import { listExports } from './list-exports.js';
import { importTable } from './import-table.js';
import { describeImport } from './describe-import.js';
import { listImports } from './list-imports.js';
import { putResourcePolicy } from './put-resource-policy.js';
import { getResourcePolicy } from './get-resource-policy.js';
import { deleteResourcePolicy } from './delete-resource-policy.js';
import { describeContributorInsights } from './describe-contributor-insights.js';
import { listContributorInsights } from './list-contributor-insights.js';
import { updateContributorInsights } from './update-contributor-insights.js';

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
  UpdateTimeToLive: updateTimeToLive,
  DescribeTimeToLive: describeTimeToLive,
  ExecuteStatement: executeStatement,
  BatchExecuteStatement: batchExecuteStatement,
  ExecuteTransaction: executeTransaction,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsOfResource: listTagsOfResource,
  CreateBackup: createBackup,
  DescribeBackup: describeBackup,
  ListBackups: listBackups,
  DeleteBackup: deleteBackup,
  RestoreTableFromBackup: restoreTableFromBackup,
  UpdateContinuousBackups: updateContinuousBackups,
  DescribeContinuousBackups: describeContinuousBackups,
  RestoreTableToPointInTime: restoreTableToPointInTime,
  ExportTableToPointInTime: exportTableToPointInTime,
  DescribeExport: describeExport,
  ListExports: listExports,
  ImportTable: importTable,
  DescribeImport: describeImport,
  ListImports: listImports,
  PutResourcePolicy: putResourcePolicy,
  GetResourcePolicy: getResourcePolicy,
  DeleteResourcePolicy: deleteResourcePolicy,
  UpdateContributorInsights: updateContributorInsights,
  DescribeContributorInsights: describeContributorInsights,
  ListContributorInsights: listContributorInsights,
  DescribeLimits: () => describeLimits(),
  DescribeEndpoints: (_ddb, input, ctx) => describeEndpoints(input, ctx.host),
};

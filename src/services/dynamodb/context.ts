import type { TableStats } from './tables/stats.js';
import type { CapacityThrottle } from './throttle.js';
import type { OperationContext } from '../../core/service.js';
import type { Clock } from '../../core/clock.js';
import type { AwsError } from '../../core/errors/aws-error.js';
import type { Store } from '../../storage/store.js';
import type { S3Caller } from '../s3/object-client.js';
import { ddbErrors } from './errors.js';
import { describeTable } from './tables/describe.js';
import type { DescribeOptions } from './tables/describe.js';
import type { TableCatalog } from './tables/catalog.js';
import type { Table } from './tables/table.js';
import type { IdempotencyTokens } from './transactions/idempotency.js';
import type { ItemWriter } from './writes.js';

/** What every DynamoDB operation works with. */
export interface DynamoDb {
  store: Store;
  catalog: TableCatalog;
  writer: ItemWriter;
  clock: Clock;
  tableStatusDelayMs: number;
  tokens: IdempotencyTokens;
  throttle: CapacityThrottle;
  stats: TableStats;
  /** How this server's S3 is called as an account (table exports write to it). */
  s3Caller(scope: { account: string; region: string }): S3Caller;
}

/** Resolve a TableName (name or ARN) for a data-plane call; `Requested resource not found` when absent. */
export function tableFor(
  ddb: DynamoDb,
  ctx: OperationContext,
  nameOrArn: string,
  notFound: (name: string) => AwsError = () => ddbErrors.resourceNotFound(),
  options: { whileCreating?: boolean; access?: 'read' | 'write'; index?: string } = {},
): Table {
  const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':table/') + 7) : nameOrArn;
  const table = ddb.catalog.get(ctx.account, ctx.region, name);
  if (!table || (!options.whileCreating && ddb.clock.now() < table.record.activeAt)) throw notFound(name);
  if (options.access) table.throttle?.check(table, options.access, options.index);
  return table;
}

/** The full TableDescription with live item counts. */
export async function describe(
  ddb: DynamoDb,
  table: Table,
  status?: DescribeOptions['status'],
): Promise<Record<string, unknown>> {
  const stats = await ddb.stats.of(ddb.store, table);
  return describeTable(table.record, {
    now: ddb.clock.now(),
    ...(status ? { status } : {}),
    tableStats: stats.table,
    indexStats: stats.index,
  });
}

import { randomUUID } from 'node:crypto';
import { arn } from '../../../core/arn.js';
import type { OperationContext } from '../../../core/service.js';
import { describe } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors } from '../errors.js';
import type { IndexRecord, TableRecord, Throughput } from '../tables/record.js';
import { validateCreateTable } from '../tables/validate-create.js';
import { applyCreateTableExtras, checkCreateTableExtras } from '../backups/table-hooks.js';
import type { CreateTableExtras } from '../backups/table-hooks.js';
import { checkCreateStreamSpecification, createTableStream } from '../streams/table-spec.js';
import type { CreateTableInput } from '../tables/validate-create.js';
import { applySse, checkSseSpecification } from '../tables/sse.js';
import { applyOnDemand, applyWarm, baseWarm, sets } from '../tables/capacity-settings.js';
import type { SseSpecification } from '../tables/sse.js';

const throughputOf = (t: { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined): Throughput => ({
  read: t?.ReadCapacityUnits ?? 0,
  write: t?.WriteCapacityUnits ?? 0,
  decreasesToday: 0,
});

export async function createTable(ddb: DynamoDb, input: CreateTableInput, ctx: OperationContext) {
  validateCreateTable(input, ctx.region);
  checkCreateStreamSpecification(input.StreamSpecification);
  checkSseSpecification(input.SSESpecification as SseSpecification | undefined);
  checkCreateTableExtras(input as CreateTableExtras);
  if (ddb.catalog.get(ctx.account, ctx.region, input.TableName)) {
    throw ddbErrors.resourceInUse(`Table already exists: ${input.TableName}`);
  }
  const now = ddb.clock.now();
  const record = await newTableRecord(ddb, input, ctx, now, now + ddb.tableStatusDelayMs);
  applySse(record, input.SSESpecification as SseSpecification | undefined);
  await createTableStream(ddb, record, input.StreamSpecification, now);
  const table = await ddb.catalog.save(record);
  await applyCreateTableExtras(ddb, table, input as CreateTableExtras);
  const description = await describe(ddb, table, 'CREATING');
  // CreateTable's answer shows a warm throughput only where the request set one (being applied).
  const warm = (d: Record<string, unknown>, sent: boolean) => {
    if (!sent) delete d['WarmThroughput'];
    else (d['WarmThroughput'] as Record<string, unknown>)['Status'] = 'UPDATING';
  };
  warm(description, sets(input.WarmThroughput));
  // So does BillingModeSummary: the mode only (DescribeTable adds LastUpdateToPayPerRequestDateTime).
  if (description['BillingModeSummary']) description['BillingModeSummary'] = { BillingMode: record.billingMode };
  const sentIndexes = new Map((input.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, sets(g.WarmThroughput)]));
  for (const g of (description['GlobalSecondaryIndexes'] as Record<string, unknown>[] | undefined) ?? [])
    warm(g, sentIndexes.get(g['IndexName'] as string) ?? false);
  return { TableDescription: description };
}

/** The record of a new table as CreateTable (and ImportTable) make it from a validated input. */
export async function newTableRecord(
  ddb: DynamoDb,
  input: CreateTableInput,
  ctx: OperationContext,
  now: number,
  activeAt: number,
): Promise<TableRecord> {
  const billing = input.BillingMode ?? 'PROVISIONED';
  const gsis: IndexRecord[] = (input.GlobalSecondaryIndexes ?? []).map((g) => {
    const throughput = throughputOf(g.ProvisionedThroughput);
    return {
      name: g.IndexName,
      keySchema: g.KeySchema,
      projection: g.Projection,
      throughput,
      activeAt,
      ...(sets(g.OnDemandThroughput) ? { onDemand: applyOnDemand(undefined, g.OnDemandThroughput!) } : {}),
      warm: applyWarm(baseWarm(billing, throughput), g.WarmThroughput),
    };
  });
  const lsis: IndexRecord[] = (input.LocalSecondaryIndexes ?? []).map((l) => ({
    name: l.IndexName,
    keySchema: l.KeySchema,
    projection: l.Projection,
    activeAt,
  }));
  return {
    id: await ddb.catalog.nextId(),
    account: ctx.account,
    region: ctx.region,
    name: input.TableName,
    arn: arn('dynamodb', ctx.region, ctx.account, `table/${input.TableName}`),
    tableId: randomUUID(),
    createdAt: now,
    activeAt,
    keySchema: input.KeySchema!,
    attributeDefinitions: input.AttributeDefinitions!,
    billingMode: billing,
    throughput: throughputOf(input.ProvisionedThroughput),
    ...(sets(input.OnDemandThroughput) ? { onDemand: applyOnDemand(undefined, input.OnDemandThroughput!) } : {}),
    warm: applyWarm(baseWarm(billing, throughputOf(input.ProvisionedThroughput)), input.WarmThroughput),
    gsis,
    lsis,
    ...(input.TableClass ? { tableClass: input.TableClass } : {}),
    deletionProtection: input.DeletionProtectionEnabled ?? false,
    extra: {},
  };
}

import type { OperationContext } from '../../../core/service.js';
import { describe, tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors, invalid } from '../errors.js';
import { itemsSql } from '../storage/items.js';
import type { IndexRecord, TableRecord } from '../tables/record.js';
import { Table } from '../tables/table.js';
import { checkKeySchema, checkProjection, checkThroughput } from '../tables/validate-create.js';
import { checkUpdateStreamSpecification, updateTableStream } from '../streams/table-spec.js';
import type { StreamSpecificationInput } from '../streams/table-spec.js';
import type { AttributeDefinition, Item, KeySchemaElement, Projection } from '../types.js';
import { putIndexRow } from '../writes.js';
import { INSIGHTS_STATE } from '../insights/state.js';
import type { InsightsState } from '../insights/state.js';

type Throughput = { ReadCapacityUnits: number; WriteCapacityUnits: number };

export interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  ProvisionedThroughput?: Throughput;
  GlobalSecondaryIndexUpdates?: {
    Create?: {
      IndexName: string;
      KeySchema: KeySchemaElement[];
      Projection: Projection;
      ProvisionedThroughput?: Throughput;
    };
    Update?: { IndexName: string; ProvisionedThroughput?: Throughput };
    Delete?: { IndexName: string };
  }[];
  StreamSpecification?: StreamSpecificationInput;
  SSESpecification?: unknown;
  ReplicaUpdates?: unknown;
  TableClass?: string;
  DeletionProtectionEnabled?: boolean;
}

export async function updateTable(ddb: DynamoDb, input: UpdateTableInput, ctx: OperationContext) {
  const table = tableFor(ddb, ctx, input.TableName, ddbErrors.tableNotFound, { whileCreating: true });
  if (ddb.clock.now() < table.record.activeAt) {
    throw ddbErrors.resourceInUse(
      `Attempt to change a resource which is still in use: Table is being created: ${table.name}`,
    );
  }
  const updates = input.GlobalSecondaryIndexUpdates ?? [];
  if (
    !input.ProvisionedThroughput &&
    !input.BillingMode &&
    updates.length === 0 &&
    input.StreamSpecification === undefined &&
    input.SSESpecification === undefined &&
    input.ReplicaUpdates === undefined &&
    input.TableClass === undefined &&
    input.DeletionProtectionEnabled === undefined
  ) {
    throw invalid(
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    );
  }
  checkUpdateStreamSpecification(table.record, input);
  const now = ddb.clock.now();
  const record: TableRecord = structuredClone(table.record);
  const billing = input.BillingMode ?? record.billingMode;
  if (input.BillingMode === 'PAY_PER_REQUEST' && input.ProvisionedThroughput) {
    throw invalid(
      'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
    );
  }
  if (input.BillingMode === 'PROVISIONED' && record.billingMode === 'PAY_PER_REQUEST' && !input.ProvisionedThroughput) {
    throw invalid(
      'One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED',
    );
  }
  if (input.ProvisionedThroughput) {
    checkThroughput(input.ProvisionedThroughput);
    const t = input.ProvisionedThroughput;
    if (
      billing === 'PROVISIONED' &&
      record.billingMode === 'PROVISIONED' &&
      updates.length === 0 &&
      t.ReadCapacityUnits === record.throughput.read &&
      t.WriteCapacityUnits === record.throughput.write
    ) {
      throw invalid(
        `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${record.throughput.read}. Requested ReadCapacityUnits: ${t.ReadCapacityUnits}. Current WriteCapacityUnits provisioned for the table: ${record.throughput.write}. Requested WriteCapacityUnits: ${t.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
      );
    }
    if (t.ReadCapacityUnits > record.throughput.read || t.WriteCapacityUnits > record.throughput.write)
      record.throughput.lastIncrease = now;
    if (t.ReadCapacityUnits < record.throughput.read || t.WriteCapacityUnits < record.throughput.write) {
      record.throughput.lastDecrease = now;
      record.throughput.decreasesToday++;
    }
    record.throughput.read = t.ReadCapacityUnits;
    record.throughput.write = t.WriteCapacityUnits;
  }
  if (input.BillingMode && input.BillingMode !== record.billingMode) {
    if (input.BillingMode === 'PAY_PER_REQUEST') record.lastUpdateToPayPerRequest = now;
    record.billingMode = input.BillingMode;
  }
  if (input.DeletionProtectionEnabled !== undefined) record.deletionProtection = input.DeletionProtectionEnabled;
  if (input.TableClass !== undefined) record.tableClass = input.TableClass;
  if (input.AttributeDefinitions) {
    for (const def of input.AttributeDefinitions) {
      const existing = record.attributeDefinitions.find((d) => d.AttributeName === def.AttributeName);
      if (existing && existing.AttributeType !== def.AttributeType) {
        throw invalid(
          `One or more parameter values were invalid: Cannot change the type of attribute ${def.AttributeName}`,
        );
      }
      if (!existing) record.attributeDefinitions.push(def);
    }
  }
  const creating: IndexRecord[] = [];
  const deleted: IndexRecord[] = [];
  const onlineChanges = updates.filter((u) => u.Create || u.Delete).length;
  if (onlineChanges > 1) {
    throw ddbErrors.limitExceeded(
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
  }
  for (const u of updates) {
    if (u.Create) {
      const c = u.Create;
      if (record.gsis.some((g) => g.name === c.IndexName) || record.lsis.some((l) => l.name === c.IndexName)) {
        throw invalid(`One or more parameter values were invalid: Index with name: ${c.IndexName} already exists`);
      }
      checkKeySchema(c.KeySchema, record.attributeDefinitions, c.IndexName);
      checkProjection(c.Projection, c.IndexName);
      if (billing === 'PROVISIONED' && !c.ProvisionedThroughput) {
        throw invalid(
          `One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ${c.IndexName}`,
        );
      }
      checkThroughput(c.ProvisionedThroughput);
      const index: IndexRecord = {
        name: c.IndexName,
        keySchema: c.KeySchema,
        projection: c.Projection,
        throughput: {
          read: c.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
          write: c.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
          decreasesToday: 0,
        },
        activeAt: now + ddb.tableStatusDelayMs,
      };
      record.gsis.push(index);
      creating.push(index);
    } else if (u.Update) {
      const g = record.gsis.find((x) => x.name === u.Update!.IndexName);
      if (!g) throw ddbErrors.resourceNotFound(`Requested resource not found: Index: ${u.Update.IndexName} not found`);
      if (u.Update.ProvisionedThroughput) {
        checkThroughput(u.Update.ProvisionedThroughput);
        g.throughput = {
          ...(g.throughput ?? { decreasesToday: 0 }),
          read: u.Update.ProvisionedThroughput.ReadCapacityUnits,
          write: u.Update.ProvisionedThroughput.WriteCapacityUnits,
        };
      }
    } else if (u.Delete) {
      const idx = record.gsis.findIndex((x) => x.name === u.Delete!.IndexName);
      if (idx < 0)
        throw ddbErrors.resourceNotFound(`Requested resource not found: Index: ${u.Delete.IndexName} not found`);
      deleted.push({ ...record.gsis[idx]!, deleting: true });
      record.gsis.splice(idx, 1);
      // Its Contributor Insights (and their rules) go with it.
      delete (record.extra[INSIGHTS_STATE] as InsightsState | undefined)?.indexes[u.Delete.IndexName];
      await itemsSql.dropIndex(ddb.store, record.id, u.Delete.IndexName);
    }
  }
  await updateTableStream(ddb, record, input.StreamSpecification, now);
  record.updatingUntil = now + ddb.tableStatusDelayMs;
  const updated = new Table(record);
  for (const index of creating) await backfill(ddb, updated, index.name);
  const saved = await ddb.catalog.save(record);
  if (creating.length > 0 || deleted.length > 0) ddb.stats.forget(record.id);
  const description = await describe(ddb, saved, ddb.tableStatusDelayMs > 0 ? 'UPDATING' : undefined);
  if (deleted.length > 0) {
    // The answer still lists a deleted index, as DELETING; DescribeTable no longer shows it.
    const shown = await describe(ddb, new Table({ ...saved.record, gsis: [...saved.record.gsis, ...deleted] }));
    description['GlobalSecondaryIndexes'] = shown['GlobalSecondaryIndexes'];
  }
  return { TableDescription: description };
}

/** Write index rows for every existing item of a new GSI. */
async function backfill(ddb: DynamoDb, table: Table, indexName: string): Promise<void> {
  const index = table.indexByName.get(indexName)!;
  await ddb.store.transaction(async (tx) => {
    let after: { bucket: number; pk: Buffer; sk: Buffer } | undefined;
    for (;;) {
      const rows = await itemsSql.scanTable(tx, table.id, 0, 2 ** 32, after, 500);
      for (const row of rows) {
        await putIndexRow(tx, table, index, JSON.parse(row.item) as Item, row);
      }
      if (rows.length < 500) break;
      const last = rows[rows.length - 1]!;
      after = { bucket: last.bucket, pk: last.pk, sk: last.sk };
    }
  });
}

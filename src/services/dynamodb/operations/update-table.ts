import type { OperationContext } from '../../../core/service.js';
import { describe, tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors, invalid, invalidParameter } from '../errors.js';
import { itemsSql } from '../storage/items.js';
import type { IndexRecord, TableRecord } from '../tables/record.js';
import { keyAttributesOf } from '../tables/record.js';
import { Table } from '../tables/table.js';
import { checkKeySchema, checkProjection, checkThroughput } from '../tables/validate-create.js';
import { checkUpdateStreamSpecification, updateTableStream } from '../streams/table-spec.js';
import type { StreamSpecificationInput } from '../streams/table-spec.js';
import type { AttributeDefinition, Item, KeySchemaElement, Projection } from '../types.js';
import { putIndexRow } from '../writes.js';
import { checkUpdateTableRequest } from '../tables/update-request.js';
import { recordChange } from '../tables/decreases.js';
import { checkUpdateAdmitted, updateKindOf } from '../tables/in-use.js';
import { SSE_DESCRIPTION, applySse, checkSseSpecification, wantsKms } from '../tables/sse.js';
import type { SseSpecification } from '../tables/sse.js';
import {
  applyOnDemand,
  applyWarm,
  baseWarm,
  checkOnDemand,
  checkWarm,
  sets,
  warmOf,
} from '../tables/capacity-settings.js';
import type { OnDemandThroughputInput, WarmThroughputInput } from '../tables/capacity-settings.js';
import { INSIGHTS_STATE } from '../insights/state.js';
import type { InsightsState } from '../insights/state.js';

type Throughput = { ReadCapacityUnits: number; WriteCapacityUnits: number };

/** GSIs per table (DynamoDB's default quota). */
const MAX_GSIS = 20;

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
      OnDemandThroughput?: OnDemandThroughputInput;
      WarmThroughput?: WarmThroughputInput;
    };
    Update?: {
      IndexName: string;
      ProvisionedThroughput?: Throughput;
      OnDemandThroughput?: OnDemandThroughputInput;
      WarmThroughput?: WarmThroughputInput;
    };
    Delete?: { IndexName: string };
  }[];
  StreamSpecification?: StreamSpecificationInput;
  SSESpecification?: SseSpecification;
  ReplicaUpdates?: unknown;
  TableClass?: string;
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandThroughputInput;
  WarmThroughput?: WarmThroughputInput;
  MultiRegionConsistency?: unknown;
}

export async function updateTable(ddb: DynamoDb, input: UpdateTableInput, ctx: OperationContext) {
  checkUpdateTableRequest(input);
  const table = tableFor(ddb, ctx, input.TableName, ddbErrors.tableNotFound, { whileCreating: true });
  if (ddb.clock.now() < table.record.activeAt) {
    throw ddbErrors.resourceInUse(
      `Attempt to change a resource which is still in use: Table is being created: ${table.name}`,
    );
  }
  const updates = input.GlobalSecondaryIndexUpdates ?? [];
  checkUpdateStreamSpecification(table.record, input);
  checkUpdateAdmitted(table.record, input, ddb.clock.now());
  const now = ddb.clock.now();
  const record: TableRecord = structuredClone(table.record);
  const billing = input.BillingMode ?? record.billingMode;
  // Warm throughput never decreases: keep the level reached so far before capacity changes.
  record.warm = warmOf(record.billingMode, record);
  for (const g of record.gsis) g.warm = warmOf(record.billingMode, g);
  if (sets(input.OnDemandThroughput)) {
    checkOnDemand(input.OnDemandThroughput, billing, undefined, true, ctx.region);
    record.onDemand = applyOnDemand(record.onDemand, input.OnDemandThroughput!);
  }
  if (sets(input.WarmThroughput)) {
    checkWarm(input.WarmThroughput, record.warm, undefined, false);
    record.warm = applyWarm(record.warm, input.WarmThroughput);
  }
  if (billing === 'PAY_PER_REQUEST' && input.ProvisionedThroughput) {
    throw invalidParameter(
      input.BillingMode === 'PAY_PER_REQUEST' && record.billingMode === 'PROVISIONED'
        ? `ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST`
        : `Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
  }
  if (input.BillingMode === 'PROVISIONED' && !input.ProvisionedThroughput) {
    throw invalidParameter(`ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
  }
  if (billing === 'PROVISIONED' && record.billingMode === 'PAY_PER_REQUEST') {
    // Every GSI that stays needs its throughput in the same request.
    for (const g of record.gsis) {
      const given = updates.some((u) => u.Update?.IndexName === g.name && u.Update.ProvisionedThroughput);
      if (!given && !updates.some((u) => u.Delete?.IndexName === g.name))
        throw invalidParameter(`ProvisionedThroughput must be specified for index: ${g.name}`);
    }
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
      throw unchanged('the table', 'the table', record.throughput, t);
    }
    const leaving = record.billingMode === 'PAY_PER_REQUEST';
    recordChange(record.throughput, t.ReadCapacityUnits, t.WriteCapacityUnits, now, leaving);
  }
  if (input.BillingMode && input.BillingMode !== record.billingMode) {
    if (input.BillingMode === 'PAY_PER_REQUEST') record.lastUpdateToPayPerRequest = now;
    // A table that leaves on-demand keeps its BillingModeSummary (created on-demand: since creation).
    else record.lastUpdateToPayPerRequest ??= record.createdAt;
    record.billingMode = input.BillingMode;
  }
  if (input.SSESpecification) {
    checkSseSpecification(input.SSESpecification);
    if (!wantsKms(input.SSESpecification) && record.extra[SSE_DESCRIPTION] === undefined)
      throw invalidParameter(`Table is already encrypted by default`);
    applySse(record, input.SSESpecification);
  }
  if (input.DeletionProtectionEnabled !== undefined) record.deletionProtection = input.DeletionProtectionEnabled;
  // A class the table already has changes nothing (a table that never named one is STANDARD).
  if (input.TableClass !== undefined && input.TableClass !== (record.tableClass ?? 'STANDARD')) {
    record.tableClass = input.TableClass;
    record.tableClassUpdatedAt = now;
  }
  // New attributes join the definitions; a definition of an attribute the table already defines is
  // ignored (AWS answers 200 and keeps the type), and unused ones are dropped below.
  for (const def of input.AttributeDefinitions ?? []) {
    if (!record.attributeDefinitions.some((d) => d.AttributeName === def.AttributeName))
      record.attributeDefinitions.push(def);
  }
  const creating: IndexRecord[] = [];
  const deleted: IndexRecord[] = [];
  const onlineChanges = updates.filter((u) => u.Create || u.Delete).length;
  if (onlineChanges > 1) {
    throw ddbErrors.limitExceeded(
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
  }
  const dropped: string[] = [];
  const lsi = (name: string) => record.lsis.some((l) => l.name === name);
  const unknownIndex = (name: string) =>
    ddbErrors.resourceNotFound(`Requested resource not found: Index ${name} for table ${record.name}`);
  for (const u of updates) {
    if (u.Create) {
      const c = u.Create;
      if (record.gsis.some((g) => g.name === c.IndexName) || lsi(c.IndexName)) {
        throw invalid('Attempting to create an index which already exists');
      }
      if (record.gsis.length >= MAX_GSIS) {
        throw ddbErrors.limitExceeded(
          `Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of ${MAX_GSIS}`,
        );
      }
      if (!input.AttributeDefinitions)
        throw invalidParameter(`AttributeDefinitions is not specified for index: ${c.IndexName}`);
      checkKeySchema(c.KeySchema, record.attributeDefinitions, c.IndexName);
      checkProjection(c.Projection, c.IndexName);
      if (billing === 'PAY_PER_REQUEST' && c.ProvisionedThroughput) {
        throw invalidParameter(
          `Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: ${c.IndexName} when BillingMode is PAY_PER_REQUEST`,
        );
      }
      if (billing === 'PROVISIONED' && !c.ProvisionedThroughput) {
        throw invalidParameter(`ProvisionedThroughput must be specified for index: ${c.IndexName}`);
      }
      checkThroughput(c.ProvisionedThroughput);
      checkOnDemand(c.OnDemandThroughput, billing, c.IndexName, false, ctx.region);
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
        ...(sets(c.OnDemandThroughput) ? { onDemand: applyOnDemand(undefined, c.OnDemandThroughput!) } : {}),
      };
      index.warm = applyWarm(baseWarm(billing, index.throughput!), c.WarmThroughput);
      record.gsis.push(index);
      creating.push(index);
    } else if (u.Update) {
      const name = u.Update.IndexName;
      const g = record.gsis.find((x) => x.name === name);
      if (!g) {
        if (lsi(name)) throw invalid(`Cannot update an index that is not a GlobalSecondaryIndex: ${name}`);
        throw unknownIndex(name);
      }
      if (sets(u.Update.OnDemandThroughput)) {
        checkOnDemand(u.Update.OnDemandThroughput, billing, name, true, ctx.region);
        g.onDemand = applyOnDemand(g.onDemand, u.Update.OnDemandThroughput!);
      }
      if (sets(u.Update.WarmThroughput)) {
        // g.warm: the level reached so far, kept above before any change.
        checkWarm(u.Update.WarmThroughput, g.warm!, name, false);
        g.warm = applyWarm(g.warm!, u.Update.WarmThroughput);
      }
      const t = u.Update.ProvisionedThroughput;
      if (t) {
        if (billing === 'PAY_PER_REQUEST') {
          throw invalidParameter(
            `The only Updates for index: ${name} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`,
          );
        }
        checkThroughput(t);
        const current = g.throughput;
        if (
          record.billingMode === 'PROVISIONED' &&
          current &&
          t.ReadCapacityUnits === current.read &&
          t.WriteCapacityUnits === current.write
        ) {
          throw unchanged(`the index ${name}`, `index ${name}`, current, t);
        }
        g.throughput ??= { read: 0, write: 0, decreasesToday: 0 };
        const leaving = record.billingMode === 'PAY_PER_REQUEST';
        recordChange(g.throughput, t.ReadCapacityUnits, t.WriteCapacityUnits, now, leaving);
      }
    } else if (u.Delete) {
      const name = u.Delete.IndexName;
      const idx = record.gsis.findIndex((x) => x.name === name);
      if (idx < 0) {
        if (lsi(name)) throw invalid(`Cannot delete an index that is not a GlobalSecondaryIndex: ${name}`);
        throw unknownIndex(name);
      }
      deleted.push({ ...record.gsis[idx]!, deleting: true });
      record.gsis.splice(idx, 1);
      // Its Contributor Insights (and their rules) go with it.
      delete (record.extra[INSIGHTS_STATE] as InsightsState | undefined)?.indexes[name];
      dropped.push(name);
    }
  }
  // Only now that every entry is checked: a refused request changes nothing.
  for (const name of dropped) await itemsSql.dropIndex(ddb.store, record.id, name);
  // The definitions are those of the keys the table and its indexes use (as DescribeTable shows them).
  const keyed = keyAttributesOf(record);
  record.attributeDefinitions = record.attributeDefinitions.filter((d) => keyed.has(d.AttributeName));
  await updateTableStream(ddb, record, input.StreamSpecification, now);
  record.updatingUntil = now + ddb.tableStatusDelayMs;
  record.updating = updateKindOf(input);
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
  // The answer echoes the limits as asked (-1 for one being cleared), the rest as they are.
  if (sets(input.OnDemandThroughput)) {
    const asked = input.OnDemandThroughput!;
    const read = asked.MaxReadRequestUnits ?? record.onDemand?.read;
    const write = asked.MaxWriteRequestUnits ?? record.onDemand?.write;
    description['OnDemandThroughput'] = {
      ...(read !== undefined ? { MaxReadRequestUnits: read } : {}),
      ...(write !== undefined ? { MaxWriteRequestUnits: write } : {}),
    };
  }
  // A billing mode change answers the mode only; DescribeTable adds when it last became on-demand.
  if (input.BillingMode && description['BillingModeSummary'])
    description['BillingModeSummary'] = { BillingMode: record.billingMode };
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

/** A throughput change that changes nothing, as DynamoDB refuses it (table or GSI). */
function unchanged(
  subject: string,
  provisionedFor: string,
  current: { read: number; write: number },
  t: Throughput,
): Error {
  return invalid(
    `The provisioned throughput for ${subject} will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for ${provisionedFor}: ${current.read}. Requested ReadCapacityUnits: ${t.ReadCapacityUnits}. Current WriteCapacityUnits provisioned for ${provisionedFor}: ${current.write}. Requested WriteCapacityUnits: ${t.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
  );
}

import { randomUUID } from 'node:crypto';
import { arn } from '../../../core/arn.js';
import type { OperationContext } from '../../../core/service.js';
import type { Db } from '../../../storage/store.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { itemsSql } from '../storage/items.js';
import type { ScanRow } from '../storage/items.js';
import type { IndexRecord, TableRecord, Throughput } from '../tables/record.js';
import { keyAttributesOf } from '../tables/record.js';
import { Table } from '../tables/table.js';
import { checkThroughput } from '../tables/validate-create.js';
import type { Item, KeySchemaElement, Projection } from '../types.js';
import { putIndexRow } from '../writes.js';
import { recoveryErrors } from './errors.js';
import { SSE_DESCRIPTION, checkSseSpecification, sseDescription } from '../tables/sse.js';
import type { SseSpecification } from '../tables/sse.js';
import { applyOnDemand, sets } from '../tables/capacity-settings.js';
import type { OnDemandThroughputInput } from '../tables/capacity-settings.js';

type ProvisionedThroughput = { ReadCapacityUnits: number; WriteCapacityUnits: number };

interface IndexSpec {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
  ProvisionedThroughput?: ProvisionedThroughput;
}

/** The overrides RestoreTableFromBackup and RestoreTableToPointInTime share. */
export interface RestoreOverrides {
  BillingModeOverride?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  GlobalSecondaryIndexOverride?: IndexSpec[];
  LocalSecondaryIndexOverride?: IndexSpec[];
  ProvisionedThroughputOverride?: ProvisionedThroughput;
  OnDemandThroughputOverride?: unknown;
  SSESpecificationOverride?: unknown;
}

/** DescribeTable's RestoreSummary while the restored table is CREATING (kept in record.extra). */
export interface RestoreSummary {
  SourceBackupArn?: string;
  SourceTableArn: string;
  /** Epoch seconds. */
  RestoreDateTime: number;
}

export const RESTORE_SUMMARY = 'restoreSummary';

export const restoreSummaryOf = (record: TableRecord): RestoreSummary | undefined =>
  record.extra[RESTORE_SUMMARY] as RestoreSummary | undefined;

/** Table names a restore has claimed but not yet saved (closes the check-then-save window). */
const claimed = new Set<string>();

/**
 * The restore target must not exist: TableInUseException while another restore into it is
 * CREATING, TableAlreadyExistsException otherwise (also for a table being deleted).
 */
export function checkRestoreTarget(ddb: DynamoDb, ctx: OperationContext, name: string): void {
  const existing = ddb.catalog.get(ctx.account, ctx.region, name);
  const claimKey = `${ctx.account}\u0000${ctx.region}\u0000${name}`;
  if (!existing && !claimed.has(claimKey)) return;
  const restore = existing ? restoreSummaryOf(existing.record) : undefined;
  if (claimed.has(claimKey) || (restore && existing && ddb.clock.now() < existing.record.activeAt)) {
    throw recoveryErrors.tableInUse(
      `Table: ${name} is already being restored from backup: ${restore?.SourceBackupArn ?? restore?.SourceTableArn ?? ''}`,
    );
  }
  throw recoveryErrors.tableAlreadyExists(name);
}

/** A backup feeds one restore at a time: is one of its restores still CREATING? */
export function backupInUse(ddb: DynamoDb, ctx: OperationContext, backupArn: string): boolean {
  const now = ddb.clock.now();
  return ddb.catalog
    .list(ctx.account, ctx.region)
    .some((t) => now < t.record.activeAt && restoreSummaryOf(t.record)?.SourceBackupArn === backupArn);
}

const sameKeySchema = (a: KeySchemaElement[], b: KeySchemaElement[]) =>
  a.length === b.length && a.every((k, i) => k.AttributeName === b[i]!.AttributeName && k.KeyType === b[i]!.KeyType);

const sameProjection = (a: Projection, b: Projection) =>
  (a.ProjectionType ?? 'ALL') === (b.ProjectionType ?? 'ALL') &&
  JSON.stringify([...(a.NonKeyAttributes ?? [])].sort()) === JSON.stringify([...(b.NonKeyAttributes ?? [])].sort());

const throughputOf = (t: ProvisionedThroughput): Throughput => ({
  read: t.ReadCapacityUnits,
  write: t.WriteCapacityUnits,
  decreasesToday: 0,
});

/**
 * The TableRecord of a restored table: the source's key schema, billing and indexes with the
 * overrides applied and validated as DynamoDB does. Streams, TTL, PITR, tags, deletion protection,
 * the resource policy and the table class are not restored (as in AWS).
 */
export function restoredRecord(
  source: TableRecord,
  o: RestoreOverrides,
  target: {
    id: number;
    name: string;
    account: string;
    region: string;
    now: number;
    activeAt: number;
    summary: RestoreSummary;
  },
): TableRecord {
  checkSseSpecification(o.SSESpecificationOverride as SseSpecification | undefined);
  const billing = o.BillingModeOverride ?? source.billingMode;
  const pt = o.ProvisionedThroughputOverride;
  const ppMessage =
    o.BillingModeOverride === 'PAY_PER_REQUEST'
      ? 'Invalid Request: Cannot override ProvisionedThroughput if BillingMode is overridden to PAY_PER_REQUEST'
      : 'Invalid Request: Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED';
  if (pt && billing !== 'PROVISIONED') throw invalid(ppMessage);
  if (o.BillingModeOverride === 'PROVISIONED' && source.billingMode !== 'PROVISIONED' && !pt) {
    throw invalid('Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED');
  }
  if (o.OnDemandThroughputOverride !== undefined && billing !== 'PAY_PER_REQUEST') {
    throw invalid(
      'Invalid Request: Cannot override MaxReadRequestUnits for OnDemandThroughput unless BillingModeOverride is PAY_PER_REQUEST',
    );
  }
  checkThroughput(pt);
  const odt = o.OnDemandThroughputOverride as OnDemandThroughputInput | undefined;
  for (const [name, v] of [
    ['MaxReadRequestUnits', odt?.MaxReadRequestUnits],
    ['MaxWriteRequestUnits', odt?.MaxWriteRequestUnits],
  ] as const) {
    if (v !== undefined && v < 1)
      throw invalid(`Invalid Request: Requested ${name} for OnDemandThroughput is outside of valid range`);
  }

  const sourceProvisioned = source.billingMode === 'PROVISIONED';
  const indexes = (
    overrides: IndexSpec[] | undefined,
    sourceIndexes: IndexRecord[],
    global: boolean,
  ): IndexRecord[] => {
    const specs =
      overrides ??
      sourceIndexes.map((i) => ({ IndexName: i.name, KeySchema: i.keySchema, Projection: i.projection }) as IndexSpec);
    return specs.map((spec, i) => {
      if (spec === null || typeof spec !== 'object') {
        const member = global ? 'globalSecondaryIndexOverride' : 'localSecondaryIndexOverride';
        throw invalid(
          `1 validation error detected: Value null at '${member}.${i + 1}.member' failed to satisfy constraint: Member must not be null`,
        );
      }
      const match = sourceIndexes.find(
        (i) => sameKeySchema(i.keySchema, spec.KeySchema) && sameProjection(i.projection, spec.Projection),
      );
      if (!match) {
        throw invalid(
          `Invalid Request: Index ${spec.IndexName} does not match a secondary index that existed in the source table and cannot be created during the restore operation`,
        );
      }
      const index: IndexRecord = {
        name: spec.IndexName,
        keySchema: spec.KeySchema,
        projection: spec.Projection,
        activeAt: target.activeAt,
      };
      if (!global) return index;
      if (billing === 'PROVISIONED') {
        if (spec.ProvisionedThroughput) checkThroughput(spec.ProvisionedThroughput);
        const recorded =
          sourceProvisioned && match.throughput
            ? { read: match.throughput.read, write: match.throughput.write, decreasesToday: 0 }
            : undefined;
        const t = spec.ProvisionedThroughput ? throughputOf(spec.ProvisionedThroughput) : recorded;
        if (!t) throw invalid(`Invalid Request: Must specify provisioned throughput for index ${spec.IndexName}`);
        index.throughput = t;
      } else {
        if (spec.ProvisionedThroughput) throw invalid(`${ppMessage} for index ${spec.IndexName}`);
        index.throughput = { read: 0, write: 0, decreasesToday: 0 };
      }
      return index;
    });
  };
  const gsis = indexes(o.GlobalSecondaryIndexOverride, source.gsis, true);
  const lsis = indexes(o.LocalSecondaryIndexOverride, source.lsis, false);
  const used = keyAttributesOf({ keySchema: source.keySchema, gsis, lsis });

  const throughput: Throughput =
    billing === 'PROVISIONED'
      ? pt
        ? throughputOf(pt)
        : { read: source.throughput.read, write: source.throughput.write, decreasesToday: 0 }
      : { read: 0, write: 0, decreasesToday: 0 };
  return {
    id: target.id,
    account: target.account,
    region: target.region,
    name: target.name,
    arn: arn('dynamodb', target.region, target.account, `table/${target.name}`),
    tableId: randomUUID(),
    createdAt: target.now,
    activeAt: target.activeAt,
    keySchema: source.keySchema,
    attributeDefinitions: source.attributeDefinitions.filter((d) => used.has(d.AttributeName)),
    billingMode: billing,
    ...(billing === 'PAY_PER_REQUEST' ? { lastUpdateToPayPerRequest: target.now } : {}),
    throughput,
    // An on-demand restore keeps its source's limits unless overridden.
    ...(billing === 'PAY_PER_REQUEST' && (sets(odt) || source.onDemand)
      ? { onDemand: sets(odt) ? applyOnDemand(undefined, odt!) : source.onDemand! }
      : {}),
    gsis,
    lsis,
    deletionProtection: false,
    extra: { [RESTORE_SUMMARY]: target.summary, ...restoredSse(source, o, target) },
  };
}

/** The restored table keeps its source's encryption unless SSESpecificationOverride names another. */
function restoredSse(
  source: TableRecord,
  o: RestoreOverrides,
  target: { account: string; region: string },
): Record<string, unknown> {
  const override = o.SSESpecificationOverride as SseSpecification | undefined;
  const description = override
    ? sseDescription(override, target.account, target.region)
    : source.extra[SSE_DESCRIPTION];
  return description ? { [SSE_DESCRIPTION]: description } : {};
}

/**
 * Create the restored table: claim the name (CREATING, with RestoreSummary), fill its items and
 * index rows in one transaction, then make it ACTIVE after the configured status delay.
 */
export async function createRestoredTable(
  ddb: DynamoDb,
  ctx: OperationContext,
  record: TableRecord,
  fill: (tx: Db, table: Table) => Promise<void>,
): Promise<Table> {
  const claimKey = `${ctx.account}\u0000${ctx.region}\u0000${record.name}`;
  checkRestoreTarget(ddb, ctx, record.name);
  claimed.add(claimKey);
  let table: Table;
  try {
    table = await ddb.catalog.save({ ...record, activeAt: Number.MAX_SAFE_INTEGER });
  } finally {
    claimed.delete(claimKey);
  }
  try {
    await ddb.store.transaction(async (tx) => {
      await fill(tx, table);
      await backfillIndexes(tx, table);
    });
  } catch (err) {
    await ddb.catalog.remove(table);
    throw err;
  }
  ddb.stats.forget(table.id); // rows were copied in bulk, not through the item writer
  return ddb.catalog.save(record);
}

/** Write every index row of a freshly filled table. */
export async function backfillIndexes(tx: Db, table: Table): Promise<void> {
  if (table.indexes.length === 0) return;
  let after: { bucket: number; pk: Buffer; sk: Buffer } | undefined;
  for (;;) {
    const rows = await itemsSql.scanTable(tx, table.id, 0, 2 ** 32, after, 500);
    for (const row of rows) await writeIndexRows(tx, table, row);
    if (rows.length < 500) return;
    const last = rows[rows.length - 1]!;
    after = { bucket: last.bucket, pk: last.pk, sk: last.sk };
  }
}

async function writeIndexRows(tx: Db, table: Table, row: ScanRow): Promise<void> {
  const item = JSON.parse(row.item) as Item;
  for (const index of table.indexes) await putIndexRow(tx, table, index, item, row);
}

import type { IndexRecord, TableRecord, Throughput } from './record.js';
import { onDemandDescription, warmOf } from './capacity-settings.js';
import { decreasesToday } from './decreases.js';

export interface Stats {
  count: number;
  bytes: number;
}

export interface DescribeOptions {
  now: number;
  /** Overrides the computed status (CreateTable answers CREATING, DeleteTable DELETING). */
  status?: 'CREATING' | 'DELETING' | 'UPDATING' | 'ACTIVE';
  tableStats: Stats;
  indexStats: (name: string) => Stats;
}

const seconds = (ms: number) => ms / 1000;

function throughputDescription(t: Throughput | undefined, onDemand: boolean, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (t?.lastIncrease !== undefined) out['LastIncreaseDateTime'] = seconds(t.lastIncrease);
  if (t?.lastDecrease !== undefined) out['LastDecreaseDateTime'] = seconds(t.lastDecrease);
  out['NumberOfDecreasesToday'] = decreasesToday(t, now);
  out['ReadCapacityUnits'] = onDemand ? 0 : (t?.read ?? 0);
  out['WriteCapacityUnits'] = onDemand ? 0 : (t?.write ?? 0);
  return out;
}

export function tableStatus(record: TableRecord, now: number): 'CREATING' | 'UPDATING' | 'ACTIVE' {
  if (now < record.activeAt) return 'CREATING';
  if (record.updatingUntil !== undefined && now < record.updatingUntil) return 'UPDATING';
  return 'ACTIVE';
}

function indexStatus(index: IndexRecord, now: number): string {
  if (index.deleting) return 'DELETING';
  return now < index.activeAt ? 'CREATING' : 'ACTIVE';
}

/** The TableDescription AWS returns from CreateTable, DescribeTable, UpdateTable and DeleteTable. */
export function describeTable(record: TableRecord, options: DescribeOptions): Record<string, unknown> {
  const { now } = options;
  const onDemand = record.billingMode === 'PAY_PER_REQUEST';
  const status = options.status ?? tableStatus(record, now);
  const desc: Record<string, unknown> = {
    AttributeDefinitions: record.attributeDefinitions,
    TableName: record.name,
    KeySchema: record.keySchema,
    TableStatus: status,
    CreationDateTime: seconds(record.createdAt),
    ProvisionedThroughput: throughputDescription(record.throughput, onDemand, now),
    TableSizeBytes: options.tableStats.bytes,
    ItemCount: options.tableStats.count,
    TableArn: record.arn,
    TableId: record.tableId,
  };
  if (onDemand || record.lastUpdateToPayPerRequest !== undefined) {
    desc['BillingModeSummary'] = {
      BillingMode: record.billingMode,
      LastUpdateToPayPerRequestDateTime: seconds(record.lastUpdateToPayPerRequest ?? record.createdAt),
    };
  }
  if (record.lsis.length > 0) {
    desc['LocalSecondaryIndexes'] = record.lsis.map((l) => {
      const stats = options.indexStats(l.name);
      return {
        IndexName: l.name,
        KeySchema: l.keySchema,
        Projection: l.projection,
        IndexSizeBytes: stats.bytes,
        ItemCount: stats.count,
        IndexArn: `${record.arn}/index/${l.name}`,
      };
    });
  }
  if (record.gsis.length > 0) {
    desc['GlobalSecondaryIndexes'] = record.gsis.map((g) => {
      const stats = options.indexStats(g.name);
      const indexState = status === 'CREATING' ? 'CREATING' : indexStatus(g, now);
      return {
        IndexName: g.name,
        KeySchema: g.keySchema,
        Projection: g.projection,
        IndexStatus: indexState,
        ...(indexState === 'CREATING' && record.activeAt < g.activeAt ? { Backfilling: true } : {}),
        ProvisionedThroughput: throughputDescription(g.throughput, onDemand, now),
        ...onDemandMember(g.onDemand),
        IndexSizeBytes: stats.bytes,
        ItemCount: stats.count,
        IndexArn: `${record.arn}/index/${g.name}`,
        WarmThroughput: warmDescription(record, g),
      };
    });
  }
  if (record.tableClass) {
    desc['TableClassSummary'] = {
      TableClass: record.tableClass,
      ...(record.tableClassUpdatedAt !== undefined ? { LastUpdateDateTime: seconds(record.tableClassUpdatedAt) } : {}),
    };
  }
  Object.assign(desc, onDemandMember(record.onDemand));
  desc['WarmThroughput'] = warmDescription(record);
  desc['DeletionProtectionEnabled'] = record.deletionProtection;
  for (const [k, v] of Object.entries(record.extra)) if (k[0] === k[0]?.toUpperCase()) desc[k] = v;
  // A restored table shows where it came from only while it is CREATING (as AWS does).
  const restore = record.extra['restoreSummary'] as Record<string, unknown> | undefined;
  if (restore && status === 'CREATING') desc['RestoreSummary'] = { ...restore, RestoreInProgress: true };
  return desc;
}

/** `OnDemandThroughput`, only while a limit is set. */
function onDemandMember(limits: TableRecord['onDemand']): Record<string, unknown> {
  const d = onDemandDescription(limits);
  return d ? { OnDemandThroughput: d } : {};
}

/** `WarmThroughput` of the table, or of one of its GSIs. */
function warmDescription(record: TableRecord, index?: IndexRecord): Record<string, unknown> {
  const level = warmOf(record.billingMode, index ?? record);
  return { ReadUnitsPerSecond: level.read, WriteUnitsPerSecond: level.write, Status: 'ACTIVE' };
}

import type { Table } from '../tables/table.js';
import type { KeyShape } from '../tables/record.js';

/**
 * Contributor Insights, per table and per GSI, kept in `record.extra.contributorInsights` (a
 * lowercase key: DescribeTable shows none of it). Overcast runs no CloudWatch rules; it keeps
 * what DynamoDB reports about them: status, mode, the rules' names and CloudWatch's quota.
 */
export type InsightsMode = 'ACCESSED_AND_THROTTLED_KEYS' | 'THROTTLED_KEYS';
export type InsightsStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED' | 'FAILED';

export interface InsightsEntry {
  /** The last change asked for. */
  action: 'ENABLE' | 'DISABLE';
  mode: InsightsMode;
  /** When that change was asked for (epoch ms); it settles `delayMs` later. */
  changedAt: number;
  /** Creation time of the rules (their names' suffix, epoch ms): set by an ENABLE that creates them. */
  rulesAt: number;
  /** The ENABLE found CloudWatch's rule quota used up: FAILED once settled, shown until DISABLED. */
  failed?: boolean;
}

export interface InsightsState {
  table?: InsightsEntry;
  indexes: Record<string, InsightsEntry>;
}

export const INSIGHTS_STATE = 'contributorInsights';
export const DEFAULT_MODE: InsightsMode = 'ACCESSED_AND_THROTTLED_KEYS';
/** CloudWatch's default quota of Contributor Insights rules per account and region. */
export const RULE_QUOTA = 100;

export const QUOTA_FAILURE = {
  ExceptionName: 'LimitExceededException',
  ExceptionDescription:
    'Amazon CloudWatch Contributor Insights rule limit reached. Please disable Contributor Insights for other tables/indexes OR disable other CloudWatch Contributor Insights rules before retrying.',
};

export function insightsOf(table: Table): InsightsState | undefined {
  return table.record.extra[INSIGHTS_STATE] as InsightsState | undefined;
}

export function entryOf(table: Table, index: string | undefined): InsightsEntry | undefined {
  const state = insightsOf(table);
  return index === undefined ? state?.table : state?.indexes[index];
}

/** The status an entry shows at `now`: the transition of its last change, then where it settled. */
export function statusOf(entry: InsightsEntry, now: number, delayMs: number): InsightsStatus {
  const settled = now >= entry.changedAt + delayMs;
  if (entry.action === 'ENABLE') return settled ? (entry.failed ? 'FAILED' : 'ENABLED') : 'ENABLING';
  return settled ? 'DISABLED' : 'DISABLING';
}

/** When the status last changed (LastUpdateDateTime): the request, then the moment it settled. */
export function lastUpdateOf(entry: InsightsEntry, now: number, delayMs: number): number {
  const settleAt = entry.changedAt + delayMs;
  return now >= settleAt ? settleAt : entry.changedAt;
}

/**
 * The CloudWatch rules of an entry, in DynamoDB's order: most accessed (C) and most throttled
 * (T) partition keys, then sort keys when the key has one; THROTTLED_KEYS keeps the throttled ones.
 */
export function ruleNames(
  tableName: string,
  index: string | undefined,
  key: KeyShape,
  mode: InsightsMode,
  at: number,
): string[] {
  const kinds = mode === 'THROTTLED_KEYS' ? ['T'] : ['C', 'T'];
  const parts = key.range ? ['PK', 'SK'] : ['PK'];
  const resource = index === undefined ? tableName : `${tableName}-${index}`;
  return parts.flatMap((p) => kinds.map((k) => `DynamoDBContributorInsights-${p}${k}-${resource}-${at}`));
}

export function ruleCount(key: KeyShape, mode: InsightsMode): number {
  return (key.range ? 2 : 1) * (mode === 'THROTTLED_KEYS' ? 1 : 2);
}

/** The key shape of the table (index undefined) or of one of its GSIs. */
export function keyOf(table: Table, index: string | undefined): KeyShape {
  return index === undefined ? table.key : table.indexByName.get(index)!.key;
}

/** Rules an entry holds: an ENABLE that did not fail (its rules exist until a DISABLE). */
export function holdsRules(entry: InsightsEntry | undefined): entry is InsightsEntry {
  return entry !== undefined && entry.action === 'ENABLE' && !entry.failed;
}

/** Every (index, entry) of a table, the table's own first, then its GSIs' in the table's order. */
export function entriesOf(table: Table): [string | undefined, InsightsEntry][] {
  const state = insightsOf(table);
  if (!state) return [];
  const out: [string | undefined, InsightsEntry][] = [];
  if (state.table) out.push([undefined, state.table]);
  for (const g of table.record.gsis) {
    const e = state.indexes[g.name];
    if (e) out.push([g.name, e]);
  }
  return out;
}

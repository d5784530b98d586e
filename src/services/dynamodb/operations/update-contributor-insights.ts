import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { insightsTarget } from '../insights/resolve.js';
import {
  DEFAULT_MODE,
  INSIGHTS_STATE,
  RULE_QUOTA,
  entriesOf,
  entryOf,
  holdsRules,
  insightsOf,
  keyOf,
  ruleCount,
  statusOf,
} from '../insights/state.js';
import type { InsightsEntry, InsightsMode, InsightsState } from '../insights/state.js';
import type { TableRecord } from '../tables/record.js';
import type { Table } from '../tables/table.js';

export interface UpdateContributorInsightsInput {
  TableName: string;
  IndexName?: string;
  ContributorInsightsAction: 'ENABLE' | 'DISABLE';
  ContributorInsightsMode?: InsightsMode;
}

const notReady = (what: 'TableStatus' | 'IndexStatus') =>
  invalid(
    `Table or Index is not in a valid state to update Key Access Insights: ${what} must be ACTIVE to enable ContributorInsights.`,
  );

/**
 * ENABLE answers ENABLING and DISABLE DISABLING; each settles once the table status delay has
 * passed. Asking for the state an entry is already in (or headed to) changes nothing and answers
 * that state; ENABLE with another mode (no mode means ACCESSED_AND_THROTTLED_KEYS) enables again
 * with it. An ENABLE whose rules would pass CloudWatch's quota (100 per account and region, 1–4
 * per table or GSI) is accepted and then FAILED, as AWS does.
 */
export async function updateContributorInsights(
  ddb: DynamoDb,
  input: UpdateContributorInsightsInput,
  ctx: OperationContext,
) {
  const index = input.IndexName;
  const { table, gsi } = insightsTarget(ddb, ctx, input.TableName, index);
  const now = ddb.clock.now();
  const delay = ddb.tableStatusDelayMs;
  const current = entryOf(table, index);
  const answer = (status: string, mode: InsightsMode | undefined) => ({
    TableName: table.name,
    ...(index !== undefined ? { IndexName: index } : {}),
    ContributorInsightsStatus: status,
    ...(mode ? { ContributorInsightsMode: mode } : {}),
  });
  let next: InsightsEntry;
  if (input.ContributorInsightsAction === 'ENABLE') {
    if (now < table.record.activeAt) throw notReady('TableStatus');
    if (gsi && now < gsi.record.activeAt) throw notReady('IndexStatus');
    const mode = input.ContributorInsightsMode ?? DEFAULT_MODE;
    if (holdsRules(current) && current.mode === mode) return answer(statusOf(current, now, delay), mode);
    // A mode change keeps the rules that stay (their names' timestamp); otherwise they are new.
    next = { action: 'ENABLE', mode, changedAt: now, rulesAt: holdsRules(current) ? current.rulesAt : now };
    if (rulesInUse(ddb, ctx, table, index) + ruleCount(keyOf(table, index), mode) > RULE_QUOTA) next.failed = true;
  } else {
    if (!current || current.action === 'DISABLE') {
      return answer(current ? statusOf(current, now, delay) : 'DISABLED', current?.mode);
    }
    // The mode stays (a DISABLE's mode is ignored); a failure shows until DISABLED.
    next = { ...current, action: 'DISABLE', changedAt: now };
  }
  const record: TableRecord = structuredClone(table.record);
  const state: InsightsState = (record.extra[INSIGHTS_STATE] as InsightsState | undefined) ?? { indexes: {} };
  if (index === undefined) state.table = next;
  else state.indexes[index] = next;
  record.extra[INSIGHTS_STATE] = state;
  await ddb.catalog.save(record);
  return answer(next.action === 'ENABLE' ? 'ENABLING' : 'DISABLING', next.mode);
}

/** CloudWatch rules the account's other Contributor Insights entries in this region hold. */
function rulesInUse(ddb: DynamoDb, ctx: OperationContext, table: Table, index: string | undefined): number {
  let used = 0;
  for (const t of ddb.catalog.list(ctx.account, ctx.region)) {
    if (!insightsOf(t)) continue;
    for (const [i, entry] of entriesOf(t)) {
      if (t.id === table.id && i === index) continue;
      if (holdsRules(entry)) used += ruleCount(keyOf(t, i), entry.mode);
    }
  }
  return used;
}

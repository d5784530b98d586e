import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { insightsTarget } from '../insights/resolve.js';
import { QUOTA_FAILURE, entryOf, keyOf, lastUpdateOf, ruleNames, statusOf } from '../insights/state.js';

/**
 * A table or GSI that never had Contributor Insights reads DISABLED and nothing more; after a
 * change it also has its mode and LastUpdateDateTime, its rules while they exist, and the
 * failure of an ENABLE that found the rule quota used up until it is DISABLED.
 */
export function describeContributorInsights(
  ddb: DynamoDb,
  input: { TableName: string; IndexName?: string },
  ctx: OperationContext,
) {
  const index = input.IndexName;
  const { table } = insightsTarget(ddb, ctx, input.TableName, index);
  const out: Record<string, unknown> = { TableName: table.name, ...(index !== undefined ? { IndexName: index } : {}) };
  const entry = entryOf(table, index);
  if (!entry) return { ...out, ContributorInsightsStatus: 'DISABLED' };
  const now = ddb.clock.now();
  const delay = ddb.tableStatusDelayMs;
  const status = statusOf(entry, now, delay);
  if (!entry.failed && status !== 'DISABLED')
    out['ContributorInsightsRuleList'] = ruleNames(table.name, index, keyOf(table, index), entry.mode, entry.rulesAt);
  out['ContributorInsightsStatus'] = status;
  out['LastUpdateDateTime'] = lastUpdateOf(entry, now, delay) / 1000;
  if (entry.failed && status !== 'DISABLED') out['FailureException'] = QUOTA_FAILURE;
  out['ContributorInsightsMode'] = entry.mode;
  return out;
}

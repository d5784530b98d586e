import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { insightsTarget } from '../insights/resolve.js';
import { entriesOf, insightsOf, statusOf } from '../insights/state.js';

const MAX_RESULTS = 100;

/** Where a summary sorts: by table name, the table's own entry before its GSIs' (by name). */
type Position = [table: string, index: string];
const before = (a: Position, b: Position) => (a[0] !== b[0] ? a[0] < b[0] : a[1] < b[1]);

/** NextToken: the base64 of the last listed summary's position. */
const encodeToken = (p: Position) => Buffer.from(JSON.stringify(p), 'utf8').toString('base64');
function decodeToken(token: string): Position {
  try {
    const p = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string') return [p[0], p[1]];
  } catch {
    // falls through to the error
  }
  throw invalid(`Invalid NextToken: ${token}`);
}

/**
 * The Contributor Insights of the account's tables and GSIs in this region (or of one table)
 * that are not DISABLED: ENABLING, ENABLED, DISABLING and FAILED ones, with status and mode.
 */
export function listContributorInsights(
  ddb: DynamoDb,
  input: { TableName?: string; NextToken?: string; MaxResults?: number },
  ctx: OperationContext,
) {
  const after = input.NextToken !== undefined ? decodeToken(input.NextToken) : undefined;
  const tables =
    input.TableName !== undefined
      ? [insightsTarget(ddb, ctx, input.TableName, undefined).table]
      : ddb.catalog.list(ctx.account, ctx.region).filter((t) => insightsOf(t) !== undefined);
  const now = ddb.clock.now();
  const listed: { at: Position; summary: Record<string, unknown> }[] = [];
  for (const table of tables) {
    for (const [index, entry] of entriesOf(table)) {
      const status = statusOf(entry, now, ddb.tableStatusDelayMs);
      if (status === 'DISABLED') continue;
      const at: Position = [table.name, index ?? ''];
      if (after && !before(after, at)) continue;
      listed.push({
        at,
        summary: {
          TableName: table.name,
          ...(index !== undefined ? { IndexName: index } : {}),
          ContributorInsightsStatus: status,
          ContributorInsightsMode: entry.mode,
        },
      });
    }
  }
  listed.sort((a, b) => (before(a.at, b.at) ? -1 : before(b.at, a.at) ? 1 : 0));
  const limit = input.MaxResults !== undefined && input.MaxResults > 0 ? input.MaxResults : MAX_RESULTS;
  const page = listed.slice(0, limit);
  return {
    ContributorInsightsSummaries: page.map((p) => p.summary),
    ...(listed.length > limit ? { NextToken: encodeToken(page[page.length - 1]!.at) } : {}),
  };
}

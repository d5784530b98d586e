import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { requireGroup } from '../groups.js';
import { logsSql } from '../storage/sql.js';

/** The retention periods CloudWatch Logs accepts, in days. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export async function putRetentionPolicy(
  logs: Logs,
  input: { logGroupName: string; retentionInDays: number },
  ctx: OperationContext,
): Promise<object> {
  if (!RETENTION_DAYS.includes(input.retentionInDays)) {
    throw logsErrors.invalidParameter(
      `1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  await logs.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx, input.logGroupName);
    await logsSql.setRetention(tx, group.id, input.retentionInDays);
  });
  return {};
}

export async function deleteRetentionPolicy(
  logs: Logs,
  input: { logGroupName: string },
  ctx: OperationContext,
): Promise<object> {
  await logs.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx, input.logGroupName);
    await logsSql.setRetention(tx, group.id, null);
  });
  return {};
}

import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { requireGroup } from '../groups.js';
import { logsSql } from '../storage/sql.js';

export async function deleteLogGroup(
  logs: Logs,
  input: { logGroupName: string },
  ctx: OperationContext,
): Promise<object> {
  await logs.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx, input.logGroupName);
    await logsSql.deleteGroup(tx, group.id);
  });
  return {};
}

import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { requireGroup, requireStream } from '../groups.js';
import { logsSql } from '../storage/sql.js';

export async function deleteLogStream(
  logs: Logs,
  input: { logGroupName: string; logStreamName: string },
  ctx: OperationContext,
): Promise<object> {
  await logs.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx, input.logGroupName);
    const stream = await requireStream(tx, group, input.logStreamName);
    await logsSql.deleteStream(tx, stream);
  });
  return {};
}

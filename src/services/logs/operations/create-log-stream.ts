import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { requireGroup } from '../groups.js';
import { logsSql } from '../storage/sql.js';

export async function createLogStream(
  logs: Logs,
  input: { logGroupName: string; logStreamName: string },
  ctx: OperationContext,
): Promise<object> {
  await logs.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx, input.logGroupName);
    if (!(await logsSql.insertStream(tx, group.id, input.logStreamName, logs.clock.now())))
      throw logsErrors.streamExists();
  });
  return {};
}

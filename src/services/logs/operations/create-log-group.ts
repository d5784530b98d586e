import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { logsSql } from '../storage/sql.js';

export interface CreateLogGroupInput {
  logGroupName: string;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  logGroupClass?: string;
  deletionProtectionEnabled?: boolean;
}

export async function createLogGroup(logs: Logs, input: CreateLogGroupInput, ctx: OperationContext): Promise<object> {
  const inserted = await logs.store.transaction((tx) =>
    logsSql.insertGroup(tx, {
      account: ctx.account,
      region: ctx.region,
      name: input.logGroupName,
      createdAt: logs.clock.now(),
      kmsKeyId: input.kmsKeyId,
      logGroupClass: input.logGroupClass,
      deletionProtection: input.deletionProtectionEnabled,
      tags: input.tags,
    }),
  );
  if (!inserted) throw logsErrors.groupExists();
  return {};
}

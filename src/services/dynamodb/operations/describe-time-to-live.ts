import type { OperationContext } from '../../../core/service.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors, invalid } from '../errors.js';
import { ttlStateOf } from '../ttl/state.js';

/** TTL changes take effect at once, so the status is ENABLED or DISABLED (AWS never showed ENABLING/DISABLING). */
export async function describeTimeToLive(ddb: DynamoDb, input: { TableName: string }, ctx: OperationContext) {
  const table = tableFor(ddb, ctx, input.TableName, ddbErrors.tableNotFound, { whileCreating: true });
  if (ddb.clock.now() < table.record.activeAt) {
    throw invalid('Cannot describe time to live while table is in CREATING state: Current table state is CREATING');
  }
  const state = ttlStateOf(table);
  return {
    TimeToLiveDescription: state?.enabled
      ? { TimeToLiveStatus: 'ENABLED', AttributeName: state.attributeName }
      : { TimeToLiveStatus: 'DISABLED' },
  };
}

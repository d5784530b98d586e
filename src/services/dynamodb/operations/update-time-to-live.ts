import type { OperationContext } from '../../../core/service.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors, invalid } from '../errors.js';
import type { TableRecord } from '../tables/record.js';
import { TTL_STATE, ttlStateOf } from '../ttl/state.js';
import type { TtlState } from '../ttl/state.js';
import { ttlFor } from '../ttl/ttl.js';

export interface UpdateTimeToLiveInput {
  TableName: string;
  TimeToLiveSpecification: { Enabled: boolean; AttributeName: string };
}

export async function updateTimeToLive(ddb: DynamoDb, input: UpdateTimeToLiveInput, ctx: OperationContext) {
  const table = tableFor(ddb, ctx, input.TableName, ddbErrors.tableNotFound, { whileCreating: true });
  const now = ddb.clock.now();
  if (now < table.record.activeAt) {
    throw ddbErrors.resourceInUse(
      `Attempt to change a resource which is still in use: Table ${table.name} is being created`,
    );
  }
  const ttl = ttlFor(ddb.store);
  if (!ttl) throw new Error('DynamoDB TTL is not attached to this store');
  const { Enabled: enabled, AttributeName: attributeName } = input.TimeToLiveSpecification;
  const current = ttlStateOf(table);
  // What the request asks is checked before the cooldown (as AWS does).
  if (enabled && current?.enabled) {
    throw invalid(
      current.attributeName === attributeName
        ? 'TimeToLive is already enabled'
        : `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`,
    );
  }
  if (!enabled) {
    if (!current?.enabled) throw invalid('TimeToLive is already disabled');
    if (current.attributeName !== attributeName) {
      throw invalid(
        `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`,
      );
    }
  }
  if (current && now >= current.updatedAt && now < current.updatedAt + ttl.options.cooldownMs) {
    throw invalid('Time to live has been modified multiple times within a fixed interval');
  }
  const record: TableRecord = structuredClone(table.record);
  record.extra[TTL_STATE] = { attributeName, enabled, updatedAt: now } satisfies TtlState;
  const saved = await ddb.catalog.save(record);
  if (enabled) await ttl.backfill(saved, attributeName);
  else await ttl.drop(saved.id);
  return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } };
}

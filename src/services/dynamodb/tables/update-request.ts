import { invalid, invalidParameter } from '../errors.js';
import { sets } from './capacity-settings.js';
import type { UpdateTableInput } from '../operations/update-table.js';

/** What UpdateTable can change, as AWS lists it when a request changes nothing. */
const CHANGES = [
  'ProvisionedThroughput',
  'BillingMode',
  'UpdateStreamEnabled',
  'GlobalSecondaryIndexUpdates',
  'SSESpecification',
  'ReplicaUpdates',
  'MultiAccountReplicaReady',
  'ReplicaTransitRoleArn',
  'MultiRegionConsistency',
  'DeletionProtectionEnabled',
  'OnDemandThroughput',
  'WarmThroughput',
  'TableClass',
] as const;

/**
 * The checks of the request alone, made before the table is looked up (a missing table gets
 * them too): something to change, the index update entries' shape, and one kind of change per
 * call — DeletionProtection, SSE and TableClass each alone, and no index created or deleted
 * while the table's throughput changes.
 */
export function checkUpdateTableRequest(input: UpdateTableInput): void {
  const updates = input.GlobalSecondaryIndexUpdates;
  const asks = (name: (typeof CHANGES)[number]): boolean => {
    if (name === 'GlobalSecondaryIndexUpdates') return (updates?.length ?? 0) > 0;
    if (name === 'UpdateStreamEnabled') return input.StreamSpecification !== undefined;
    if (name === 'MultiAccountReplicaReady' || name === 'ReplicaTransitRoleArn' || name === 'MultiRegionConsistency')
      return false;
    return input[name] !== undefined;
  };
  if (!CHANGES.some(asks)) {
    // The list leaves out what the request sent (MultiRegionConsistency alone changes nothing here).
    const listed = CHANGES.filter((c) => c !== 'MultiRegionConsistency' || input.MultiRegionConsistency === undefined);
    throw invalid(`At least one of ${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]} is required`);
  }
  if (updates?.length === 0) throw invalidParameter(`List of GlobalSecondaryIndexUpdates is empty`);
  const named = new Set<string>();
  for (const u of updates ?? []) {
    const actions = [u.Create, u.Update, u.Delete].filter((a) => a !== undefined && a !== null);
    if (actions.length === 0) {
      throw invalidParameter(
        `One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
      );
    }
    if (actions.length > 1) {
      throw invalidParameter(`Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`);
    }
    const name = actions[0]!.IndexName;
    if (named.has(name)) {
      throw invalidParameter(
        `Only one global secondary index update per index is allowed simultaneously. Index: ${name}`,
      );
    }
    named.add(name);
  }
  // An empty OnDemandThroughput or WarmThroughput counts as absent when changes are combined.
  const present = (k: keyof UpdateTableInput): boolean =>
    k === 'OnDemandThroughput' || k === 'WarmThroughput'
      ? sets(input[k] as object | undefined)
      : input[k] !== undefined;
  const others = (except: keyof UpdateTableInput): boolean =>
    (
      [
        'ProvisionedThroughput',
        'BillingMode',
        'StreamSpecification',
        'SSESpecification',
        'ReplicaUpdates',
        'TableClass',
        'DeletionProtectionEnabled',
        'OnDemandThroughput',
        'WarmThroughput',
      ] as const
    ).some((k) => k !== except && present(k)) || (updates?.length ?? 0) > 0;
  if (input.SSESpecification !== undefined && others('SSESpecification'))
    throw invalidParameter(`Server-Side Encryption modification must be the only operation in the request`);
  if (input.TableClass !== undefined && others('TableClass'))
    throw invalidParameter(`TableClass modification must be the only operation in the request`);
  if (input.DeletionProtectionEnabled !== undefined && others('DeletionProtectionEnabled'))
    throw invalidParameter(`DeletionProtection modification must be the only operation in the request`);
  if (present('OnDemandThroughput') && others('OnDemandThroughput') && !onlyBilling(input))
    throw invalidParameter(`OnDemandThroughput can only be combined with BillingMode in an UpdateTable request`);
  if (present('WarmThroughput') && others('WarmThroughput'))
    throw invalidParameter(`WarmThroughput must be the only operation in the request`);
  if (input.ProvisionedThroughput && (updates ?? []).some((u) => u.Create || u.Delete))
    throw invalidParameter(`You cannot create or delete index while updating table IOPS`);
}

/** Whether OnDemandThroughput comes with BillingMode and nothing else. */
function onlyBilling(input: UpdateTableInput): boolean {
  const rest = { ...input } as Record<string, unknown>;
  for (const k of ['TableName', 'OnDemandThroughput', 'BillingMode', 'AttributeDefinitions']) delete rest[k];
  return Object.values(rest).every((v) => v === undefined) && input.BillingMode !== undefined;
}

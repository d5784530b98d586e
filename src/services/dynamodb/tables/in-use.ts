import { ddbErrors } from '../errors.js';
import type { TableRecord } from './record.js';

/**
 * What DynamoDB refuses while a table is UPDATING (after an UpdateTable, for
 * `dynamodb.tableStatusDelayMs`) or while one of its GSIs is being created, with AWS's
 * ResourceInUseException and LimitExceededException texts. With the default delay of 0 nothing is
 * ever in flight, so none of this shows.
 */
export type UpdateKind = 'stream' | 'throughput' | 'class' | 'other';

export interface UpdateInFlight {
  kind: UpdateKind;
  /** A table class switch: the class it is switching to. */
  classTarget?: string;
}

const IN_USE = 'Attempt to change a resource which is still in use: ';

/** What an UpdateTable request changes, for the admission of the next ones. */
export function updateKindOf(input: {
  StreamSpecification?: unknown;
  ProvisionedThroughput?: unknown;
  BillingMode?: unknown;
  TableClass?: string;
}): UpdateInFlight {
  if (input.StreamSpecification !== undefined) return { kind: 'stream' };
  if (input.ProvisionedThroughput !== undefined || input.BillingMode !== undefined) return { kind: 'throughput' };
  if (input.TableClass !== undefined) return { kind: 'class', classTarget: input.TableClass };
  return { kind: 'other' };
}

const inFlight = (record: TableRecord, now: number): UpdateInFlight | undefined =>
  record.updatingUntil !== undefined && now < record.updatingUntil ? record.updating : undefined;

const creatingIndexes = (record: TableRecord, now: number): string[] =>
  record.gsis.filter((g) => now < g.activeAt && record.activeAt < g.activeAt).map((g) => g.name);

/** UpdateTable's admission while an earlier change or an index creation is in flight. */
export function checkUpdateAdmitted(
  record: TableRecord,
  input: {
    ProvisionedThroughput?: unknown;
    StreamSpecification?: unknown;
    TableClass?: string;
    GlobalSecondaryIndexUpdates?: { Create?: unknown; Delete?: unknown }[];
  },
  now: number,
): void {
  const busy = inFlight(record, now);
  if (busy?.kind === 'throughput' && input.ProvisionedThroughput !== undefined)
    throw ddbErrors.resourceInUse(`${IN_USE}Table IOPS are currently being updated. Table: ${record.name}`);
  if (busy?.kind === 'throughput' && input.StreamSpecification !== undefined)
    throw ddbErrors.resourceInUse(
      `${IN_USE}Can't enable or disable stream while table IOPS are being updated. Table: ${record.name}`,
    );
  if (busy?.kind === 'class' && input.TableClass !== undefined)
    throw ddbErrors.resourceInUse(
      `${IN_USE}Can't update table class when a table class update is in progress. Table: ${record.name} TableClassUpdateInProgress: ${busy.classTarget}`,
    );
  const creating = creatingIndexes(record, now);
  if (creating.length === 0) return;
  if (input.ProvisionedThroughput !== undefined)
    throw ddbErrors.resourceInUse(
      `${IN_USE}Can't change table IOPS when an index is being created. Table: ${record.name} Indexes: [${creating.join(', ')}]`,
    );
  if ((input.GlobalSecondaryIndexUpdates ?? []).some((u) => u.Create || u.Delete))
    throw ddbErrors.limitExceeded(
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
}

/** DeleteTable's admission while a change or an index creation is in flight. */
export function checkDeleteAdmitted(record: TableRecord, now: number): void {
  if (creatingIndexes(record, now).length > 0)
    throw ddbErrors.resourceInUse(`${IN_USE}Cannot delete table while indexes are being created, updated, or deleted.`);
  const busy = inFlight(record, now);
  if (busy?.kind === 'stream')
    throw ddbErrors.resourceInUse(`${IN_USE}Cannot delete table while stream is being enabled/disabled.`);
  if (busy?.kind === 'throughput' || busy?.kind === 'class')
    throw ddbErrors.resourceInUse(`${IN_USE}Table: ${record.name} is in the process of being updated.`);
}

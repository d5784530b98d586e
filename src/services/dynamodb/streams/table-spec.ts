import type { DynamoDb } from '../context.js';
import { invalid, invalidParameter } from '../errors.js';
import type { TableRecord } from '../tables/record.js';
import type { StreamViewType } from './storage.js';
import { ACTIVE_STREAM, streamsFor } from './streams.js';
import type { DynamoDbStreams } from './streams.js';

/** StreamSpecification as CreateTable and UpdateTable take it (types already checked by the model). */
export interface StreamSpecificationInput {
  StreamEnabled?: boolean;
  /** One of the StreamViewType values (the model's enum check ran before). */
  StreamViewType?: string;
}

function runtime(ddb: DynamoDb): DynamoDbStreams {
  const streams = streamsFor(ddb.store);
  if (!streams) throw new Error('DynamoDB Streams is not attached to this store');
  return streams;
}

/** CreateTable's StreamSpecification rules (after the table's own checks). */
export function checkCreateStreamSpecification(spec: StreamSpecificationInput | undefined): void {
  if (!spec) return;
  if (spec.StreamEnabled && !spec.StreamViewType) {
    throw invalidParameter(`Table is being created with a stream enabled, UpdateViewType is required`);
  }
  if (!spec.StreamEnabled && spec.StreamViewType) {
    throw invalidParameter(`Table is being created with a stream disabled, UpdateViewType should not be specified`);
  }
}

/** CreateTable: open the table's first stream when the specification enables one. */
export async function createTableStream(
  ddb: DynamoDb,
  record: TableRecord,
  spec: StreamSpecificationInput | undefined,
  now: number,
): Promise<void> {
  if (spec?.StreamEnabled && spec.StreamViewType)
    await runtime(ddb).enable(record, spec.StreamViewType as StreamViewType, now);
}

interface UpdateTableStreamInput {
  StreamSpecification?: StreamSpecificationInput;
  ProvisionedThroughput?: unknown;
  BillingMode?: string;
  GlobalSecondaryIndexUpdates?: { Create?: unknown; Delete?: unknown }[];
}

/** UpdateTable's StreamSpecification rules, checked before anything changes. */
export function checkUpdateStreamSpecification(current: TableRecord, input: UpdateTableStreamInput): void {
  const spec = input.StreamSpecification;
  if (!spec) return;
  if (spec.StreamEnabled && !spec.StreamViewType) {
    throw invalidParameter(`If stream is being enabled then UpdateViewType is required`);
  }
  if (!spec.StreamEnabled && spec.StreamViewType) {
    throw invalidParameter(`If stream is being disabled, then UpdateViewType must not be specified`);
  }
  if (input.ProvisionedThroughput || input.BillingMode === 'PROVISIONED') {
    throw invalidParameter(`You cannot modify stream status while updating table IOPS`);
  }
  if ((input.GlobalSecondaryIndexUpdates ?? []).some((u) => u.Create || u.Delete)) {
    throw invalidParameter(`You cannot create or delete index while changing stream status`);
  }
  const enabled = current.extra[ACTIVE_STREAM] !== undefined;
  if (spec.StreamEnabled && enabled) throw invalid(`Table already has an enabled stream: TableName: ${current.name}`);
  if (!spec.StreamEnabled && !enabled) throw invalid(`Table has no stream to disable: TableName: ${current.name}`);
}

/** UpdateTable: enable a new stream or disable the current one (already checked). */
export async function updateTableStream(
  ddb: DynamoDb,
  record: TableRecord,
  spec: StreamSpecificationInput | undefined,
  now: number,
): Promise<void> {
  if (!spec) return;
  if (spec.StreamEnabled && spec.StreamViewType)
    await runtime(ddb).enable(record, spec.StreamViewType as StreamViewType, now);
  else if (!spec.StreamEnabled) await runtime(ddb).disable(record, now);
}

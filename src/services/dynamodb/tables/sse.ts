import { kmsKeyArn } from '../../../core/kms-keys.js';
import { invalidParameter } from '../errors.js';
import type { TableRecord } from './record.js';

/**
 * Encryption at rest, as DynamoDB reports it. Every table is encrypted; with no specification (or
 * `Enabled: false`) by an AWS-owned key, which DescribeTable does not show. `Enabled: true` or
 * `SSEType: KMS` use a KMS key — the account's AWS-managed `aws/dynamodb` key unless
 * `KMSMasterKeyId` names one — and DescribeTable shows `SSEDescription`. Overcast has no KMS: a key
 * is named, not checked, and an alias other than `aws/dynamodb` stands for a key of its own.
 */
export interface SseSpecification {
  Enabled?: boolean;
  SSEType?: string;
  KMSMasterKeyId?: string;
}

/** Kept as `record.extra.SSEDescription`, so DescribeTable (and the CreateTable answer) show it. */
export const SSE_DESCRIPTION = 'SSEDescription';

/** AWS's checks of an SSESpecification (CreateTable, UpdateTable, restores' overrides). */
export function checkSseSpecification(spec: SseSpecification | undefined): void {
  if (!spec) return;
  if (spec.Enabled === false) {
    if (spec.SSEType !== undefined) throw invalidParameter(`SSEType can not be specified if Enabled is false`);
    if (spec.KMSMasterKeyId !== undefined)
      throw invalidParameter(`KMSMasterKeyId can not be specified if Enabled is false`);
  }
  if (spec.SSEType === 'AES256') throw invalidParameter(`SSEType AES256 is not supported`);
  if (spec.KMSMasterKeyId !== undefined && spec.SSEType !== 'KMS')
    throw invalidParameter(`SSEType KMS is required if KMSMasterKeyId is specified`);
}

/** Whether a (checked) specification asks for a KMS key: `Enabled: true`, or `SSEType` without `Enabled`. */
export function wantsKms(spec: SseSpecification | undefined): boolean {
  return spec !== undefined && (spec.Enabled ?? spec.SSEType !== undefined);
}

/** The SSEDescription a checked specification gives (undefined: the AWS-owned default, nothing shown). */
export function sseDescription(spec: SseSpecification, account: string, region: string): object | undefined {
  return wantsKms(spec)
    ? {
        Status: 'ENABLED',
        SSEType: 'KMS',
        KMSMasterKeyArn: kmsKeyArn(spec.KMSMasterKeyId, 'alias/aws/dynamodb', account, region),
      }
    : undefined;
}

/** Applies a checked specification to a record: a KMS key, or the AWS-owned default. */
export function applySse(record: TableRecord, spec: SseSpecification | undefined): void {
  if (!spec) return;
  const description = sseDescription(spec, record.account, record.region);
  if (description) record.extra[SSE_DESCRIPTION] = description;
  else delete record.extra[SSE_DESCRIPTION];
}

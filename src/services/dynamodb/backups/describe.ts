import { parseArn } from '../../../core/arn.js';
import type { OperationContext } from '../../../core/service.js';
import { invalid } from '../errors.js';
import { recoveryErrors, seconds } from './errors.js';
import type { BackupRecord } from './store.js';
import { SSE_DESCRIPTION } from '../tables/sse.js';

/** The last ARN segment of a backup: 14-digit creation epoch ms, a dash, 8 hex digits. */
const BACKUP_RESOURCE = /^table\/([a-zA-Z0-9_.-]{3,255})\/backup\/(\d{14}-[0-9a-f]{8})$/;

export const backupKey = (createdAt: number, suffix: string): string =>
  `${String(createdAt).padStart(14, '0')}-${suffix}`;

/**
 * The table name and backup key a BackupArn names. DynamoDB matches a backup by account, table
 * name and id (the ARN's region is not compared); another account is AccessDeniedException.
 */
export function parseBackupArn(ctx: OperationContext, arn: string): { table: string; key: string } {
  const parsed = parseArn(arn);
  const m = parsed && parsed.service === 'dynamodb' ? BACKUP_RESOURCE.exec(parsed.resource) : null;
  if (!parsed || !m) throw invalid('Invalid Backup ARN');
  if (parsed.account !== ctx.account) throw recoveryErrors.accessDenied('Access is denied');
  return { table: m[1]!, key: m[2]! };
}

/** BackupDetails (CreateBackup's answer, and inside BackupDescription). */
export function backupDetails(b: BackupRecord, status: 'CREATING' | 'AVAILABLE' | 'DELETED'): Record<string, unknown> {
  return {
    BackupArn: b.arn,
    BackupName: b.name,
    BackupSizeBytes: b.sizeBytes,
    BackupStatus: status,
    BackupType: b.type,
    BackupCreationDateTime: seconds(b.createdAt),
    ...(b.expiresAt !== undefined ? { BackupExpiryDateTime: seconds(b.expiresAt) } : {}),
  };
}

const throughput = (onDemand: boolean, t: { read: number; write: number } | undefined) => ({
  ReadCapacityUnits: onDemand ? 0 : (t?.read ?? 0),
  WriteCapacityUnits: onDemand ? 0 : (t?.write ?? 0),
});

/** DescribeBackup's BackupDescription: details, the source table, and its recorded features. */
export function backupDescription(b: BackupRecord, status: 'AVAILABLE' | 'DELETED'): Record<string, unknown> {
  const t = b.table;
  const onDemand = t.billingMode === 'PAY_PER_REQUEST';
  const features: Record<string, unknown> = {};
  if (b.type === 'USER') {
    if (t.lsis.length > 0) {
      features['LocalSecondaryIndexes'] = t.lsis.map((l) => ({
        IndexName: l.name,
        KeySchema: l.keySchema,
        Projection: l.projection,
      }));
    }
    if (t.gsis.length > 0) {
      features['GlobalSecondaryIndexes'] = t.gsis.map((g) => ({
        IndexName: g.name,
        KeySchema: g.keySchema,
        Projection: g.projection,
        ProvisionedThroughput: throughput(onDemand, g.throughput),
      }));
    }
    const stream = t.extra['StreamSpecification'] as { StreamEnabled?: boolean; StreamViewType?: string } | undefined;
    if (stream?.StreamEnabled)
      features['StreamDescription'] = { StreamEnabled: true, StreamViewType: stream.StreamViewType };
    const ttl = t.extra['ttl'] as { enabled?: boolean; attributeName?: string } | undefined;
    if (ttl?.enabled)
      features['TimeToLiveDescription'] = { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.attributeName };
    if (t.extra[SSE_DESCRIPTION]) features['SSEDescription'] = t.extra[SSE_DESCRIPTION];
  }
  return {
    BackupDetails: backupDetails(b, status),
    SourceTableDetails: {
      TableName: t.name,
      TableId: t.tableId,
      TableArn: t.arn,
      TableSizeBytes: b.sizeBytes,
      KeySchema: t.keySchema,
      TableCreationDateTime: seconds(t.createdAt),
      ProvisionedThroughput: throughput(onDemand, t.throughput),
      ItemCount: b.itemCount,
      BillingMode: t.billingMode,
    },
    SourceTableFeatureDetails: features,
  };
}

/** One entry of ListBackups. */
export function backupSummary(b: BackupRecord): Record<string, unknown> {
  return {
    TableName: b.table.name,
    TableId: b.table.tableId,
    TableArn: b.table.arn,
    BackupArn: b.arn,
    BackupName: b.name,
    BackupCreationDateTime: seconds(b.createdAt),
    ...(b.expiresAt !== undefined ? { BackupExpiryDateTime: seconds(b.expiresAt) } : {}),
    BackupStatus: 'AVAILABLE',
    BackupType: b.type,
    BackupSizeBytes: b.sizeBytes,
  };
}

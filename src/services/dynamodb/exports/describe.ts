import { parseArn } from '../../../core/arn.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors, seconds } from '../backups/errors.js';
import { DYNAMODB_NAMESPACE, invalid } from '../errors.js';
import type { ExportRecord } from './store.js';

const EXPORT_RESOURCE = /^table\/([a-zA-Z0-9_.-]{3,255})\/export\/(\d{14}-[0-9a-f]{8})$/;

/** The table name and export id an ExportArn names, with DynamoDB's errors for other ARNs. */
export function parseExportArn(ctx: OperationContext, arn: string): { table: string; key: string } {
  const parsed = parseArn(arn);
  const m = parsed && parsed.service === 'dynamodb' ? EXPORT_RESOURCE.exec(parsed.resource) : null;
  if (!parsed || !m) throw invalid('Invalid Export ARN');
  if (parsed.account !== ctx.account) throw recoveryErrors.accessDenied('Access is denied');
  if (parsed.region !== ctx.region) {
    throw new AwsError('ExportNotFoundException', 'Export not found: Invalid export arn', {
      namespace: DYNAMODB_NAMESPACE,
    });
  }
  return { table: m[1]!, key: m[2]! };
}

/**
 * ExportDescription. ExportTableToPointInTime answers with the export as it starts (IN_PROGRESS,
 * no results); DescribeExport adds EndTime, ExportManifest, ItemCount and BilledSizeBytes once it
 * has finished. ExportType is echoed only for incremental exports, as AWS does.
 */
export function exportDescription(rec: ExportRecord, asStarted = false): Record<string, unknown> {
  const status = asStarted ? 'IN_PROGRESS' : rec.status;
  const out: Record<string, unknown> = {
    ExportArn: rec.arn,
    ExportStatus: status,
    StartTime: seconds(rec.startTime),
  };
  if (status !== 'IN_PROGRESS' && rec.endTime !== undefined) out['EndTime'] = seconds(rec.endTime);
  if (status === 'COMPLETED' && rec.manifest) out['ExportManifest'] = rec.manifest;
  out['TableArn'] = rec.tableArn;
  out['TableId'] = rec.tableId;
  if (rec.exportTime !== undefined) out['ExportTime'] = seconds(rec.exportTime);
  out['ClientToken'] = rec.clientToken;
  out['S3Bucket'] = rec.s3Bucket;
  if (rec.s3BucketOwner !== undefined) out['S3BucketOwner'] = rec.s3BucketOwner;
  if (rec.s3Prefix !== undefined) out['S3Prefix'] = rec.s3Prefix;
  out['S3SseAlgorithm'] = rec.s3SseAlgorithm;
  if (rec.s3SseKmsKeyId !== undefined) out['S3SseKmsKeyId'] = rec.s3SseKmsKeyId;
  if (status === 'FAILED') {
    out['FailureCode'] = rec.failureCode;
    out['FailureMessage'] = rec.failureMessage;
  }
  out['ExportFormat'] = rec.exportFormat;
  if (status === 'COMPLETED') {
    out['BilledSizeBytes'] = rec.billedSizeBytes ?? 0;
    out['ItemCount'] = rec.itemCount ?? 0;
  }
  if (rec.incremental) {
    out['ExportType'] = 'INCREMENTAL_EXPORT';
    out['IncrementalExportSpecification'] = {
      ExportFromTime: seconds(rec.incremental.from),
      ExportToTime: seconds(rec.incremental.to),
      ExportViewType: rec.incremental.viewType,
    };
  }
  return out;
}

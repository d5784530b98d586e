import { parseArn } from '../../../core/arn.js';
import type { OperationContext } from '../../../core/service.js';
import { recoveryErrors, seconds } from '../backups/errors.js';
import { invalid } from '../errors.js';
import type { ImportRecord } from './store.js';

const IMPORT_RESOURCE = /^table\/([a-zA-Z0-9_.-]{3,255})\/import\/(\d{14}-[0-9a-f]{8})$/;

/** The log group DynamoDB writes each import's item errors to. */
export const IMPORT_LOG_GROUP = '/aws-dynamodb/imports';

export const importLogGroupArn = (rec: Pick<ImportRecord, 'account' | 'region'>): string =>
  `arn:aws:logs:${rec.region}:${rec.account}:log-group:${IMPORT_LOG_GROUP}:*`;

/** The table name and import id an ImportArn names (another account's or region's is not found). */
export function parseImportArn(ctx: OperationContext, arn: string): { table: string; key: string } {
  const parsed = parseArn(arn);
  const m = parsed && parsed.service === 'dynamodb' ? IMPORT_RESOURCE.exec(parsed.resource) : null;
  if (!parsed || !m) throw invalid('Invalid Import ARN');
  if (parsed.account !== ctx.account) throw recoveryErrors.accessDenied('Access is denied');
  if (parsed.region !== ctx.region) throw recoveryErrors.importNotFound();
  return { table: m[1]!, key: m[2]! };
}

/**
 * ImportTableDescription. ImportTable answers with the import as it starts (IN_PROGRESS, no
 * counts); DescribeImport adds EndTime, the counts and, for a failed import, FailureCode and
 * FailureMessage.
 */
export function importDescription(rec: ImportRecord, asStarted = false): Record<string, unknown> {
  const status = asStarted ? 'IN_PROGRESS' : rec.status;
  const out: Record<string, unknown> = {
    ImportArn: rec.arn,
    ImportStatus: status,
    TableArn: rec.tableArn,
    TableId: rec.tableId,
    ClientToken: rec.clientToken,
    // DescribeImport names the bucket's owner: the caller's account unless the request named one.
    S3BucketSource: asStarted ? rec.source : { S3BucketOwner: rec.account, ...(rec.source as object) },
    ErrorCount: asStarted ? 0 : rec.errorCount,
    CloudWatchLogGroupArn: importLogGroupArn(rec),
    InputFormat: rec.inputFormat,
    ...(rec.csv ? { InputFormatOptions: { Csv: rec.csv } } : {}),
    InputCompressionType: rec.compression,
    TableCreationParameters: rec.tableCreationParameters,
    StartTime: seconds(rec.startTime),
  };
  if (!asStarted) {
    if (rec.endTime !== undefined) out['EndTime'] = seconds(rec.endTime);
    out['ProcessedSizeBytes'] = rec.processedSizeBytes;
    out['ProcessedItemCount'] = rec.processedItemCount;
    out['ImportedItemCount'] = rec.importedItemCount;
    if (rec.status === 'FAILED') {
      out['FailureCode'] = rec.failureCode;
      out['FailureMessage'] = rec.failureMessage;
    }
  }
  return out;
}

/** ListImports' ImportSummary. */
export function importSummary(rec: ImportRecord): Record<string, unknown> {
  return {
    ImportArn: rec.arn,
    ImportStatus: rec.status,
    TableArn: rec.tableArn,
    S3BucketSource: rec.source,
    CloudWatchLogGroupArn: importLogGroupArn(rec),
    InputFormat: rec.inputFormat,
    StartTime: seconds(rec.startTime),
    ...(rec.endTime !== undefined ? { EndTime: seconds(rec.endTime) } : {}),
  };
}

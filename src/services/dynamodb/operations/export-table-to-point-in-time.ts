import { parseArn } from '../../../core/arn.js';
import { randomBytes, randomUUID } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import { backupKey } from '../backups/describe.js';
import { isoSeconds, millisOf, recoveryErrors } from '../backups/errors.js';
import { nextSequence } from '../backups/store.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { exportDescription } from '../exports/describe.js';
import { buildExport, writeExport } from '../exports/run.js';
import { s3Sink } from '../exports/sink.js';
import { S3ObjectError } from '../../s3/object-client.js';
import { exportsSql } from '../exports/store.js';
import type { ExportRecord } from '../exports/store.js';
import { pitrOf } from '../pitr/registry.js';
import { tableNameOfArn } from '../tags/resource-arn.js';

export interface ExportTableToPointInTimeInput {
  TableArn: string;
  ExportTime?: number | string;
  ClientToken?: string;
  S3Bucket: string;
  S3BucketOwner?: string;
  S3Prefix?: string;
  S3SseAlgorithm?: 'AES256' | 'KMS';
  S3SseKmsKeyId?: string;
  ExportFormat?: 'DYNAMODB_JSON' | 'ION';
  ExportType?: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  IncrementalExportSpecification?: {
    ExportFromTime?: number | string;
    ExportToTime?: number | string;
    ExportViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  };
}

const MINUTE = 60_000;
/** How long a ClientToken identifies its export. */
const TOKEN_WINDOW_MS = 8 * 60 * MINUTE;

/**
 * Export a PITR-enabled table to S3: Overcast's own S3, through its API as the caller's account,
 * under `[<S3Prefix>/]AWSDynamoDB/<export id>/` in DynamoDB's export layout and formats. The export
 * is written before this returns; the answer says IN_PROGRESS (as AWS's does) and DescribeExport
 * then reports COMPLETED with the manifest, or FAILED with S3's error (`S3NoSuchBucket`, …).
 */
export async function exportTableToPointInTime(
  ddb: DynamoDb,
  input: ExportTableToPointInTimeInput,
  ctx: OperationContext,
) {
  const name = tableNameOfArn(ctx, input.TableArn, 'export');
  // Another region's table is not this region's one of the same name.
  if (parseArn(input.TableArn)?.region !== ctx.region) throw recoveryErrors.tableNotFound(input.TableArn);
  const spec = input.IncrementalExportSpecification;
  if (spec && input.ExportType === undefined) {
    throw invalid(
      'Invalid Request: Export Type expected to be Incremental Export when incremental export specification is provided',
    );
  }
  if (spec && input.ExportType === 'FULL_EXPORT') {
    throw invalid(
      'Invalid Request: When Export Type is Full Export , Incremental Export Specification should not be provided',
    );
  }
  const incremental = input.ExportType === 'INCREMENTAL_EXPORT';
  if (incremental && !spec)
    throw invalid(
      'Invalid Request: Incremental Export Specification expected when export type is set as Incremental Export',
    );
  if (incremental && spec?.ExportFromTime === undefined) {
    throw invalid('Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification');
  }
  if (input.S3SseKmsKeyId !== undefined && input.S3SseAlgorithm !== 'KMS') {
    throw invalid('Invalid Request: KMS Key Id is not supported for this encryption type');
  }
  const now = ddb.clock.now();
  const fingerprint = JSON.stringify([
    input.TableArn,
    input.S3Bucket,
    input.S3BucketOwner,
    input.S3Prefix,
    input.S3SseAlgorithm,
    input.S3SseKmsKeyId,
    input.ExportFormat,
    input.ExportType,
    input.ExportTime,
    spec,
  ]);
  const earlier = await exportsSql.replay(
    ddb.store,
    ctx,
    input.ClientToken,
    fingerprint,
    now - TOKEN_WINDOW_MS,
    recoveryErrors.exportConflict,
  );
  if (earlier) return { ExportDescription: exportDescription(earlier) };

  const table = ddb.catalog.get(ctx.account, ctx.region, name);
  if (!table || now < table.record.activeAt) throw recoveryErrors.tableNotFound(input.TableArn);
  const pitr = pitrOf(ddb);
  const settings = pitr.get(table.id);
  if (!settings) throw recoveryErrors.pitrUnavailable(name);
  const { earliest, latest } = pitr.window(settings, now);

  let exportTime: number | undefined;
  let window: ExportRecord['incremental'];
  if (incremental) {
    const from = millisOf(spec!.ExportFromTime!);
    const to = spec!.ExportToTime !== undefined ? millisOf(spec!.ExportToTime) : now;
    if (from < earliest || from > to) {
      throw recoveryErrors.invalidExportTime(
        `Incremental export period from time cannot be less than the table creation time : ${isoSeconds(earliest)}`,
      );
    }
    if (to > now) {
      throw recoveryErrors.invalidExportTime(
        `Incremental export period to time cannot be greater than the current time : ${isoSeconds(now)}`,
      );
    }
    if (to - from < 15 * MINUTE) {
      throw recoveryErrors.invalidExportTime(
        'Difference between export period from time and export period to time is less than 15 minutes',
      );
    }
    if (to - from > 24 * 60 * MINUTE) {
      throw recoveryErrors.invalidExportTime(
        'Difference between export period from time and export period to time is greater than 24 hours',
      );
    }
    window = { from, to, viewType: spec!.ExportViewType ?? 'NEW_AND_OLD_IMAGES' };
  } else {
    exportTime = input.ExportTime !== undefined ? millisOf(input.ExportTime) : now;
    if (exportTime < earliest || exportTime > latest) throw recoveryErrors.invalidExportTime('Export Time is invalid');
  }

  const key = backupKey(now, randomBytes(4).toString('hex'));
  const rec: ExportRecord = {
    id: 0,
    account: ctx.account,
    region: ctx.region,
    key,
    arn: `${table.record.arn}/export/${key}`,
    tableArn: table.record.arn,
    tableId: table.record.tableId,
    tableName: table.name,
    status: 'IN_PROGRESS',
    startTime: now,
    ...(exportTime !== undefined ? { exportTime } : {}),
    clientToken: input.ClientToken ?? randomUUID(),
    s3Bucket: input.S3Bucket,
    ...(input.S3BucketOwner !== undefined ? { s3BucketOwner: input.S3BucketOwner } : {}),
    ...(input.S3Prefix !== undefined ? { s3Prefix: input.S3Prefix } : {}),
    s3SseAlgorithm: input.S3SseAlgorithm ?? 'AES256',
    ...(input.S3SseKmsKeyId !== undefined ? { s3SseKmsKeyId: input.S3SseKmsKeyId } : {}),
    exportFormat: input.ExportFormat ?? 'DYNAMODB_JSON',
    exportType: incremental ? 'INCREMENTAL_EXPORT' : 'FULL_EXPORT',
    ...(window ? { incremental: window } : {}),
    fingerprint,
  };
  const outcome = await ddb.store.transaction(async (tx) => {
    rec.id = await nextSequence(tx, 'export');
    await exportsSql.save(tx, rec);
    return buildExport(tx, table, rec, now);
  });
  const started = { ...rec };
  try {
    await writeExport(s3Sink(ddb.s3Caller(ctx), rec.s3Bucket), outcome.objects);
    Object.assign(rec, {
      status: 'COMPLETED',
      manifest: outcome.manifest,
      itemCount: outcome.itemCount,
      billedSizeBytes: outcome.billedSizeBytes,
    });
  } catch (err) {
    // S3's error code, as DynamoDB reports it: S3NoSuchBucket, S3AccessDenied, …
    const code = err instanceof S3ObjectError ? `S3${err.code}` : 'UNKNOWN';
    Object.assign(rec, { status: 'FAILED', failureCode: code, failureMessage: (err as Error).message });
  }
  rec.endTime = ddb.clock.now();
  await exportsSql.save(ddb.store, rec);
  return { ExportDescription: exportDescription(started, true) };
}

import { applySse, checkSseSpecification } from '../tables/sse.js';
import type { SseSpecification } from '../tables/sse.js';
import { randomBytes, randomUUID } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import { backupKey } from '../backups/describe.js';
import { recoveryErrors } from '../backups/errors.js';
import { nextSequence } from '../backups/store.js';
import type { DynamoDb } from '../context.js';
import { ddbErrors, invalid } from '../errors.js';
import { importDescription } from '../imports/describe.js';
import { importsSql } from '../imports/store.js';
import type { CsvOptions, ImportCompression, ImportFormat, ImportRecord, S3BucketSource } from '../imports/store.js';
import { validateCreateTable } from '../tables/validate-create.js';
import type { CreateTableInput } from '../tables/validate-create.js';
import { newTableRecord } from './create-table.js';

export interface ImportTableInput {
  ClientToken?: string;
  S3BucketSource: S3BucketSource;
  InputFormat: ImportFormat;
  InputFormatOptions?: { Csv?: CsvOptions };
  InputCompressionType?: ImportCompression;
  TableCreationParameters: Omit<CreateTableInput, 'LocalSecondaryIndexes' | 'StreamSpecification' | 'Tags'>;
}

/** How long a ClientToken identifies its import. */
const TOKEN_WINDOW_MS = 8 * 60 * 60_000;

/**
 * Create a table and fill it from S3 objects: Overcast's own S3, read through its API as the
 * caller's account, every object under S3KeyPrefix, in DYNAMODB_JSON, ION or CSV, uncompressed or
 * in GZIP or ZSTD. The table is validated as CreateTable validates it, is CREATING during the
 * import and ACTIVE after it (plus the configured status delay). The import runs before this
 * returns; the answer says IN_PROGRESS (as AWS's does) and DescribeImport then reports the outcome:
 * COMPLETED; FAILED with S3's error when the source cannot be read (the table is removed again);
 * or FAILED with ItemValidationError when some records were not imported (the table keeps the rest).
 */
export async function importTable(ddb: DynamoDb, input: ImportTableInput, ctx: OperationContext) {
  const params = input.TableCreationParameters;
  validateCreateTable(params, ctx.region);
  checkSseSpecification(params.SSESpecification as SseSpecification | undefined);
  const now = ddb.clock.now();
  if (input.InputFormat !== 'CSV' && input.InputFormatOptions?.Csv !== undefined) {
    throw invalid(`Invalid Request: Unsupported InputFormatOptions for the given input format: ${input.InputFormat}.`);
  }
  // The table's name is taken (even by this token's own finished import): checked first, as AWS does.
  if (ddb.catalog.get(ctx.account, ctx.region, params.TableName)) {
    throw ddbErrors.resourceInUse(`Table already exists: ${params.TableName}`);
  }
  // A retry with the same token may name another S3 source: AWS answers the earlier import.
  const fingerprint = JSON.stringify([input.InputFormat, input.InputFormatOptions, input.InputCompressionType, params]);
  const earlier = await importsSql.replay(
    ddb.store,
    ctx,
    input.ClientToken,
    fingerprint,
    now - TOKEN_WINDOW_MS,
    recoveryErrors.importConflict,
  );
  if (earlier) return { ImportTableDescription: importDescription(earlier) };
  // CREATING until the import is over: other requests see the name taken and the table not ready.
  // An imported table gets no OnDemandThroughput (AWS's DescribeTable shows none; DescribeImport echoes it).
  const { OnDemandThroughput: _limits, ...tableParams } = params;
  const record = await newTableRecord(ddb, tableParams, ctx, now, Number.MAX_SAFE_INTEGER);
  applySse(record, params.SSESpecification as SseSpecification | undefined);
  const table = await ddb.catalog.save(record);
  const key = backupKey(now, randomBytes(4).toString('hex'));
  const rec: ImportRecord = {
    id: 0,
    account: ctx.account,
    region: ctx.region,
    key,
    arn: `${record.arn}/import/${key}`,
    tableArn: record.arn,
    tableId: record.tableId,
    tableName: record.name,
    status: 'IN_PROGRESS',
    startTime: now,
    clientToken: input.ClientToken ?? randomUUID(),
    source: input.S3BucketSource,
    inputFormat: input.InputFormat,
    ...(input.InputFormatOptions?.Csv ? { csv: input.InputFormatOptions.Csv } : {}),
    compression: input.InputCompressionType ?? 'NONE',
    tableCreationParameters: params as unknown as Record<string, unknown>,
    processedSizeBytes: 0,
    processedItemCount: 0,
    importedItemCount: 0,
    errorCount: 0,
    fingerprint,
  };
  await ddb.store.transaction(async (tx) => {
    rec.id = await nextSequence(tx, 'import');
    await importsSql.save(tx, rec);
  });
  const started = { ...rec };
  try {
    const { runImport } = await import('../imports/run.js');
    const outcome = await runImport(ddb, ddb.s3Caller(ctx), table, rec);
    Object.assign(rec, {
      processedSizeBytes: outcome.processedSizeBytes,
      processedItemCount: outcome.processedItemCount,
      importedItemCount: outcome.importedItemCount,
      errorCount: outcome.errorCount,
    });
    if (outcome.sourceFailure) {
      await ddb.catalog.remove(table);
      Object.assign(rec, {
        status: 'FAILED',
        failureCode: outcome.sourceFailure.code,
        failureMessage: outcome.sourceFailure.message,
      });
    } else {
      const activeAt = ddb.clock.now() + ddb.tableStatusDelayMs;
      await ddb.catalog.save({ ...record, activeAt, gsis: record.gsis.map((g) => ({ ...g, activeAt })) });
      if (outcome.errorCount > 0) {
        Object.assign(rec, {
          status: 'FAILED',
          failureCode: 'ItemValidationError',
          failureMessage:
            'Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.',
        });
      } else rec.status = 'COMPLETED';
    }
  } catch (err) {
    await ddb.catalog.remove(table);
    Object.assign(rec, { status: 'FAILED', failureCode: 'UNKNOWN', failureMessage: (err as Error).message });
    throw err;
  } finally {
    rec.endTime = ddb.clock.now();
    await importsSql.save(ddb.store, rec);
  }
  return { ImportTableDescription: importDescription(started, true) };
}

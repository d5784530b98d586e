import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { AwsError } from '../../../core/errors/aws-error.js';
import { logsPort } from '../../logs/port.js';
import type { LogEvent } from '../../logs/port.js';
import { S3ObjectError, getObject, listObjects } from '../../s3/object-client.js';
import type { S3Caller } from '../../s3/object-client.js';
import { backfillIndexes } from '../backups/restore.js';
import type { DynamoDb } from '../context.js';
import { encodeKeyOf, validateItemKeys } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import type { Item } from '../types.js';
import { MAX_ITEM_SIZE, itemSize } from '../values/size.js';
import { validateItem } from '../values/validate.js';
import { IMPORT_LOG_GROUP } from './describe.js';
import { csvRecords, dynamoDbJsonRecords, ionRecords } from './formats.js';
import type { SourceRecord } from './formats.js';
import type { ImportRecord } from './store.js';

/** Items written per store transaction. */
const CHUNK = 1000;

/** How an import ended. */
export interface ImportOutcome {
  processedSizeBytes: number;
  processedItemCount: number;
  importedItemCount: number;
  errorCount: number;
  /** Set when the import failed as a whole (S3 unreadable): the table is then removed. */
  sourceFailure?: { code: string; message: string };
}

/** The key attributes (table and indexes) with their types from AttributeDefinitions: CSV columns typed by them. */
function keyTypesOf(table: Table): Map<string, string> {
  const types = new Map<string, string>();
  const defined = new Map(table.record.attributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  const keySchemas = [table.record.keySchema, ...table.record.gsis.map((g) => g.keySchema)];
  for (const k of keySchemas.flat()) {
    const t = defined.get(k.AttributeName);
    if (t) types.set(k.AttributeName, t);
  }
  return types;
}

/** An object's text; a body that does not decompress is a record error of its own. */
function decode(body: Buffer, compression: ImportRecord['compression']): string | { error: string } {
  try {
    if (compression === 'GZIP') return gunzipSync(body).toString('utf8');
    if (compression === 'ZSTD') return Buffer.from(zstdDecompress(body)).toString('utf8');
  } catch (err) {
    return { error: `The object could not be decompressed as ${compression}: ${(err as Error).message}` };
  }
  return body.toString('utf8');
}

/** One validated item, or the reason it cannot be imported (DynamoDB's validation messages). */
function checkItem(table: Table, raw: unknown): { item: Item; size: number } | { error: string } {
  try {
    const item = validateItem(raw);
    validateItemKeys(table, item);
    const size = itemSize(item);
    if (size > MAX_ITEM_SIZE) return { error: 'Item size has exceeded the maximum allowed size' };
    return { item, size };
  } catch (err) {
    if (err instanceof AwsError) return { error: err.message };
    throw err;
  }
}

/**
 * Read every object under the source prefix (in key order), decompress and parse it, and write its
 * valid items into the new table (a later item with the same key replaces an earlier one, as in
 * DynamoDB), then build the index rows. Each invalid record counts as an error and is logged to
 * CloudWatch Logs (`/aws-dynamodb/imports`, stream `<import id>/error`) with its object and index.
 */
export async function runImport(
  ddb: DynamoDb,
  caller: S3Caller,
  table: Table,
  rec: ImportRecord,
): Promise<ImportOutcome> {
  const out: ImportOutcome = { processedSizeBytes: 0, processedItemCount: 0, importedItemCount: 0, errorCount: 0 };
  const logged: LogEvent[] = [];
  const keyTypes = keyTypesOf(table);
  let pending: { item: Item; size: number }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await ddb.store.transaction(async (tx) => {
      for (const { item, size } of batch)
        await itemsSql.put(tx, table.id, encodeKeyOf(table.key, item), JSON.stringify(item), size);
    });
  };
  try {
    const objects = await listObjects(caller, rec.source.S3Bucket, rec.source.S3KeyPrefix ?? '');
    for (const object of objects) {
      const text = decode(await getObject(caller, rec.source.S3Bucket, object.key), rec.compression);
      if (typeof text === 'string') out.processedSizeBytes += Buffer.byteLength(text);
      const records: Iterable<SourceRecord> =
        typeof text !== 'string'
          ? [text]
          : rec.inputFormat === 'CSV'
            ? csvRecords(text, rec.csv, keyTypes)
            : rec.inputFormat === 'ION'
              ? ionRecords(text)
              : dynamoDbJsonRecords(text);
      let index = 0;
      for (const record of records) {
        out.processedItemCount++;
        const checked = 'error' in record ? record : checkItem(table, record.item);
        if ('error' in checked) {
          out.errorCount++;
          logged.push({
            timestamp: ddb.clock.now(),
            message: JSON.stringify({
              itemS3Pointer: { bucket: rec.source.S3Bucket, key: object.key, itemIndex: index },
              importArn: rec.arn,
              errorMessages: [checked.error],
            }),
          });
        } else {
          pending.push(checked);
          out.importedItemCount++;
          if (pending.length >= CHUNK) await flush();
        }
        index++;
      }
    }
    await flush();
    await ddb.store.transaction((tx) => backfillIndexes(tx, table));
  } catch (err) {
    if (err instanceof S3ObjectError) {
      // S3's error code, as DynamoDB reports it: S3NoSuchBucket, S3AccessDenied, …
      out.sourceFailure = { code: `S3${err.code}`, message: err.message };
      return out;
    }
    throw err;
  } finally {
    ddb.stats.forget(table.id); // rows were written in bulk, not through the item writer
  }
  if (logged.length > 0) {
    await logsPort({ store: ddb.store, clock: ddb.clock }).append(
      rec.account,
      rec.region,
      IMPORT_LOG_GROUP,
      `${rec.key}/error`,
      logged,
    );
  }
  return out;
}

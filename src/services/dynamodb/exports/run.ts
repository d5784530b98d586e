import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Db } from '../../../storage/store.js';
import { keyOf } from '../keys.js';
import { changesBetween, rowsAt } from '../pitr/snapshot.js';
import type { Table } from '../tables/table.js';
import type { Item } from '../types.js';
import { itemSize } from '../values/size.js';
import { fullExportLine, incrementalLine } from './format.js';
import type { ExportSink } from './sink.js';
import type { ExportRecord } from './store.js';

/** Items per data file. */
const FILE_ITEMS = 100_000;

/** A file of the export, built inside the snapshot's transaction and written after it. */
interface ExportObject {
  key: string;
  body: Buffer | string;
}

export interface ExportOutcome {
  itemCount: number;
  billedSizeBytes: number;
  manifest: string;
  objects: ExportObject[];
}

const md5 = (data: Buffer | string) => createHash('md5').update(data);
const iso = (ms: number) => new Date(ms).toISOString();
const fileName = () =>
  randomBytes(16)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20)
    .padEnd(20, '0');

/** `[<prefix>/]AWSDynamoDB/<export id>`, the export's directory within the bucket. */
export function exportBase(rec: Pick<ExportRecord, 's3Prefix' | 'key'>): string {
  const prefix = rec.s3Prefix?.replace(/\/+$/, '');
  return `${prefix ? `${prefix}/` : ''}AWSDynamoDB/${rec.key}`;
}

/**
 * Build an export in DynamoDB's layout: `_started`, `data/*.json.gz` (or `.ion.gz`),
 * `manifest-files.json`, `manifest-summary.json` and their `.checksum` files. A full export is the
 * table as it was at ExportTime; an incremental one is the net change of every item written in
 * (ExportFromTime, ExportToTime]. Runs on the snapshot's transaction; the caller writes the objects.
 */
export async function buildExport(db: Db, table: Table, rec: ExportRecord, now: number): Promise<ExportOutcome> {
  const base = exportBase(rec);
  const ext = rec.exportFormat === 'ION' ? 'ion.gz' : 'json.gz';
  const objects: ExportObject[] = [{ key: `${base}/_started`, body: '' }];
  const files: { itemCount: number; md5Checksum: string; etag: string; dataFileS3Key: string }[] = [];
  let lines: string[] = [];
  let itemCount = 0;
  let bytes = 0;
  const flush = () => {
    const body = gzipSync(lines.join(''));
    const key = `${base}/data/${fileName()}.${ext}`;
    objects.push({ key, body });
    files.push({
      itemCount: lines.length,
      md5Checksum: md5(body).digest('base64'),
      etag: md5(body).digest('hex'),
      dataFileS3Key: key,
    });
    lines = [];
  };
  const add = (line: string, size: number) => {
    lines.push(line);
    itemCount++;
    bytes += size;
    if (lines.length >= FILE_ITEMS) flush();
  };
  if (rec.incremental) {
    const { from, to, viewType } = rec.incremental;
    for (const change of await changesBetween(db, table.id, from, to)) {
      const newImage = change.newItem !== null ? (JSON.parse(change.newItem) as Item) : undefined;
      const oldImage = change.oldItem !== null ? (JSON.parse(change.oldItem) as Item) : undefined;
      if (!newImage && !oldImage) continue;
      add(
        incrementalLine(rec.exportFormat, {
          keys: keyOf(table.key, (newImage ?? oldImage)!),
          ...(newImage ? { newImage } : {}),
          ...(oldImage && viewType === 'NEW_AND_OLD_IMAGES' ? { oldImage } : {}),
          writeMicros: change.lastWrite * 1000,
        }),
        itemSize((newImage ?? oldImage)!),
      );
    }
  } else {
    for await (const page of rowsAt(db, table.id, rec.exportTime ?? now)) {
      for (const row of page) add(fullExportLine(rec.exportFormat, row.item), row.size);
    }
  }
  if (lines.length > 0 || files.length === 0) flush();

  const filesManifest = files.map((f) => JSON.stringify(f)).join('\n') + '\n';
  const summary: Record<string, unknown> = {
    version: rec.incremental ? '2023-08-01' : '2020-06-30',
    exportArn: rec.arn,
    startTime: iso(rec.startTime),
    endTime: iso(now),
    tableArn: rec.tableArn,
    tableId: rec.tableId,
    ...(rec.incremental ? { exportFromTime: iso(rec.incremental.from), exportToTime: iso(rec.incremental.to) } : {}),
    exportTime: iso(rec.incremental ? rec.incremental.to : (rec.exportTime ?? now)),
    s3Bucket: rec.s3Bucket,
    s3Prefix: rec.s3Prefix ?? null,
    s3SseAlgorithm: rec.s3SseAlgorithm,
    s3SseKmsKeyId: rec.s3SseKmsKeyId ?? null,
    manifestFilesS3Key: `${base}/manifest-files.json`,
    billedSizeBytes: bytes,
    itemCount,
    outputFormat: rec.exportFormat,
    ...(rec.incremental ? { outputView: rec.incremental.viewType, exportType: 'INCREMENTAL_EXPORT' } : {}),
  };
  const summaryJson = JSON.stringify(summary);
  objects.push(
    { key: `${base}/manifest-files.json`, body: filesManifest },
    { key: `${base}/manifest-files.checksum`, body: md5(filesManifest).digest('hex') },
    { key: `${base}/manifest-summary.json`, body: summaryJson },
    { key: `${base}/manifest-summary.checksum`, body: md5(summaryJson).digest('hex') },
  );
  return { itemCount, billedSizeBytes: bytes, manifest: `${base}/manifest-summary.json`, objects };
}

/** Write the export's objects, manifests last (their presence marks a complete export). */
export async function writeExport(sink: ExportSink, objects: readonly ExportObject[]): Promise<void> {
  for (const o of objects) await sink.write(o.key, o.body);
}

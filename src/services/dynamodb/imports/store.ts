import { jobRecordsSql } from '../storage/job-records.js';
import type { JobRecord } from '../storage/job-records.js';

export type ImportFormat = 'DYNAMODB_JSON' | 'ION' | 'CSV';
export type ImportCompression = 'GZIP' | 'ZSTD' | 'NONE';

/** ImportTable's S3BucketSource. */
export interface S3BucketSource {
  S3Bucket: string;
  S3BucketOwner?: string;
  S3KeyPrefix?: string;
}

export interface CsvOptions {
  Delimiter?: string;
  HeaderList?: string[];
}

/** Everything kept about one import (ddb_imports.record). */
export interface ImportRecord extends JobRecord {
  source: S3BucketSource;
  inputFormat: ImportFormat;
  csv?: CsvOptions;
  compression: ImportCompression;
  /** The request's TableCreationParameters, echoed by DescribeImport. */
  tableCreationParameters: Record<string, unknown>;
  processedSizeBytes: number;
  processedItemCount: number;
  importedItemCount: number;
  errorCount: number;
}

export const importsSql = jobRecordsSql<ImportRecord>('ddb_imports', 'import_key');

import { jobRecordsSql } from '../storage/job-records.js';
import type { JobRecord } from '../storage/job-records.js';

/** Everything kept about one export (ddb_exports.record). */
export interface ExportRecord extends JobRecord {
  /** FULL_EXPORT's point in time. */
  exportTime?: number;
  s3Bucket: string;
  s3BucketOwner?: string;
  s3Prefix?: string;
  s3SseAlgorithm: string;
  s3SseKmsKeyId?: string;
  exportFormat: 'DYNAMODB_JSON' | 'ION';
  exportType: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  incremental?: { from: number; to: number; viewType: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' };
  manifest?: string;
  itemCount?: number;
  billedSizeBytes?: number;
}

export const exportsSql = jobRecordsSql<ExportRecord>('ddb_exports', 'export_key');

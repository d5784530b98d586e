import { putObject } from '../../s3/object-client.js';
import type { S3Caller } from '../../s3/object-client.js';

/** Where an export's objects go: the export's S3 bucket. */
export interface ExportSink {
  write(key: string, data: Buffer | string): Promise<void>;
}

/** The export's bucket in Overcast's S3, written through S3's API as the exporting account. */
export function s3Sink(caller: S3Caller, bucket: string): ExportSink {
  return { write: (key, data) => putObject(caller, bucket, key, data) };
}

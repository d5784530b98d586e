import { crc32 } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { TEST_CREDENTIALS } from '../helpers/server.js';

/** An S3 client on the test server (path-style: the endpoint is an IP address). */
export function s3Client(endpoint: string, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 1,
    ...extra,
  });
}

export async function text(body: { transformToString(): Promise<string> } | undefined): Promise<string> {
  return body ? body.transformToString() : '';
}

/** The base64 CRC32 of `data`, as S3 answers it (x-amz-checksum-crc32). */
export const b64crc32 = (data: Buffer): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data));
  return b.toString('base64');
};

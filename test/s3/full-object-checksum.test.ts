import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { b64crc32, s3Client } from './helpers.js';

// A multipart upload created with ChecksumType FULL_OBJECT: the object's checksum is that of its
// whole content (made from the parts' CRCs), checked against the one the client states on
// completion, and answered by HeadObject / GetObject with ChecksumMode ENABLED.
describe('S3 FULL_OBJECT multipart checksums', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024 + 17), randomBytes(1234)];
  const whole = Buffer.concat(parts);

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'full' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  const upload = async (Key: string) => {
    const { UploadId, ChecksumType } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'full',
        Key,
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: 'FULL_OBJECT',
      }),
    );
    expect(ChecksumType).toBe('FULL_OBJECT');
    const done = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await s3.send(
        new UploadPartCommand({
          Bucket: 'full',
          Key,
          UploadId,
          PartNumber: i + 1,
          Body: parts[i],
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      expect(r.ChecksumCRC32).toBe(b64crc32(parts[i]!));
      done.push({ PartNumber: i + 1, ETag: r.ETag!, ChecksumCRC32: r.ChecksumCRC32! });
    }
    return { UploadId: UploadId!, done };
  };

  it('completes with the checksum of the whole object and answers it', async () => {
    const { UploadId, done } = await upload('ok');
    const res = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'full',
        Key: 'ok',
        UploadId,
        ChecksumType: 'FULL_OBJECT',
        ChecksumCRC32: b64crc32(whole),
        MultipartUpload: { Parts: done },
      }),
    );
    expect([res.ChecksumCRC32, res.ChecksumType]).toEqual([b64crc32(whole), 'FULL_OBJECT']);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'full', Key: 'ok', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumCRC32, head.ChecksumType, head.ContentLength]).toEqual([
      b64crc32(whole),
      'FULL_OBJECT',
      whole.length,
    ]);
    // The SDK checks a whole-object checksum of a GET against the bytes it reads.
    const get = await s3.send(new GetObjectCommand({ Bucket: 'full', Key: 'ok', ChecksumMode: 'ENABLED' }));
    expect(get.ChecksumCRC32).toBe(b64crc32(whole));
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(whole)).toBe(true);
  });

  it('refuses a stated checksum that is not the whole object’s (BadDigest), and keeps the upload', async () => {
    const { UploadId, done } = await upload('bad');
    const err = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'full',
          Key: 'bad',
          UploadId,
          ChecksumType: 'FULL_OBJECT',
          // The checksum of the first part alone.
          ChecksumCRC32: done[0]!.ChecksumCRC32,
          MultipartUpload: { Parts: done },
        }),
      ),
    );
    expect([err.name, err.message, err.$metadata?.httpStatusCode]).toEqual([
      'BadDigest',
      'The crc32 you specified did not match the calculated checksum.',
      400,
    ]);
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'full', Key: 'bad' })))).name).toBe('NotFound');
    const listed = await s3.send(new ListPartsCommand({ Bucket: 'full', Key: 'bad', UploadId }));
    expect(listed.Parts?.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
  });
});

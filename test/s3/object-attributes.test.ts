import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ObjectAttributes } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { s3Client } from './helpers.js';

describe('S3 GetObjectAttributes', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  const body = 'hello world!';
  const attrs = (Key: string, ObjectAttributes: string[], extra: Record<string, unknown> = {}) =>
    s3.send(
      new GetObjectAttributesCommand({
        Bucket: 'attrs',
        Key,
        ObjectAttributes: ObjectAttributes as ObjectAttributes[],
        ...extra,
      }),
    );

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'attrs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'attrs', Key: 'small', Body: body, ChecksumAlgorithm: 'CRC32' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('answers the attributes asked for, and only those', async () => {
    const all = await attrs('small', ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);
    expect(all.ETag).toBe(createHash('md5').update(body).digest('hex'));
    expect(all.Checksum?.ChecksumCRC32).toBeDefined();
    expect(all.Checksum?.ChecksumType).toBe('FULL_OBJECT');
    expect(all.ObjectParts).toBeUndefined(); // not a multipart object
    expect([all.StorageClass, all.ObjectSize]).toEqual(['STANDARD', body.length]);
    expect(all.LastModified).toBeInstanceOf(Date);
    const some = await attrs('small', ['ObjectSize']);
    expect([some.ETag, some.Checksum, some.StorageClass, some.ObjectSize]).toEqual([
      undefined,
      undefined,
      undefined,
      body.length,
    ]);
  });

  it('refuses no or unknown attribute names, and a missing key, as S3 does', async () => {
    for (const names of [[], ['Size']]) {
      const err = await errorOf(attrs('small', names));
      expect([err.name, err.message]).toEqual(['InvalidArgument', 'Invalid attribute name specified.']);
    }
    const err = await errorOf(attrs('nothing', ['ETag']));
    expect([err.name, err.message]).toEqual(['NoSuchKey', 'The specified key does not exist.']);
  });

  it('lists the parts of a multipart object with their checksums, a page at a time', async () => {
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(10)];
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'attrs', Key: 'mpu', ChecksumAlgorithm: 'SHA256' }),
    );
    const done = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await s3.send(
        new UploadPartCommand({
          Bucket: 'attrs',
          Key: 'mpu',
          UploadId,
          PartNumber: i + 1,
          Body: parts[i],
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      done.push({ PartNumber: i + 1, ETag: r.ETag!, ChecksumSHA256: r.ChecksumSHA256! });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: 'attrs', Key: 'mpu', UploadId, MultipartUpload: { Parts: done } }),
    );
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
    const page1 = await attrs('mpu', ['ObjectParts', 'ETag', 'ObjectSize'], { MaxParts: 2 });
    expect(page1.ETag).toMatch(/^[0-9a-f]{32}-3$/);
    expect(page1.ObjectSize).toBe(10 * 1024 * 1024 + 10);
    expect(page1.ObjectParts).toMatchObject({
      TotalPartsCount: 3,
      PartNumberMarker: '0',
      NextPartNumberMarker: '2',
      MaxParts: 2,
      IsTruncated: true,
    });
    expect(page1.ObjectParts?.Parts).toEqual([
      { PartNumber: 1, Size: parts[0]!.length, ChecksumSHA256: sha(parts[0]!) },
      { PartNumber: 2, Size: parts[1]!.length, ChecksumSHA256: sha(parts[1]!) },
    ]);
    const page2 = await attrs('mpu', ['ObjectParts'], { MaxParts: 2, PartNumberMarker: '2' });
    expect(page2.ObjectParts?.IsTruncated).toBe(false);
    expect(page2.ObjectParts?.Parts).toEqual([{ PartNumber: 3, Size: 10, ChecksumSHA256: sha(parts[2]!) }]);
  });

  it('answers a delete marker as a missing key, and a version by its id', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'attrs-v' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'attrs-v', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: 'attrs-v', Key: 'k', Body: 'v1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'attrs-v', Key: 'k' }));
    const gone = await errorOf(
      s3.send(new GetObjectAttributesCommand({ Bucket: 'attrs-v', Key: 'k', ObjectAttributes: ['ETag'] })),
    );
    expect(gone.name).toBe('NoSuchKey');
    const v1 = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: 'attrs-v',
        Key: 'k',
        VersionId: put.VersionId,
        ObjectAttributes: ['ObjectSize'],
      }),
    );
    expect([v1.ObjectSize, v1.VersionId]).toEqual([2, put.VersionId]);
  });

  it.skipIf(!hasAwsCli)('works from the AWS CLI (aws s3api get-object-attributes)', async () => {
    const out = await aws(server.endpoint, [
      's3api',
      'get-object-attributes',
      '--bucket',
      'attrs',
      '--key',
      'small',
      '--object-attributes',
      'ETag',
      'ObjectSize',
    ]);
    expect(out).toMatchObject({ ETag: createHash('md5').update(body).digest('hex'), ObjectSize: 12 });
  });
});

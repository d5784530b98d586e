import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectTaggingCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

/** The test credentials' access key is not an account id, so their account is 000000000000. */
const TEST_ACCOUNT = '000000000000';

describe('S3 max-keys=0 listings, x-amz-expected-bucket-owner and request errors', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'listing-owner' }));
    for (const k of ['a', 'b', 'c/d'])
      await s3.send(new PutObjectCommand({ Bucket: 'listing-owner', Key: k, Body: k }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('answers max-keys=0 with an empty page that is not truncated', async () => {
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: 'listing-owner', MaxKeys: 0 }));
    expect(v2.IsTruncated).toBe(false);
    expect(v2.KeyCount).toBe(0);
    expect(v2.Contents).toBeUndefined();
    expect(v2.NextContinuationToken).toBeUndefined();
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing-owner', MaxKeys: 0, Delimiter: '/' }));
    expect(v1.IsTruncated).toBe(false);
    expect(v1.Contents).toBeUndefined();
    expect(v1.NextMarker).toBeUndefined();
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'listing-owner', MaxKeys: 0 }));
    expect(versions.IsTruncated).toBe(false);
    expect(versions.Versions).toBeUndefined();
    // One key is a page that is truncated.
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'listing-owner', MaxKeys: 1 }))).IsTruncated).toBe(true);
  });

  it('refuses a request whose expected bucket owner is another account with AccessDenied', async () => {
    const ok = await s3.send(
      new GetObjectCommand({ Bucket: 'listing-owner', Key: 'a', ExpectedBucketOwner: TEST_ACCOUNT }),
    );
    expect(await ok.Body!.transformToString()).toBe('a');
    const other = '999999999999';
    const list = await errorOf(
      s3.send(new ListObjectsCommand({ Bucket: 'listing-owner', ExpectedBucketOwner: other })),
    );
    expect(list.name).toBe('AccessDenied');
    expect(list.$metadata?.httpStatusCode).toBe(403);
    const put = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'listing-owner', Key: 'x', Body: 'x', ExpectedBucketOwner: other })),
    );
    expect(put.name).toBe('AccessDenied');
    // Nothing was written.
    expect((await errorOf(s3.send(new GetObjectCommand({ Bucket: 'listing-owner', Key: 'x' })))).name).toBe(
      'NoSuchKey',
    );
    const copy = await errorOf(
      s3.send(
        new CopyObjectCommand({
          Bucket: 'listing-owner',
          Key: 'y',
          CopySource: 'listing-owner/a',
          ExpectedSourceBucketOwner: other,
        }),
      ),
    );
    expect(copy.name).toBe('AccessDenied');
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'listing-owner',
        Key: 'y',
        CopySource: 'listing-owner/a',
        ExpectedSourceBucketOwner: TEST_ACCOUNT,
      }),
    );
  });

  it('answers S3’s errors for a malformed expected owner, versioned buckets, part ranges and upload markers', async () => {
    const malformed = await errorOf(
      s3.send(new ListObjectsCommand({ Bucket: 'listing-owner', ExpectedBucketOwner: 'abcd' })),
    );
    expect([malformed.name, malformed.message, malformed.$metadata?.httpStatusCode]).toEqual([
      'InvalidBucketOwnerAWSAccountID',
      'The value of the expected bucket owner parameter must be an AWS Account ID... [abcd]',
      400,
    ]);
    const ranged = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: 'listing-owner', Key: 'a', PartNumber: 1, Range: 'bytes=0-0' })),
    );
    expect([ranged.name, ranged.message]).toEqual([
      'InvalidRequest',
      'Cannot specify both Range header and partNumber query parameter',
    ]);
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'listing-owner', Key: 'up' }));
    const marker = await errorOf(
      s3.send(
        new ListMultipartUploadsCommand({
          Bucket: 'listing-owner',
          KeyMarker: 'other',
          UploadIdMarker: upload.UploadId,
        }),
      ),
    );
    expect([marker.name, marker.message]).toEqual(['InvalidArgument', 'Invalid uploadId marker']);
    await s3.send(
      new ListMultipartUploadsCommand({ Bucket: 'listing-owner', KeyMarker: 'up', UploadIdMarker: upload.UploadId }),
    );

    await s3.send(new CreateBucketCommand({ Bucket: 'listing-versioned' }));
    const noStatus = await errorOf(
      s3.send(new PutBucketVersioningCommand({ Bucket: 'listing-versioned', VersioningConfiguration: {} })),
    );
    expect([noStatus.name, noStatus.message]).toEqual([
      'IllegalVersioningConfigurationException',
      'The Versioning element must be specified',
    ]);
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'listing-versioned', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'listing-versioned', Key: 'k', Body: 'k' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'listing-versioned', Key: 'k' }));
    const notEmpty = await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'listing-versioned' })));
    expect([notEmpty.name, notEmpty.message]).toEqual([
      'BucketNotEmpty',
      'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
    ]);
  });

  it('checks tags, checksum types and object ownership as S3 does', async () => {
    const tagging = (TagSet: { Key: string; Value: string }[], bucket = false) =>
      errorOf(
        bucket
          ? s3.send(new PutBucketTaggingCommand({ Bucket: 'listing-owner', Tagging: { TagSet } }))
          : s3.send(new PutObjectTaggingCommand({ Bucket: 'listing-owner', Key: 'a', Tagging: { TagSet } })),
      ) as Promise<Error & { TagKey?: string }>;
    const comma = await tagging([{ Key: 'Key1,Key2', Value: 'v' }]);
    expect([comma.name, comma.message, comma.TagKey]).toEqual([
      'InvalidTag',
      'The TagKey you have provided is invalid',
      'Key1,Key2',
    ]);
    expect((await tagging([{ Key: 'k', Value: 'Val1,Val2' }])).message).toBe(
      'The TagValue you have provided is invalid',
    );
    expect((await tagging([{ Key: 'aws:x', Value: 'v' }])).message).toBe('Your TagKey cannot be prefixed with aws:');
    expect((await tagging([{ Key: 'aws:x', Value: 'v' }], true)).message).toBe(
      'System tags cannot be added/updated by requester',
    );
    // Letters of any script, digits, spaces and _ . : / = + - @ are allowed.
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: 'listing-owner',
        Key: 'a',
        Tagging: { TagSet: [{ Key: 'größe_1 a.b:c/d=e+f-g@h', Value: '' }] },
      }),
    );
    for (const header of ['key1=val1&key1=val2', 'key1=val1,key2=val2']) {
      const e = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'listing-owner', Key: 't', Body: '', Tagging: header })),
      );
      expect([e.name, e.message]).toEqual([
        'InvalidArgument',
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
      ]);
    }
    const typeOnly = await errorOf(
      s3.send(new CreateMultipartUploadCommand({ Bucket: 'listing-owner', Key: 'm', ChecksumType: 'COMPOSITE' })),
    );
    expect(typeOnly.message).toBe(
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    );
    const composite = await errorOf(
      s3.send(
        new CreateMultipartUploadCommand({
          Bucket: 'listing-owner',
          Key: 'm',
          ChecksumAlgorithm: 'CRC64NVME',
          ChecksumType: 'COMPOSITE',
        }),
      ),
    );
    expect(composite.message).toBe('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
    const ownership = await errorOf(
      s3.send(new CreateBucketCommand({ Bucket: 'listing-owned', ObjectOwnership: 'RandomValue' as never })),
    );
    expect([ownership.name, ownership.message]).toEqual([
      'InvalidArgument',
      'Invalid x-amz-object-ownership header: RandomValue',
    ]);
    await s3.send(new CreateBucketCommand({ Bucket: 'listing-owned', ObjectOwnership: 'BucketOwnerEnforced' }));
  });
});

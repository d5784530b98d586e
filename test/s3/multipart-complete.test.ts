import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm, ChecksumType, CompletedPart } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('base64');
const PART = 5 * 1024 * 1024;

describe('S3 CompleteMultipartUpload: retries, stated checksums, parts read back', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'mpc' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  /** An upload of `bodies` as parts 1..n, ready to complete. */
  async function upload(
    key: string,
    bodies: Buffer[],
    algorithm?: ChecksumAlgorithm,
    type?: ChecksumType,
  ): Promise<{ uploadId: string; parts: CompletedPart[] }> {
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'mpc', Key: key, ChecksumAlgorithm: algorithm, ChecksumType: type }),
    );
    const parts: CompletedPart[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const r = await s3.send(
        new UploadPartCommand({
          Bucket: 'mpc',
          Key: key,
          UploadId: created.UploadId,
          PartNumber: i + 1,
          Body: bodies[i],
          ChecksumAlgorithm: algorithm,
        }),
      );
      parts.push({ ETag: r.ETag, PartNumber: i + 1, ChecksumSHA256: r.ChecksumSHA256 });
    }
    return { uploadId: created.UploadId!, parts };
  }

  it('answers a retried completion again while its object is current, and NoSuchUpload after', async () => {
    const { uploadId, parts } = await upload('retry', [Buffer.alloc(PART, 1), Buffer.from('tail')]);
    const complete = () =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'retry',
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    const first = await complete();
    const again = await complete();
    expect(again.ETag).toBe(first.ETag);
    expect(again.ChecksumCRC64NVME).toBe(first.ChecksumCRC64NVME);
    expect(again.Location).toBe(first.Location);
    // Still one object, of the upload's bytes.
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'mpc', Key: 'retry' }))).ContentLength).toBe(PART + 4);
    // Once another write replaced it, the upload is gone.
    await s3.send(new PutObjectCommand({ Bucket: 'mpc', Key: 'retry', Body: 'other' }));
    const gone = await errorOf(complete());
    expect(gone.name).toBe('NoSuchUpload');
    expect(gone.$metadata?.httpStatusCode).toBe(404);
    // An upload id S3 never gave stays NoSuchUpload.
    const unknown = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'retry',
          UploadId: 'nope',
          MultipartUpload: { Parts: parts },
        }),
      ),
    );
    expect(unknown.name).toBe('NoSuchUpload');
  });

  it('takes a COMPOSITE checksum stated with its part count, and refuses a wrong one', async () => {
    const bodies = [Buffer.alloc(PART, 'a'), Buffer.alloc(PART, 'b'), Buffer.from('c')];
    const composite = `${createHash('sha256')
      .update(Buffer.concat(bodies.map((b) => createHash('sha256').update(b).digest())))
      .digest('base64')}-3`;
    const ok = await upload('composite', bodies, 'SHA256');
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpc',
        Key: 'composite',
        UploadId: ok.uploadId,
        ChecksumSHA256: composite,
        MultipartUpload: { Parts: ok.parts },
      }),
    );
    expect(done.ChecksumSHA256).toBe(composite);
    expect(done.ChecksumType).toBe('COMPOSITE');

    const bad = await upload('composite-bad', bodies, 'SHA256');
    const wrong = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'composite-bad',
          UploadId: bad.uploadId,
          ChecksumSHA256: `${sha256(Buffer.from('x'))}-3`,
          MultipartUpload: { Parts: bad.parts },
        }),
      ),
    );
    expect(wrong.name).toBe('BadDigest');
    const malformed = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'composite-bad',
          UploadId: bad.uploadId,
          ChecksumSHA256: 'bad',
          MultipartUpload: { Parts: bad.parts },
        }),
      ),
    );
    expect(malformed.name).toBe('InvalidRequest');
    expect(malformed.message).toBe('Value for x-amz-checksum-sha256 header is invalid.');
    const mode = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'composite-bad',
          UploadId: bad.uploadId,
          ChecksumType: 'FULL_OBJECT',
          MultipartUpload: { Parts: bad.parts },
        }),
      ),
    );
    expect(mode.message).toBe(
      'The upload was created using the COMPOSITE checksum mode. The complete request must use the same checksum mode.',
    );
    const size = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'composite-bad',
          UploadId: bad.uploadId,
          MpuObjectSize: 5,
          MultipartUpload: { Parts: bad.parts },
        }),
      ),
    );
    expect(size.message).toBe(
      `The provided 'x-amz-mp-object-size' header value 5 does not match what was computed: ${2 * PART + 1}`,
    );
    const noParts = await errorOf(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpc', Key: 'composite-bad', UploadId: bad.uploadId })),
    );
    expect([noParts.name, noParts.message]).toEqual(['InvalidRequest', 'You must specify at least one part']);
    // A COMPOSITE upload's parts must each name their checksum; another algorithm's is a BadDigest.
    const bare = bad.parts.map((p) => ({ ETag: p.ETag, PartNumber: p.PartNumber }));
    const missing = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'composite-bad',
          UploadId: bad.uploadId,
          MultipartUpload: { Parts: bare },
        }),
      ),
    );
    expect([missing.name, missing.message]).toEqual([
      'InvalidRequest',
      'The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.',
    ]);
    const otherAlg = await errorOf(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpc',
          Key: 'composite-bad',
          UploadId: bad.uploadId,
          MultipartUpload: { Parts: bare.map((p) => ({ ...p, ChecksumCRC32: 'AAAAAA==' })) },
        }),
      ),
    );
    expect([otherAlg.name, otherAlg.message]).toEqual([
      'BadDigest',
      'The crc32 you specified for part 1 did not match what we received.',
    ]);
    // The refused completions left the upload to complete.
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpc',
        Key: 'composite-bad',
        UploadId: bad.uploadId,
        MpuObjectSize: 2 * PART + 1,
        MultipartUpload: { Parts: bad.parts },
      }),
    );

    // GET ?partNumber with checksum mode answers that part's checksum (the SDK checks the bytes with it).
    for (const [i, b] of bodies.entries()) {
      const part = await s3.send(
        new GetObjectCommand({ Bucket: 'mpc', Key: 'composite', PartNumber: i + 1, ChecksumMode: 'ENABLED' }),
      );
      expect(part.ChecksumSHA256).toBe(sha256(b));
      expect(part.ChecksumType).toBe('COMPOSITE');
      expect(Buffer.from(await part.Body!.transformToByteArray()).equals(b)).toBe(true);
    }
    const plain = await s3.send(new HeadObjectCommand({ Bucket: 'mpc', Key: 'composite', PartNumber: 2 }));
    expect(plain.ChecksumSHA256).toBeUndefined();
  });

  it('answers no version id for a completion in a versioning-suspended bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'mpc-suspended' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'mpc-suspended', VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpc-suspended', Key: 'k' }));
    const part = await s3.send(
      new UploadPartCommand({
        Bucket: 'mpc-suspended',
        Key: 'k',
        UploadId: created.UploadId,
        PartNumber: 1,
        Body: 'x',
      }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpc-suspended',
        Key: 'k',
        UploadId: created.UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    expect(done.VersionId).toBeUndefined();
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'mpc-suspended', Key: 'k' }))).VersionId).toBe('null');
  });

  it('refuses UploadPartCopy ranges as S3 does: malformed, starting past the end, ending past it', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'mpc', Key: 'src', Body: 'hello' }));
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpc', Key: 'dst' }));
    const copy = (range: string) =>
      errorOf(
        s3.send(
          new UploadPartCopyCommand({
            Bucket: 'mpc',
            Key: 'dst',
            UploadId: created.UploadId,
            PartNumber: 1,
            CopySource: 'mpc/src',
            CopySourceRange: range,
          }),
        ),
      );
    const malformed = await copy('bytes=3-1');
    expect(malformed.name).toBe('InvalidArgument');
    expect(malformed.message).toMatch(/^The x-amz-copy-source-range value must be of the form bytes=first-last/);
    const past = await copy('bytes=5-9');
    expect(past.name).toBe('InvalidRequest');
    expect(past.message).toBe('The specified copy range is invalid for the source object size');
    const end = await copy('bytes=0-21');
    expect(end.name).toBe('InvalidArgument');
    expect(end.message).toBe('Range specified is not valid for source object of size: 5');
    await s3.send(new DeleteObjectCommand({ Bucket: 'mpc', Key: 'src' }));
  });
});
